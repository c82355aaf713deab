import { randomBytes } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { RequestHandler, Response } from 'express';
import { runWithLogContext, withLogContext } from '@attribution/core';
import { tracer } from '@attribution/runtime';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * Gives every request a W3C trace id (the caller's, when it sends a valid `traceparent`) and
 * returns it in the response, so a client can quote the id that finds its event in the logs.
 *
 * With tracing on, this middleware is the HTTP server instrumentation: it continues the caller's
 * trace and opens the request's SERVER span. @opentelemetry/instrumentation-http did that job at
 * about a fifth of the ingest throughput (it wraps every listener on the request and response and
 * computes dozens of attributes); docs/benchmarks.md has the figures.
 */
export function traceContext(): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    const ids = span.spanContext();
    // Without the SDK the tracer is a no-op and its spans carry no ids: keep the caller's or make one.
    if (!trace.isSpanContextValid(ids)) {
      const incoming = TRACEPARENT.exec(req.get('traceparent') ?? '');
      const traceId = incoming?.[1] && !/^0+$/.test(incoming[1]) ? incoming[1] : randomBytes(16).toString('hex');
      announce(res, traceId, `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
      return runWithLogContext({ traceId }, next);
    }
    announce(res, ids.traceId, `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & 1}`);
    // A request the sampler left out keeps its ids (logs, response) but has no span to end.
    if (span.isRecording()) endWithResponse(span, res);
    // One context for the span and the log fields: entering it is the costly part.
    context.with(withLogContext(trace.setSpan(parent, span), { traceId: ids.traceId }), next);
  };
}

/** The trace id for the handlers, and for the caller in the response headers. */
function announce(res: Response, traceId: string, traceparent: string): void {
  res.locals['traceId'] = traceId;
  res.set('traceparent', traceparent);
  res.set('x-trace-id', traceId);
}

/**
 * The span ends when the response is done: a ServerResponse emits 'close' once it was sent, or
 * when the client went away first (then it never finished writing).
 */
function endWithResponse(span: Span, res: Response): void {
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (!res.writableFinished) span.setAttribute('http.response.aborted', true);
    // Per the HTTP semantic conventions a 4xx is the client's error, not the server span's.
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

/** Names the request's server span after the route template (bounded, unlike the raw path). */
export function spanRoute(route: string): RequestHandler {
  return (req, _res, next) => {
    trace.getActiveSpan()?.updateName(`${req.method} ${route}`).setAttribute('http.route', route);
    next();
  };
}
