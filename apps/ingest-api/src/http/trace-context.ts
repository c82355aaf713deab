import { randomBytes } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { runWithLogContext, setServerRoute } from '@attribution/core';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * Gives every request a W3C trace id (the caller's, when it sends a valid `traceparent`) and
 * returns it in the response, so a client can quote the id that finds its event in the logs.
 */
export function traceContext(): RequestHandler {
  return (req, res, next) => {
    // With tracing on, the HTTP instrumentation already continued the caller's trace: use its span.
    const active = trace.getActiveSpan()?.spanContext();
    if (active && trace.isSpanContextValid(active)) {
      res.locals['traceId'] = active.traceId;
      res.set('traceparent', `00-${active.traceId}-${active.spanId}-0${active.traceFlags & 1}`);
      res.set('x-trace-id', active.traceId);
      return runWithLogContext({ traceId: active.traceId }, next);
    }
    const incoming = TRACEPARENT.exec(req.get('traceparent') ?? '');
    const traceId = incoming?.[1] && !/^0+$/.test(incoming[1]) ? incoming[1] : randomBytes(16).toString('hex');
    res.locals['traceId'] = traceId;
    res.set('traceparent', `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
    res.set('x-trace-id', traceId);
    runWithLogContext({ traceId }, next);
  };
}

/** Names the request's server span after the route template (bounded, unlike the raw path). */
export function spanRoute(route: string): RequestHandler {
  return (_req, _res, next) => {
    setServerRoute(route);
    next();
  };
}
