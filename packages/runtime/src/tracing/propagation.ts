import { context, propagation, trace, SpanKind, SpanStatusCode, TraceFlags, type Context, type Link, type Span } from '@opentelemetry/api';
/** W3C trace context headers (`traceparent`, `tracestate`) of a message or request. */
export type TraceHeaders = Record<string, string>;

// A proxy that binds to the SDK's tracer once one is registered: fetched once, not per span.
const attributionTracer = trace.getTracer('attribution');
export const tracer = () => attributionTracer;

/** The W3C `traceparent` (and `tracestate`) of a context, as message headers. */
export function injectTraceHeaders(ctx: Context = context.active()): TraceHeaders {
  const carrier: TraceHeaders = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(headers: TraceHeaders): Context {
  return propagation.extract(context.active(), headers);
}

/** The `traceparent` of the active span, to store with an event so later work joins its trace. */
export function currentTraceparent(): string | null {
  return injectTraceHeaders()['traceparent'] ?? null;
}

/**
 * Runs `fn` in a child span of `parent`: the exception is recorded and the status set on
 * failure, and the span always ends. A child of an unsampled parent is not made: `fn` gets the
 * parent's (non-recording) span and runs in the parent's context.
 */
export async function withSpan<T>(
  name: string,
  options: { parent?: Context; kind?: SpanKind; attributes?: Record<string, string | number | boolean>; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  // Under parent-based sampling a child of an unsampled span is never recorded: skip making one
  // and entering a context for it (most requests of a busy replica, see createSampler).
  const parentSpan = trace.getSpan(parent);
  if (parentSpan && !(parentSpan.spanContext().traceFlags & TraceFlags.SAMPLED)) {
    return options.parent ? context.with(parent, () => fn(parentSpan)) : fn(parentSpan);
  }
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {}, links: options.links ?? [] }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind, SpanStatusCode };
