import { type Logger, runWithLogContext } from '@attribution/core';
import { toStoredEvent, type EventRepository } from '@attribution/db';
import { isRetryable } from '@attribution/runtime';
import { encodeEventMessage, type Producer } from '@attribution/transport';
import { publishTrace } from './publish-trace';

export interface OutboxRelayConfig {
  pollMs: number;
  batchSize: number;
}

export interface OutboxRelayDeps {
  events: EventRepository;
  producer: Producer;
  topic: string;
  logger: Logger;
  /** Observes each published batch (tests await it instead of sleeping). */
  onPublished?: (count: number) => void;
  /** Observes each batch Kafka refused (metrics). */
  onFailure?: () => void;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Transactional outbox: the API only writes to Postgres; this relay publishes every row still
 * marked pending and marks it published once the broker acknowledged it. Rows are claimed with
 * SKIP LOCKED so replicas share the work, and a Kafka outage just leaves rows pending until it
 * ends. A crash between send and mark republishes a batch: consumers are idempotent.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private running = false;
  private nudged = false;
  private failures = 0;

  constructor(
    private readonly config: OutboxRelayConfig,
    private readonly deps: OutboxRelayDeps,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Called after new rows are stored, so they go out now rather than at the next poll. */
  nudge(): void {
    if (!this.running) return;
    if (this.draining) this.nudged = true;
    else if (this.failures === 0) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.draining;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    // nudge() runs inside a request: without a context of its own, the relay's log lines would
    // carry that request's trace and tenant although a batch holds many tenants' events.
    this.timer = setTimeout(() => runWithLogContext({ tenantId: null, traceId: null }, () => void this.tick()), ms);
  }

  private async tick(): Promise<void> {
    if (this.draining || !this.running) return;
    this.nudged = false;
    this.draining = this.drain().finally(() => (this.draining = undefined));
    await this.draining;
    if (!this.running) return;
    const backoff = Math.min(MAX_BACKOFF_MS, 200 * 2 ** this.failures);
    this.schedule(this.failures > 0 ? backoff : this.nudged ? 0 : this.config.pollMs);
  }

  private async drain(): Promise<void> {
    try {
      while (this.running && (await this.publishBatch()) === this.config.batchSize);
      if (this.failures > 0) this.deps.logger.info('outbox_recovered', { after_failures: this.failures });
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.deps.onFailure?.();
      const level = isRetryable(error) ? 'warn' : 'error';
      this.deps.logger[level]('outbox_publish_failed', { error, consecutive_failures: this.failures });
    }
  }

  private async publishBatch(): Promise<number> {
    const { producer, topic } = this.deps;
    const published = await this.deps.events.publishPending(this.config.batchSize, async (events) => {
      const traces = events.map((event) => publishTrace(topic, event.traceparent));
      try {
        await producer.send(
          topic,
          events.map((event, i) => encodeEventMessage(toStoredEvent(event), traces[i]!.headers)),
        );
      } finally {
        for (const { span } of traces) span?.end();
      }
    });
    // Only after COMMIT: until then the rows are still pending for everyone else, and a failed
    // commit leaves them to be published again.
    if (published > 0) this.deps.onPublished?.(published);
    return published;
  }
}
