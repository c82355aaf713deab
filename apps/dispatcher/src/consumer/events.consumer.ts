import { SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import {
  decodeEventMessage,
  extractTraceContext,
  isRetryable,
  tracer,
  type Batch,
  type BatchControls,
  type IncomingMessage,
  type Logger,
  type Producer,
  type StoredEvent,
} from '@attribution/core';
import type { DispatchService } from '../delivery/dispatch.service';

export interface ConsumerDeps {
  dispatch: DispatchService;
  deadLetter: { producer: Producer; topic: string };
  logger: Logger;
}

/** How long a partition waits when PostgreSQL or Kafka is unreachable; then the batch comes again. */
export const DEPENDENCY_PAUSE_MS = 5_000;

/**
 * The main consumer: each accepted event, first attempt, every destination of its tenant.
 * Unreadable messages go to the dead-letter topic. The batch's offsets are resolved only after
 * every outcome is recorded; when a dependency is down nothing is resolved and the partition
 * pauses, so the same messages come back.
 */
export class EventsConsumer {
  constructor(private readonly deps: ConsumerDeps) {}

  readonly handleBatch = async (batch: Batch, controls: BatchControls): Promise<void> => {
    const spans: Span[] = [];
    try {
      const events: StoredEvent[] = [];
      const traces = new Map<string, Context>();
      for (const message of batch.messages) {
        try {
          const event = decodeEventMessage(message);
          events.push(event);
          const { context, span } = consumeSpan(message, event);
          traces.set(event.id, context);
          spans.push(span);
        } catch (error) {
          await this.deps.deadLetter.producer.send(this.deps.deadLetter.topic, [
            {
              key: message.key ?? '',
              value: message.value,
              headers: { ...message.headers, 'dlq-reason': (error as Error).message, 'dlq-step': 'decode', 'dlq-timestamp': new Date().toISOString() },
            },
          ]);
          this.deps.logger.error('dead_lettered', { step: 'decode', reason: (error as Error).message, offset: message.offset });
        }
      }
      await this.deps.dispatch.dispatchNew(events, traces);
    } catch (error) {
      return pauseOnDependencyFailure(error, controls, this.deps.logger);
    } finally {
      for (const span of spans) span.end();
    }
    const last = batch.messages.at(-1);
    if (last) controls.resolveOffset(last.offset);
    await controls.heartbeat();
  };
}

/** The consume span of one event, child of the context its producer put in the headers. */
export function consumeSpan(message: IncomingMessage, event: StoredEvent): { context: Context; span: Span } {
  const parent = extractTraceContext(message.headers);
  const span = tracer().startSpan(
    `${message.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': message.topic,
        'messaging.kafka.offset': message.offset,
        'messaging.destination.partition.id': String(message.partition),
        'event.id': event.eventId,
      },
    },
    parent,
  );
  return { context: trace.setSpan(parent, span), span };
}

export function pauseOnDependencyFailure(error: unknown, controls: BatchControls, logger: Logger): void {
  if (!isRetryable(error)) throw error;
  logger.warn('dispatch_paused', { error, pause_ms: DEPENDENCY_PAUSE_MS });
  controls.pauseFor(DEPENDENCY_PAUSE_MS);
}
