import { ROOT_CONTEXT, SpanStatusCode, context, trace, type Context } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { processContextManager } from '@attribution/core';
import { withSpan } from './propagation';

const exported = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] }));

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const parentWith = (traceFlags: number): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags, isRemote: true });

describe('withSpan', () => {
  beforeEach(() => exported.reset());

  it('runs fn in a child span of a sampled parent, recording a failure and always ending it', async () => {
    expect(processContextManager).toBeDefined(); // the process' context manager is installed
    const active = await context.with(parentWith(1), () => withSpan('step', { attributes: { n: 1 } }, async () => trace.getActiveSpan()!.spanContext()));
    await expect(context.with(parentWith(1), () => withSpan('failing', {}, async () => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    const [step, failing] = exported.getFinishedSpans();
    expect(step).toMatchObject({ name: 'step', attributes: { n: 1 } });
    expect(step!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(active.spanId).toBe(step!.spanContext().spanId);
    expect(failing!.status.code).toBe(SpanStatusCode.ERROR);
    expect(failing!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('makes no child of an unsampled parent: fn gets the parent span and runs in its context', async () => {
    const parent = parentWith(0);
    const seen = await withSpan('step', { parent }, async (span) => ({ given: span.spanContext().spanId, active: trace.getActiveSpan()?.spanContext().spanId }));
    expect(seen).toEqual({ given: 'b7ad6b7169203331', active: 'b7ad6b7169203331' });
    await expect(context.with(parent, () => withSpan('failing', {}, async () => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(exported.getFinishedSpans()).toEqual([]);
  });

  it('starts a trace when there is no parent', async () => {
    await withSpan('root', {}, async () => undefined);
    const [root] = exported.getFinishedSpans();
    expect(root).toMatchObject({ name: 'root' });
    expect(root!.parentSpanContext).toBeUndefined();
  });
});
