import { context as otelContext } from '@opentelemetry/api';
import { injectTraceHeaders, runWithLogContext, tracer, type Logger, type OutgoingMessage, type Producer, type StoredEvent, type Topics } from '@attribution/core';
import type { Context, Span } from '@opentelemetry/api';
import type { DispatcherMetrics } from '../dispatcher.metrics';
import { decideConsent } from '../consent/consent-decision';
import type { CircuitBreaker } from '../destinations/circuit-breaker';
import type { DestinationAdapter, DestinationConfig, Platform, SendOutcome } from '../destinations/destination';
import type { DestinationRepository } from '../destinations/destination.repository';
import { blocksSend, type DeliveryRecord, type DeliveryRepository } from './delivery.repository';
import { deadLetterMessage, retryMessage } from './delivery-messages';
import { decideRetry } from './retry-policy';

export interface DeliveryJob {
  event: StoredEvent;
  /** Failed attempts before this one (0 on the first). */
  failedAttempts: number;
  /** An operator asked to send it again although it is dead or parked. */
  replay?: boolean;
  /** The trace this event belongs to (its consume span), for the consent and send spans. */
  trace?: Context;
}

export interface DispatchConfig {
  /** Tenants dispatched at once within one batch. */
  tenantConcurrency: number;
  retryJitter: number;
}

export interface DispatchDeps {
  destinations: DestinationRepository;
  adapters: Map<Platform, DestinationAdapter>;
  deliveries: DeliveryRepository;
  producer: Producer;
  topics: Topics;
  breaker: CircuitBreaker;
  logger: Logger;
  metrics: DispatcherMetrics;
  now?: () => number;
}

/** What one delivery pass decided: messages to produce, then rows to record, in that order. */
interface Settlement {
  records: DeliveryRecord[];
  messages: Array<{ topic: string; message: OutgoingMessage }>;
  authFailure: string | null;
}

/**
 * Takes events to their destinations and gives every (event, destination) exactly one recorded
 * outcome: sent, blocked_consent, parked (credentials refused), failed (permanent), retrying
 * (a message waits in a retry tier topic) or dead (past the platform's horizon; dead-lettered).
 * Follow-up messages are produced before rows are written, and callers resolve Kafka offsets
 * only after both, so a crash can repeat work but never lose it.
 */
export class DispatchService {
  constructor(
    private readonly config: DispatchConfig,
    private readonly deps: DispatchDeps,
  ) {}

  /** First attempt: every destination of each event's tenant, with the consent switch. */
  async dispatchNew(events: StoredEvent[], traces: Map<string, Context> = new Map()): Promise<void> {
    const byTenant = groupBy(events, (e) => e.tenantId);
    await forEachLimited([...byTenant], this.config.tenantConcurrency, ([tenantId, tenantEvents]) =>
      runWithLogContext({ tenantId }, async () => {
        const routing = await this.deps.destinations.routingFor(tenantId);
        const jobs = tenantEvents.map((event) => ({ event, failedAttempts: 0, trace: traces.get(event.id) }));
        for (const destination of routing.destinations) await this.deliver(destination, jobs, routing.consentPolicy);
      }),
    );
  }

  /** A retry goes to one destination only; consent was decided on the first attempt. */
  async dispatchRetries(tenantId: string, platform: Platform, jobs: DeliveryJob[]): Promise<void> {
    await runWithLogContext({ tenantId }, async () => {
      const routing = await this.deps.destinations.routingFor(tenantId);
      const destination = routing.destinations.find((d) => d.platform === platform);
      if (destination) return this.deliver(destination, jobs, null);
      const records = jobs.map(({ event }) => record(event, platform, 'failed', null, 'destination is no longer configured', false));
      await this.deps.deliveries.record(records);
    });
  }

  private async deliver(destination: DestinationConfig, jobs: DeliveryJob[], consentPolicy: 'block' | 'allow' | null): Promise<void> {
    const adapter = this.deps.adapters.get(destination.platform);
    if (!adapter) return;
    const settled = await this.deps.deliveries.settledStatuses(jobs.map((j) => j.event.id), destination.platform);
    const out: Settlement = { records: [], messages: [], authFailure: null };
    const toSend: DeliveryJob[] = [];
    for (const job of jobs) {
      if (blocksSend(settled.get(job.event.id), job.replay ?? false)) continue;
      const { event } = job;
      const decision = consentPolicy === null ? { allowed: true as const } : decideConsent(event.consent, destination.platform, consentPolicy);
      if (consentPolicy !== null) {
        this.deps.metrics.consent(event.tenantId, destination.platform, decision.allowed);
        this.span('consent decision', job, { destination: destination.platform, 'consent.allowed': decision.allowed, ...(decision.allowed ? {} : { 'consent.reason': decision.reason }) }).end();
      }
      if (!decision.allowed) {
        out.records.push(record(event, destination.platform, 'blocked_consent', null, decision.reason, false));
        this.log('info', 'consent_blocked', event, destination.platform, { reason: decision.reason });
      } else if (destination.status === 'needs_credentials') {
        out.records.push(record(event, destination.platform, 'parked', null, 'destination needs new credentials', false));
      } else {
        toSend.push(job);
      }
    }
    await this.send(adapter, destination, toSend, out);
    if (out.authFailure) {
      this.deps.metrics.authError(destination.tenantId, destination.platform);
      this.deps.logger.error('auth_error', { destination: destination.platform, reason: out.authFailure, events: out.records.length });
      await this.deps.destinations.markNeedsCredentials(destination.tenantId, destination.platform);
    }
    for (const [topic, messages] of groupBy(out.messages, (m) => m.topic)) {
      await this.deps.producer.send(topic, messages.map((m) => m.message));
    }
    await this.deps.deliveries.record(out.records);
    for (const r of out.records) this.deps.metrics.delivery(r.tenantId, r.destination, r.status);
  }

