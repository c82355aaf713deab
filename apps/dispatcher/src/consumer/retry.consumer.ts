import type { Span } from '@opentelemetry/api';
import type { Logger } from '@attribution/core';
import { isRetryable } from '@attribution/runtime';
import { isPlatform, type Platform } from '@attribution/destinations';
import { deadLetterMessage, decodeEventMessage, readRetryHeaders, type Batch, type BatchControls, type IncomingMessage } from '@attribution/transport';
import type { DeliveryJob } from '../delivery/delivery-job';
import type { DeliveryPipeline } from '../delivery/delivery-pipeline';
import { consumeSpan, dispatchAlone, pauseOnDependencyFailure, sendDeadLetters, type DeadLetterSink, type Letter } from './consumer-support';

export interface RetryConsumerDeps {
  pipeline: Pick<DeliveryPipeline, 'dispatchRetries'>;
  deadLetter: DeadLetterSink;
  logger: Logger;
  now?: () => number;
}

type DueGroup = { tenantId: string; platform: Platform; items: Array<{ message: IncomingMessage; job: DeliveryJob }> };

/**
 * Consumes the retry tier topics. Within a tier every message waits the same delay, so the
 * messages of a partition are due in order: the consumer takes the due prefix of each batch and,
 * at the first message not yet due, pauses the partition until it is. Nothing sleeps.
 *
 * Every message of the prefix gets one outcome: its delivery is recorded, or, unreadable (no
 * event, no retry headers, a platform this version does not know), it goes to the dead-letter
 * topic with its raw bytes. Offsets are resolved only after both. A group that fails otherwise
 * is dispatched a message at a time (dispatchAlone).
 */
export class RetryConsumer {
  constructor(private readonly deps: RetryConsumerDeps) {}

  readonly handleBatch = async (batch: Batch, controls: BatchControls): Promise<void> => {
    const now = (this.deps.now ?? Date.now)();
    const due = new Map<string, DueGroup>();
    const letters: Letter[] = [];
    let lastDueOffset: string | undefined;
    let waitMs = 0;
    const spans: Span[] = [];
    for (const message of batch.messages) {
      const read = readRetry(message);
      if ('reason' in read) {
        letters.push({ message: deadLetterMessage(message, { step: 'retry', reason: read.reason }), offset: message.offset, step: 'retry', reason: read.reason });
        lastDueOffset = message.offset;
        continue;
      }
      if (read.dueAt > now) {
        waitMs = read.dueAt - now;
        break;
      }
      const { context, span } = consumeSpan(message, read.job.event);
      spans.push(span);
      const key = `${read.job.event.tenantId}|${read.platform}`;
      const group = due.get(key) ?? { tenantId: read.job.event.tenantId, platform: read.platform, items: [] };
      group.items.push({ message, job: { ...read.job, trace: context } });
      due.set(key, group);
      lastDueOffset = message.offset;
    }
    try {
      await sendDeadLetters(this.deps.deadLetter, letters, this.deps.logger);
      for (const group of due.values()) {
        await this.dispatch(group);
        await controls.heartbeat();
      }
    } catch (error) {
      return pauseOnDependencyFailure(error, controls, this.deps.logger);
    } finally {
      for (const span of spans) span.end();
    }
    if (lastDueOffset !== undefined) controls.resolveOffset(lastDueOffset);
    if (waitMs > 0) controls.pauseFor(waitMs);
  };

  private async dispatch({ tenantId, platform, items }: DueGroup): Promise<void> {
    const { pipeline, logger, deadLetter } = this.deps;
    try {
      await pipeline.dispatchRetries(
        tenantId,
        platform,
        items.map((i) => i.job),
      );
    } catch (error) {
      if (isRetryable(error)) throw error;
      logger.error('dispatch_batch_failed', { error, messages: items.length, destination: platform });
      await sendDeadLetters(deadLetter, await dispatchAlone(items, ({ job }) => pipeline.dispatchRetries(tenantId, platform, [job])), logger);
    }
  }
}

/** A retry message as a job, or why it can never be retried. */
function readRetry(message: IncomingMessage): { job: DeliveryJob; platform: Platform; dueAt: number } | { reason: string } {
  let event;
  try {
    event = decodeEventMessage(message);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  const retry = readRetryHeaders(message.headers);
  if (!retry) return { reason: 'retry headers missing or malformed' };
  if (!isPlatform(retry.destination)) return { reason: `unknown destination ${retry.destination.slice(0, 64)}` };
  const job: DeliveryJob = { event, failedAttempts: retry.attempt, replay: retry.replay ?? false, ...(retry.consent ? { consent: retry.consent } : {}) };
  return { job, platform: retry.destination, dueAt: retry.dueAt };
}
