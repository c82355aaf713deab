import { decodeEventMessage, isRetryable, type Batch, type BatchControls, type Logger, type Producer, type StoredEvent } from '@attribution/core';
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
    try {
      const events: StoredEvent[] = [];
      for (const message of batch.messages) {
        try {
          events.push(decodeEventMessage(message));
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
      await this.deps.dispatch.dispatchNew(events);
    } catch (error) {
      return pauseOnDependencyFailure(error, controls, this.deps.logger);
    }
    const last = batch.messages.at(-1);
    if (last) controls.resolveOffset(last.offset);
    await controls.heartbeat();
  };
}

export function pauseOnDependencyFailure(error: unknown, controls: BatchControls, logger: Logger): void {
  if (!isRetryable(error)) throw error;
  logger.warn('dispatch_paused', { error, pause_ms: DEPENDENCY_PAUSE_MS });
  controls.pauseFor(DEPENDENCY_PAUSE_MS);
}
