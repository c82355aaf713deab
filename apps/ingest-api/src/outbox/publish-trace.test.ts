import { SpanKind, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { publishTrace } from './publish-trace';

const exported = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const REQUEST_SPAN = 'b7ad6b7169203331';

describe('publishTrace', () => {
  beforeEach(() => exported.reset());

  it("publishes a sampled request's event in a PRODUCER span of its trace, named in the message headers", () => {
    const { span, headers } = publishTrace('attribution.events.ingested', `00-${TRACE_ID}-${REQUEST_SPAN}-01`);
    span!.end();
    const [ended] = exported.getFinishedSpans();
    expect(ended).toMatchObject({ name: 'attribution.events.ingested publish', kind: SpanKind.PRODUCER });
    expect(ended!.parentSpanContext?.spanId).toBe(REQUEST_SPAN);
    expect(ended!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'attribution.events.ingested' });
    expect(headers).toEqual({ traceparent: `00-${TRACE_ID}-${ended!.spanContext().spanId}-01` });
  });

  it('passes the unsampled traceparent of a request the sampler left out through as it is, with no span', () => {
    const stored = `00-${TRACE_ID}-${REQUEST_SPAN}-00`;
    expect(publishTrace('attribution.events.ingested', stored)).toEqual({ headers: { traceparent: stored } });
    expect(exported.getFinishedSpans()).toEqual([]);
  });

  it('starts a trace of its own for an event stored without one, and ignores a stored value that is not a traceparent', () => {
    for (const stored of [null, 'garbage-01', `00-${'0'.repeat(32)}-${REQUEST_SPAN}-00`]) {
      const { span, headers } = publishTrace('t', stored);
      span!.end();
      expect(headers['traceparent']).toMatch(new RegExp(`^00-[0-9a-f]{32}-${span!.spanContext().spanId}-01$`));
    }
    expect(exported.getFinishedSpans()).toHaveLength(3);
  });
});