  private async send(adapter: DestinationAdapter, destination: DestinationConfig, jobs: DeliveryJob[], out: Settlement): Promise<void> {
    const circuit = `${destination.tenantId}:${destination.platform}`;
    for (let i = 0; i < jobs.length; i += adapter.maxBatchSize) {
      const chunk = jobs.slice(i, i + adapter.maxBatchSize);
      if (this.deps.breaker.isOpen(circuit)) {
        for (const job of chunk) {
          this.deps.metrics.attempt(destination.platform, 'circuit_open', null);
          this.retryLater(adapter, job, { statusCode: null, reason: 'circuit open: destination keeps failing' }, false, out);
        }
        continue;
      }
      const spans = new Map(chunk.map((j) => [j.event.id, this.span(`${destination.platform} send`, j, { destination: destination.platform, attempt: j.failedAttempts + 1 })]));
      const started = Date.now();
      const outcomes = await adapter.send(chunk.map((j) => j.event), destination);
      const latency = Date.now() - started;
      this.deps.metrics.requestDuration(destination.platform, latency / 1000);
      const byPk = new Map(chunk.map((j) => [j.event.id, j]));
      if (outcomes.some((o) => o.kind === 'sent')) this.deps.breaker.recordSuccess(circuit);
      else if (outcomes.some((o) => o.kind === 'retry')) this.deps.breaker.recordFailure(circuit);
      for (const outcome of outcomes) {
        this.deps.metrics.attempt(destination.platform, outcome.kind, outcome.statusCode);
        spans.get(outcome.eventPk)?.setAttributes({ 'dispatch.outcome': outcome.kind, 'http.response.status_code': outcome.statusCode ?? 0 });
        const job = byPk.get(outcome.eventPk);
        if (job) this.settle(adapter, destination, job, outcome, latency, out);
      }
      for (const span of spans.values()) span.end();
    }
  }

  private settle(adapter: DestinationAdapter, destination: DestinationConfig, job: DeliveryJob, outcome: SendOutcome, latencyMs: number, out: Settlement): void {
    const { event } = job;
    const platform = destination.platform;
    switch (outcome.kind) {
      case 'sent':
        out.records.push(record(event, platform, 'sent', outcome.statusCode, null, true));
        return this.log('info', 'dispatch_success', event, platform, { status_code: outcome.statusCode, latency_ms: latencyMs, attempt: job.failedAttempts + 1 });
      case 'retry':
        return this.retryLater(adapter, job, outcome, true, out);
      case 'auth':
        out.authFailure = outcome.reason;
        out.records.push(record(event, platform, 'parked', outcome.statusCode, outcome.reason, true));
        return;
      case 'rejected':
        out.records.push(record(event, platform, 'failed', outcome.statusCode, outcome.reason, true));
        return this.log('warn', 'dispatch_failed', event, platform, { status_code: outcome.statusCode, reason: outcome.reason, retryable: false });
    }
  }

  private retryLater(adapter: DestinationAdapter, job: DeliveryJob, failure: { statusCode: number | null; reason: string }, attempted: boolean, out: Settlement): void {
    const { event } = job;
    const platform = adapter.platform;
    const failedAttempts = job.failedAttempts + (attempted ? 1 : 0);
    const now = (this.deps.now ?? Date.now)();
    const decision = decideRetry({ tiers: this.deps.topics.retries, jitter: this.config.retryJitter }, Math.max(failedAttempts, 1), event.eventTime, adapter.retryHorizonSeconds, now);
    if (decision.kind === 'retry') {
      this.deps.metrics.retryScheduled(platform, decision.topic.slice(decision.topic.lastIndexOf('.') + 1));
      out.messages.push({ topic: decision.topic, message: retryMessage(event, { destination: platform, attempt: failedAttempts, dueAt: decision.dueAt }, failure.reason, job.trace ? injectTraceHeaders(job.trace) : {}) });
      out.records.push({ ...record(event, platform, 'retrying', failure.statusCode, failure.reason, attempted), nextAttemptAt: new Date(decision.dueAt) });
      return this.log('warn', 'dispatch_failed', event, platform, { status_code: failure.statusCode, reason: failure.reason, retryable: true, retry_at: new Date(decision.dueAt).toISOString() });
    }
    const reason = `${decision.reason}; last error: ${failure.reason}`;
    out.messages.push({ topic: this.deps.topics.deadLetter, message: deadLetterMessage(event, { destination: platform, step: 'dispatch', reason, attempts: failedAttempts }) });
    out.records.push(record(event, platform, 'dead', failure.statusCode, reason, attempted));
    this.deps.metrics.deadLetter(platform, 'dispatch');
    this.log('error', 'dead_lettered', event, platform, { reason });
  }

  /** A span in the event's own trace (no-op when tracing is off or the event has none). */
  private span(name: string, job: DeliveryJob, attributes: Record<string, string | number | boolean>): Span {
    return tracer().startSpan(name, { attributes: { 'event.id': job.event.eventId, ...attributes } }, job.trace ?? otelContext.active());
  }

  private log(level: 'info' | 'warn' | 'error', name: string, event: StoredEvent, destination: Platform, meta: Record<string, unknown>): void {
    this.deps.logger[level](name, { destination, event_id: event.eventId, trace_id: event.traceId, ...meta });
  }
}

function record(event: StoredEvent, destination: Platform, status: DeliveryRecord['status'], statusCode: number | null, error: string | null, attempted: boolean): DeliveryRecord {
  return { eventPk: event.id, tenantId: event.tenantId, destination, status, statusCode, error, nextAttemptAt: null, attempted };
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}
