import { SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import { redactString, type Logger, type StoredEvent } from '@attribution/core';
import { isRetryable, tracer, extractTraceContext } from '@attribution/runtime';
import { deadLetterMessage, type BatchControls, type IncomingMessage, type OutgoingMessage, type Producer } from '@attribution/transport';

/** How long a partition waits when PostgreSQL or Kafka is unreachable; then the batch comes again. */
export const DEPENDENCY_PAUSE_MS = 5_000;

export interface DeadLetterSink {
  producer: Producer;
  topic: string;
  /** Counts what was dead-lettered, by step (attribution_dispatch_dead_letters_total). */
  counted?: (step: string) => void;
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

/**
 * A dependency that is down (PostgreSQL, Kafka) is not the batch's fault: resolve nothing, pause
 * the partition, and the same messages come back. Anything else is rethrown.
 */
export function pauseOnDependencyFailure(error: unknown, controls: BatchControls, logger: Logger): void {
  if (!isRetryable(error)) throw error;
  logger.warn('dispatch_paused', { error, pause_ms: DEPENDENCY_PAUSE_MS });
  controls.pauseFor(DEPENDENCY_PAUSE_MS);
}

/** A message for the dead-letter topic, with where it was and why it went there. */
export interface Letter {
  message: OutgoingMessage;
  offset: string;
  step: string;
  reason: string;
}

/**
 * After a batch failed with an error no retry cures (a bug of ours, a row PostgreSQL refuses):
 * left as it is, the batch would fail the same way on every redelivery, and the events of it
 * that were sent would be sent again each time. So each message is dispatched alone; one that
 * still fails goes to the dead-letter topic with the error (step `unexpected`) and the others are
 * delivered: one outcome per message. A dependency failure on the way goes up (the batch comes
 * again, and what was recorded meanwhile is settled).
 */
export async function dispatchAlone<T extends { message: IncomingMessage }>(items: T[], dispatch: (item: T) => Promise<void>): Promise<Letter[]> {
  const letters: Letter[] = [];
  for (const item of items) {
    try {
      await dispatch(item);
    } catch (error) {
      if (isRetryable(error)) throw error;
      const reason = redactString(`${(error as Error).name}: ${(error as Error).message}`.slice(0, 300));
      letters.push({ message: deadLetterMessage(item.message, { step: 'unexpected', reason }), offset: item.message.offset, step: 'unexpected', reason });
    }
  }
  return letters;
}

/** Produces a batch's dead letters (nothing when there are none) and logs each. */
export async function sendDeadLetters(sink: DeadLetterSink, letters: Letter[], logger: Logger): Promise<void> {
  if (letters.length === 0) return;
  await sink.producer.send(sink.topic, letters.map((l) => l.message));
  for (const letter of letters) {
    sink.counted?.(letter.step);
    logger.error('dead_lettered', { step: letter.step, reason: letter.reason, offset: letter.offset });
  }
}
