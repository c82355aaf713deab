import {
  decodeEventMessage,
  isRetryable,
  runWithLogContext,
  type Batch,
  type BatchControls,
  type Logger,
  type Producer,
  type StoredEvent,
} from '@attribution/core';
import { decideConsent } from '../consent/consent-decision';
import type { DeliveryRecord, DeliveryRepository } from '../deliveries/delivery.repository';
import type { DestinationAdapter, DestinationConfig, Platform, SendOutcome } from '../destinations/destination';
import type { DestinationRepository } from '../destinations/destination.repository';

export interface EventsConsumerDeps {
  destinations: DestinationRepository;
  adapters: Map<Platform, DestinationAdapter>;
  deliveries: DeliveryRepository;
  deadLetter: { producer: Producer; topic: string };
  logger: Logger;
}

/** Back off this long when Postgres is down, then the same messages are delivered again. */
const DEPENDENCY_PAUSE_MS = 5_000;
const RETRY_DELAY_MS = 60_000;

/**
 * Handles one Kafka batch: every message reaches exactly one recorded outcome per destination
 * (sent, retrying, parked, failed, blocked_consent) or the dead-letter topic, and only then is
 * its offset resolved. If Postgres is unreachable nothing is resolved and the partition pauses.
 */
export class EventsConsumer {
  constructor(private readonly deps: EventsConsumerDeps) {}

  readonly handleBatch = async (batch: Batch, controls: BatchControls): Promise<void> => {
    const events: StoredEvent[] = [];
    for (const message of batch.messages) {
      try {
        events.push(decodeEventMessage(message));
      } catch (error) {
        await this.deadLetter(message.key ?? '', message.value, message.headers, error);
      }
    }
    try {
      for (const [tenantId, tenantEvents] of groupByTenant(events)) {
        if (!controls.isRunning()) return;
        await runWithLogContext({ tenantId }, () => this.dispatchTenant(tenantId, tenantEvents));
        await controls.heartbeat();
      }
    } catch (error) {
      if (!isRetryable(error)) throw error;
      this.deps.logger.warn('dispatch_paused', { error, pause_ms: DEPENDENCY_PAUSE_MS });
      controls.pauseFor(DEPENDENCY_PAUSE_MS);
      return;
    }
    const last = batch.messages.at(-1);
    if (last) controls.resolveOffset(last.offset);
  };

  private async dispatchTenant(tenantId: string, events: StoredEvent[]): Promise<void> {
    const routing = await this.deps.destinations.routingFor(tenantId);
    for (const destination of routing.destinations) {
      const adapter = this.deps.adapters.get(destination.platform);
      if (!adapter) continue;
      const settled = await this.deps.deliveries.settledEventPks(events.map((e) => e.id), destination.platform);
      const records: DeliveryRecord[] = [];
      const toSend: StoredEvent[] = [];
      for (const event of events) {
        if (settled.has(event.id)) continue;
        const decision = decideConsent(event.consent, destination.platform, routing.consentPolicy);
        if (decision.allowed) toSend.push(event);
        else {
          records.push(record(event, destination, 'blocked_consent', null, decision.reason));
          this.deps.logger.info('consent_blocked', { destination: destination.platform, event_id: event.eventId, trace_id: event.traceId, reason: decision.reason });
        }
      }
      for (let i = 0; i < toSend.length; i += adapter.maxBatchSize) {
        const chunk = toSend.slice(i, i + adapter.maxBatchSize);
        const outcomes = await adapter.send(chunk, destination);
        records.push(...outcomes.map((o) => this.toRecord(o, chunk, destination)));
      }
      await this.deps.deliveries.record(records);
    }
  }

  private toRecord(outcome: SendOutcome, chunk: StoredEvent[], destination: DestinationConfig): DeliveryRecord {
    const event = chunk.find((e) => e.id === outcome.eventPk)!;
    const meta = { destination: destination.platform, event_id: event.eventId, trace_id: event.traceId, status_code: outcome.statusCode };
    switch (outcome.kind) {
      case 'sent':
        this.deps.logger.info('dispatch_success', meta);
        return record(event, destination, 'sent', outcome.statusCode, null);
      case 'retry':
        this.deps.logger.warn('dispatch_failed', { ...meta, reason: outcome.reason, retryable: true });
        return { ...record(event, destination, 'retrying', outcome.statusCode, outcome.reason), nextAttemptAt: new Date(Date.now() + RETRY_DELAY_MS) };
      case 'auth':
        this.deps.logger.error('auth_error', { ...meta, reason: outcome.reason });
        return record(event, destination, 'parked', outcome.statusCode, outcome.reason);
      case 'rejected':
        this.deps.logger.warn('dispatch_failed', { ...meta, reason: outcome.reason, retryable: false });
        return record(event, destination, 'failed', outcome.statusCode, outcome.reason);
    }
  }

  private async deadLetter(key: string, value: string, headers: Record<string, string>, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : 'unreadable message';
    await this.deps.deadLetter.producer.send(this.deps.deadLetter.topic, [
      { key, value, headers: { ...headers, 'dlq-reason': reason, 'dlq-step': 'decode', 'dlq-timestamp': new Date().toISOString() } },
    ]);
    this.deps.logger.error('dead_lettered', { reason, step: 'decode' });
  }
}

function record(event: StoredEvent, destination: DestinationConfig, status: DeliveryRecord['status'], statusCode: number | null, error: string | null): DeliveryRecord {
  return { eventPk: event.id, tenantId: event.tenantId, destination: destination.platform, status, statusCode, error, nextAttemptAt: null };
}

function groupByTenant(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) groups.set(event.tenantId, [...(groups.get(event.tenantId) ?? []), event]);
  return groups;
}
