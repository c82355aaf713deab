import type { Context, Span } from '@opentelemetry/api';
import type { Logger, StoredEvent } from '@attribution/core';
import { isRetryable } from '@attribution/runtime';
import { deadLetterMessage, decodeEventMessage, type Batch, type BatchControls, type IncomingMessage } from '@attribution/transport';
import type { DeliveryPipeline } from '../delivery/delivery-pipeline';
import { consumeSpan, dispatchAlone, pauseOnDependencyFailure, sendDeadLetters, type DeadLetterSink, type Letter } from './consumer-support';

export interface EventsConsumerDeps {
  pipeline: Pick<DeliveryPipeline, 'dispatchNew'>;
  deadLetter: DeadLetterSink;
  logger: Logger;
}

/**
 * The main consumer: each accepted event, first attempt, every destination of its tenant. Every
 * message gets one outcome: its deliveries are recorded, or, unreadable, it goes to the
 * dead-letter topic as it came. The batch's offsets are resolved only after that; when a
 * dependency is down nothing is resolved and the partition pauses, so the same messages come back.
 * A batch that fails otherwise is dispatched a message at a time (dispatchAlone).
 */
export class EventsConsumer {
  constructor(private readonly deps: EventsConsumerDeps) {}

  readonly handleBatch = async (batch: Batch, controls: BatchControls): Promise<void> => {
    const spans: Span[] = [];
    try {
      const decoded: Array<{ message: IncomingMessage; event: StoredEvent }> = [];
      const traces = new Map<string, Context>();
      const letters: Letter[] = [];
      for (const message of batch.messages) {
        try {
          const event = decodeEventMessage(message);
          decoded.push({ message, event });
          const { context, span } = consumeSpan(message, event);
          traces.set(event.id, context);
          spans.push(span);
        } catch (error) {
          const reason = (error as Error).message;
          letters.push({ message: deadLetterMessage(message, { step: 'decode', reason }), offset: message.offset, step: 'decode', reason });
        }
      }
      await sendDeadLetters(this.deps.deadLetter, letters, this.deps.logger);
      await this.dispatch(decoded, traces);
    } catch (error) {
      return pauseOnDependencyFailure(error, controls, this.deps.logger);
    } finally {
      for (const span of spans) span.end();
    }
    const last = batch.messages.at(-1);
    if (last) controls.resolveOffset(last.offset);
    await controls.heartbeat();
  };

  private async dispatch(decoded: Array<{ message: IncomingMessage; event: StoredEvent }>, traces: Map<string, Context>): Promise<void> {
    const { pipeline, logger, deadLetter } = this.deps;
    try {
      await pipeline.dispatchNew(
        decoded.map((d) => d.event),
        traces,
      );
    } catch (error) {
      if (isRetryable(error)) throw error;
      logger.error('dispatch_batch_failed', { error, messages: decoded.length });
      await sendDeadLetters(deadLetter, await dispatchAlone(decoded, ({ event }) => pipeline.dispatchNew([event], traces)), logger);
    }
  }
}
