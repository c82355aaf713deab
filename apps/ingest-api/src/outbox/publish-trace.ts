import { SpanKind, propagation, trace, ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { injectTraceHeaders, tracer } from '@attribution/runtime';
import type { MessageHeaders } from '@attribution/transport';

/**
 * The trace of one event's publish: a PRODUCER span in the trace of the request that stored the
 * event, whose context travels in the message headers so the dispatcher's work joins that trace.
 *
 * An event whose request the sampler left out gets no span: its stored `traceparent` goes on the
 * message as it is, so the dispatcher leaves it out too (parent-based sampling would not record a
 * child of it anyway; this skips making and propagating one for every such event).
 */
export function publishTrace(topic: string, traceparent: string | null): { span?: Span; headers: MessageHeaders } {
  if (traceparent && isUnsampled(traceparent)) return { headers: { traceparent } };
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  const span = tracer().startSpan(
    `${topic} publish`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'publish' } },
    parent,
  );
  return { span, headers: injectTraceHeaders(trace.setSpan(ROOT_CONTEXT, span)) };
}

/** A valid W3C version-00 traceparent (as the ingest-api stores them) whose sampled flag is off. */
const VALID_V00 = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
function isUnsampled(traceparent: string): boolean {
  return VALID_V00.test(traceparent) && (Number.parseInt(traceparent.slice(53), 16) & 1) === 0;
}
