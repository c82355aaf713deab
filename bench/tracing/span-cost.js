'use strict';
/**
 * CPU per request of the ingest path's spans in isolation: a SERVER span, its `events insert`
 * child, and a PRODUCER span continued from the stored traceparent, as the ingest-api and the
 * outbox relay create them, exported over OTLP/HTTP to a local sink that only drains.
 *
 *   npm run build && node bench/tracing/span-cost.js [off|ratio0|export]
 *
 * off: tracing not started; ratio0: SDK on, nothing sampled; export: every span exported.
 */
const http = require('node:http');
const { context, propagation, ROOT_CONTEXT, SpanKind, trace } = require('@opentelemetry/api');
const { startTracing, tracer, withSpan } = require('@attribution/runtime');

const mode = process.argv[2] || 'export';
const REQUESTS = 100_000;

async function oneRequest() {
  const span = tracer().startSpan('POST', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'url.path': '/v1/events' } }, ROOT_CONTEXT);
  await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
    withSpan('events insert', { attributes: { 'db.system': 'postgresql', 'events.count': 1 } }, async () => undefined),
  );
  span.setAttribute('http.response.status_code', 202);
  span.end();
  const carrier = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': 'events', 'messaging.operation.type': 'publish' };
  tracer().startSpan('events publish', { kind: SpanKind.PRODUCER, attributes }, propagation.extract(ROOT_CONTEXT, carrier)).end();
}

async function main() {
  const sink = http.createServer((req, res) => req.resume().on('end', () => res.end())).listen(0, '127.0.0.1');
  await new Promise((resolve) => sink.once('listening', resolve));
  const tracing = startTracing('span-cost', {
    enabled: mode !== 'off',
    otlpEndpoint: `http://127.0.0.1:${sink.address().port}`,
    sampleRatio: mode === 'ratio0' ? 0 : 1,
  });
  for (let i = 0; i < 20_000; i += 1) await oneRequest(); // JIT warm-up
  const cpu = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i += 1) {
    await oneRequest();
    // Let the batch processor's exports run, as they would between requests.
    if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await tracing.shutdown(); // flushes the last batches, so their cost is counted
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${mode}: ${((used.user + used.system) / REQUESTS).toFixed(1)} µs of CPU per request (3 spans)\n`);
  sink.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
