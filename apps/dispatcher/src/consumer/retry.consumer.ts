import { decodeEventMessage, type Batch, type BatchControls, type Logger, type Producer } from '@attribution/core';
import type { DeliveryJob, DispatchService } from '../delivery/dispatch.service';
import { deadLetterMessage, readRetryHeaders } from '../delivery/delivery-messages';
import type { Platform } from '../destinations/destination';
import { consumeSpan, pauseOnDependencyFailure } from './events.consumer';

export interface RetryConsumerDeps {
  dispatch: DispatchService;
  deadLetter: { producer: Producer; topic: string };
  logger: Logger;
  now?: () => number;
}

/**
 * Consumes the retry tier topics. Within a tier every message waits the same delay, so the
 * messages of a partition are due in order: the consumer takes the due prefix of each batch and,
 * at the first message not yet due, pauses the partition until it is. Nothing sleeps.
 */
export class RetryConsumer {
  constructor(private readonly deps: RetryConsumerDeps) {}

  readonly handleBatch = async (batch: Batch, controls: BatchControls): Promise<void> => {
    const now = (this.deps.now ?? Date.now)();
    const due: Array<{ job: DeliveryJob; platform: Platform }> = [];
    let lastDueOffset: string | undefined;
    let waitMs = 0;
    const spans: Array<{ end(): void }> = [];
    for (const message of batch.messages) {
      const retry = readRetryHeaders(message.headers);
      let event;
      try {
        event = decodeEventMessage(message);
      } catch {
        event = undefined;
      }
      if (!retry || !event) {
        // Unreadable: it can never be retried; park it in the dead-letter topic and move on.
        if (event) await this.deps.deadLetter.producer.send(this.deps.deadLetter.topic, [deadLetterMessage(event, { destination: null, step: 'retry', reason: 'retry headers missing', attempts: 0 })]);
        this.deps.logger.error('dead_lettered', { step: 'retry', reason: 'unreadable retry message', offset: message.offset });
        lastDueOffset = message.offset;
        continue;
      }
      if (retry.dueAt > now) {
        waitMs = retry.dueAt - now;
        break;
      }
      const { context, span } = consumeSpan(message, event);
      spans.push(span);
      due.push({ job: { event, failedAttempts: retry.attempt, replay: retry.replay ?? false, trace: context }, platform: retry.destination });
      lastDueOffset = message.offset;
    }
    try {
      for (const [key, group] of groupByTenantAndPlatform(due)) {
        const [tenantId, platform] = key.split('|') as [string, Platform];
        await this.deps.dispatch.dispatchRetries(tenantId, platform, group.map((g) => g.job));
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
}

function groupByTenantAndPlatform(items: Array<{ job: DeliveryJob; platform: Platform }>) {
  const groups = new Map<string, Array<{ job: DeliveryJob; platform: Platform }>>();
  for (const item of items) {
    const key = `${item.job.event.tenantId}|${item.platform}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}
