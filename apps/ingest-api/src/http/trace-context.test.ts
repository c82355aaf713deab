import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, SamplingDecision, type ReadableSpan, type Sampler, type SamplingResult, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import express from 'express';
import request from 'supertest';
import { traceContext, spanRoute } from './trace-context';

/** Ended spans in order, handed to whoever waits for the next one: no polling, no sleeps. */
class EndedSpans implements SpanProcessor {
  private readonly spans: ReadableSpan[] = [];
  private readonly waiters: Array<(span: ReadableSpan) => void> = [];
  next(): Promise<ReadableSpan> {
    const span = this.spans.shift();
    return span ? Promise.resolve(span) : new Promise((resolve) => this.waiters.push(resolve));
  }
  onEnd(span: ReadableSpan): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(span);
    else this.spans.push(span);
  }
  onStart(): void {}
  forceFlush = async () => undefined;
  shutdown = async () => undefined;
}

/** Samples like the default until told to leave the next new traces out. */
class SwitchableSampler implements Sampler {
  sampling = true;
  shouldSample = (): SamplingResult => ({ decision: this.sampling ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD });
  toString = () => 'switchable';
}

const ended = new EndedSpans();
const sampler = new SwitchableSampler();
// As startTracing sets them up (without the NodeSDK's instrumentations and exporters).
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [ended], sampler }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

function app() {
  const served = express();
  served.use(traceContext());
  served.post('/v1/events', spanRoute('/v1/events'), (req, res) => {
    if (req.query['fail']) return void res.status(500).json({ error: 'boom' });
    if (req.query['hang']) return; // answered never: the client gives up first
    res.status(202).json({ traceId: res.locals['traceId'] });
  });
  return served;
}

describe('traceContext with tracing on', () => {
  it('continues the caller trace in a SERVER span named after the route, and names it in the response', async () => {
    const span = ended.next();
    const response = await request(app()).post('/v1/events').set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01').expect(202);
    const server = await span;
    const { traceId, spanId } = server.spanContext();
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.name).toBe('POST /v1/events');
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/events', 'http.request.method': 'POST', 'http.response.status_code': 202 });
    expect(server.attributes['http.response.aborted']).toBeUndefined();
    expect(server.status.code).toBe(SpanStatusCode.UNSET);
    expect(response.headers['traceparent']).toBe(`00-${traceId}-${spanId}-01`);
    expect(response.headers['x-trace-id']).toBe(traceId);
    expect(response.body).toEqual({ traceId });
  });

  it('marks a 5xx as an error and leaves a 4xx to the client', async () => {
    const failed = ended.next();
    await request(app()).post('/v1/events?fail=1').expect(500);
    expect((await failed).status.code).toBe(SpanStatusCode.ERROR);
    const missing = ended.next();
    await request(app()).post('/v1/other').expect(404);
    expect((await missing).status.code).toBe(SpanStatusCode.UNSET);
  });

  it('gives a request the sampler leaves out its ids, flagged unsampled, and no span', async () => {
    sampler.sampling = false;
    const skipped = await request(app()).post('/v1/events').expect(202);
    sampler.sampling = true;
    const [, traceId, , flags] = String(skipped.headers['traceparent']).split('-');
    expect(flags).toBe('00');
    expect(skipped.headers['x-trace-id']).toBe(traceId);
    expect(skipped.body).toEqual({ traceId });
    // Had the first request recorded a span, it would be the next one ended.
    const traced = await request(app()).post('/v1/events').expect(202);
    expect((await ended.next()).spanContext().traceId).toBe(traced.headers['x-trace-id']);
  });

  it('ends the span of a request whose client went away before the answer, marked aborted', async () => {
    const server = http.createServer(app()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const span = ended.next();
      const client = http.request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', path: '/v1/events?hang=1' });
      client.on('error', () => undefined);
      client.end();
      // Express (the first 'request' listener) has opened the span when this one runs.
      await new Promise<void>((resolve) => server.once('request', () => resolve()));
      client.destroy();
      const aborted = await span;
      expect(aborted.attributes).toMatchObject({ 'http.response.aborted': true, 'http.response.status_code': 200 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
