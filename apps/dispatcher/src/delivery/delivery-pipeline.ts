import { context as otelContext, type Context, type Span } from '@opentelemetry/api';
import { runWithLogContext, type Logger, type StoredEvent } from '@attribution/core';
import type { DeliveryRepository, DeliveryStatus } from '@attribution/db';
import { platformDefinition, type DestinationAdapter, type Platform, type SendOutcome } from '@attribution/destinations';
import { tracer } from '@attribution/runtime';
import { retryMessage, type Producer, type Topics } from '@attribution/transport';
import type { DispatcherMetrics } from '../dispatcher.metrics';
import type { DestinationRouting, RoutedDestination } from '../routing/destination-routing';
import type { CircuitBreaker } from './circuit-breaker';
import type { AllowedJob, DeliveryJob, OutcomeNote } from './delivery-job';
import { emptySettlement, mergeSettlements, noLongerConfigured, settleOutcome, shortCircuit, type OutcomeContext, type Settlement } from './delivery-outcome';
import { planDeliveries } from './delivery-plan';

export interface DeliveryPipelineConfig {
  /** Tenants dispatched at once within one batch. */
  tenantConcurrency: number;
  retryJitter: number;
}

export interface DeliveryPipelineDeps {
  routing: DestinationRouting;
  adapters: ReadonlyMap<Platform, DestinationAdapter>;
  deliveries: DeliveryRepository;
  producer: Producer;
  topics: Topics;
  breaker: CircuitBreaker;
  logger: Logger;
  metrics: DispatcherMetrics;
  now?: () => number;
}

/**
 * The third part, orchestration: for each destination, plan (delivery-plan.ts), send through the
 * circuit breaker, settle (delivery-outcome.ts), then produce the follow-up messages, record
 * every outcome and count it. Messages are produced before rows are written, and callers
 * resolve Kafka offsets only after both, so a crash can repeat work but never lose it.
 */
export class DeliveryPipeline {
  constructor(
    private readonly config: DeliveryPipelineConfig,
    private readonly deps: DeliveryPipelineDeps,
  ) {}

  /** First attempt: every destination of each event's tenant, with the consent switch. */
  async dispatchNew(events: StoredEvent[], traces: Map<string, Context> = new Map()): Promise<void> {
    const byTenant = groupBy(onePerEvent(events, (e) => e.id), (e) => e.tenantId);
    await forEachLimited([...byTenant], this.config.tenantConcurrency, ([tenantId, tenantEvents]) =>
      runWithLogContext({ tenantId }, async () => {
        const routing = await this.deps.routing.routingFor(tenantId);
        const jobs = tenantEvents.map((event) => ({ event, failedAttempts: 0, trace: traces.get(event.id) }));
        const destinations = routing.destinations.filter((d) => this.deps.adapters.has(d.platform));
        const settled = await this.deps.deliveries.settledStatuses(
          jobs.map((j) => j.event),
          destinations.map((d) => d.platform),
        );
        // Destinations at once: an event's last outcome waits for its slowest destination, not
        // for the sum of them. Their outcomes are then written together, in one round of
        // messages and one upsert; those of the destinations that finished are written even
        // when another failed (the batch comes again, and they are not sent twice).
        const results = await Promise.allSettled(destinations.map((d) => this.deliver(d, jobs, routing.consentPolicy, settled.get(d.platform)!)));
        const done = mergeSettlements(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
        await this.record(done);
        await this.replayIfRenewed(destinations, jobs, done);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }),
    );
  }

  /** A retry goes to one destination only. */
  async dispatchRetries(tenantId: string, platform: Platform, copies: DeliveryJob[]): Promise<void> {
    const jobs = onePerEvent(copies, (j) => j.event.id);
    await runWithLogContext({ tenantId }, async () => {
      const routing = await this.deps.routing.routingFor(tenantId);
      const destination = routing.destinations.find((d) => d.platform === platform);
      if (!destination || !this.deps.adapters.has(platform)) {
        if (!destination) await this.record({ ...emptySettlement(), records: jobs.map((job) => noLongerConfigured(job, platform)) });
        return;
      }
      const settled = await this.deps.deliveries.settledStatuses(
        jobs.map((j) => j.event),
        [platform],
      );
      const done = await this.deliver(destination, jobs, routing.consentPolicy, settled.get(platform)!);
      await this.record(done);
      await this.replayIfRenewed([destination], jobs, done);
    });
  }

  /**
   * Parked against credentials an operator has replaced meanwhile. `destination set` replays what
   * is parked once it has committed; a batch routed before that and recorded after it would stay
   * parked. So after parked rows are written their destination is read again, and when it was set
   * since this batch's routing read it, those deliveries are replayed here, as the CLI would.
   */
  private async replayIfRenewed(destinations: RoutedDestination[], jobs: DeliveryJob[], done: Settlement): Promise<void> {
    // The hot path: a batch that parked nothing costs one pass over its records.
    const allParked = done.records.filter((r) => r.status === 'parked');
    if (allParked.length === 0) return;
    const byPk = new Map(jobs.map((j) => [j.event.id, j]));
    for (const destination of destinations) {
      const parked = allParked.filter((r) => r.destination === destination.platform);
      if (parked.length === 0 || !(await this.deps.routing.renewedSince(destination))) continue;
      const dueAt = (this.deps.now ?? Date.now)();
      const messages = parked.map((r) => retryMessage(byPk.get(r.eventPk)!.event, { destination: destination.platform, attempt: 0, dueAt, replay: true }, 'replay of parked delivery'));
      await this.deps.producer.send(this.deps.topics.retries[0]!.name, messages);
      this.deps.logger.info('parked_replayed', { destination: destination.platform, deliveries: messages.length, reason: 'destination set while the batch was in flight' });
    }
  }

  /** Plans and sends one destination's jobs; what it decided, to be recorded by the caller. */
  private async deliver(destination: RoutedDestination, jobs: DeliveryJob[], policy: 'block' | 'allow', settled: Map<string, DeliveryStatus>): Promise<Settlement> {
    const { platform } = destination;
    const adapter = this.deps.adapters.get(platform)!;
    const plan = planDeliveries(destination, jobs, settled, policy);
    for (const { job, decision } of plan.decisions) {
      this.deps.metrics.consent(job.event.tenantId, platform, decision.allowed);
      const attributes: Record<string, string | boolean> = { destination: platform, 'consent.allowed': decision.allowed };
      if (!decision.allowed) attributes['consent.reason'] = decision.reason;
      this.span('consent decision', job, attributes).end();
    }
    const out: Settlement = { ...emptySettlement(), records: plan.records, authFailure: plan.authFailure, notes: plan.notes };
    await this.send(adapter, destination, plan.toSend, out);
    if (out.authFailure) {
      this.deps.metrics.authError(destination.config.tenantId, platform);
      this.deps.logger.error('auth_error', { destination: platform, reason: out.authFailure, events: out.records.length });
      await this.deps.routing.markNeedsCredentials(destination);
    }
    return out;
  }

  private async send(adapter: DestinationAdapter, destination: RoutedDestination, jobs: AllowedJob[], out: Settlement): Promise<void> {
    const { platform } = destination;
    const definition = platformDefinition(platform);
    const circuit = `${destination.config.tenantId}:${platform}`;
    const ctx = (): OutcomeContext => ({
      platform,
      retryHorizonSeconds: definition.retryHorizonSeconds,
      retryTiers: this.deps.topics.retries,
      deadLetterTopic: this.deps.topics.deadLetter,
      jitter: this.config.retryJitter,
      now: (this.deps.now ?? Date.now)(),
    });
    const batchSize = destination.config.testMode ? (definition.limits.maxTestBatchSize ?? definition.limits.maxBatchSize) : definition.limits.maxBatchSize;
    for (let i = 0; i < jobs.length; i += batchSize) {
      const chunk = jobs.slice(i, i + batchSize);
      if (this.deps.breaker.isOpen(circuit)) {
        for (const { job, consent } of chunk) {
          this.deps.metrics.attempt(platform, 'circuit_open', null);
          shortCircuit(ctx(), job, consent, out);
        }
        continue;
      }
      const spans = new Map(chunk.map(({ job }) => [job.event.id, this.span(`${platform} send`, job, { destination: platform, attempt: job.failedAttempts + 1 })]));
      const started = Date.now();
      const outcomes = await this.sendChunk(adapter, destination, chunk);
      const latency = Date.now() - started;
      this.deps.metrics.requestDuration(platform, latency / 1000);
      if (outcomes.some((o) => o.kind === 'sent')) this.deps.breaker.recordSuccess(circuit);
      else if (outcomes.some((o) => o.kind === 'retry')) this.deps.breaker.recordFailure(circuit);
      const byPk = new Map(chunk.map((allowed) => [allowed.job.event.id, allowed]));
      const context = ctx();
      for (const outcome of outcomes) {
        // A skipped event made no request: not an attempt.
        if (outcome.kind !== 'skipped') this.deps.metrics.attempt(platform, outcome.kind, outcome.statusCode);
        spans.get(outcome.eventPk)?.setAttributes({ 'dispatch.outcome': outcome.kind, 'http.response.status_code': outcome.statusCode ?? 0 });
        const allowed = byPk.get(outcome.eventPk);
        if (allowed) settleOutcome(context, allowed.job, allowed.consent, outcome, latency, out);
      }
      for (const span of spans.values()) span.end();
    }
  }

  /**
   * One outcome per job, whatever the adapter does: an adapter that throws, or forgets an event,
   * is a bug of ours, and its events are retried (the platform's own dedup window absorbs a
   * repeat) rather than left without a record.
   */
  private async sendChunk(adapter: DestinationAdapter, destination: RoutedDestination, chunk: AllowedJob[]): Promise<SendOutcome[]> {
    let outcomes: SendOutcome[];
    try {
      outcomes = await adapter.send(chunk.map(({ job, consent, name, renamed }) => ({ event: job.event, consent, name, renamed })), destination.config);
    } catch (error) {
      this.deps.logger.error('destination_adapter_failed', { destination: destination.platform, error, events: chunk.length });
      outcomes = [];
    }
    const answered = new Set(outcomes.map((o) => o.eventPk));
    const missing = chunk.filter(({ job }) => !answered.has(job.event.id));
    return [...outcomes, ...missing.map(({ job }): SendOutcome => ({ eventPk: job.event.id, kind: 'retry', statusCode: null, reason: 'no outcome from the adapter' }))];
  }

  /** Follow-up messages first, then the rows, then the counts and log lines. */
  private async record(out: Settlement): Promise<void> {
    try {
      for (const [topic, messages] of groupBy(out.messages, (m) => m.topic)) {
        await this.deps.producer.send(topic, messages.map((m) => m.message));
      }
    } catch (error) {
      await this.recordWithoutMessages(out);
      throw error;
    }
    await this.deps.deliveries.record(out.records);
    this.count(out.records, out.notes);
    for (const { destination, tier } of out.retries) this.deps.metrics.retryScheduled(destination, tier);
  }

  /**
   * When the follow-up messages could not be produced, the batch comes again and its retrying
   * and dead rows must wait for their messages. Every other outcome (sent above all) needs no
   * message: written now, the redelivered batch finds it settled and does not send it again, so
   * a Kafka outage that outlasts many redeliveries costs no repeated platform calls. A failure
   * here leaves the batch to come again whole, as before.
   */
  private async recordWithoutMessages(out: Settlement): Promise<void> {
    const standalone = out.records.filter((r) => !NEEDS_MESSAGE.has(r.status));
    if (standalone.length === 0) return;
    const ok = await this.deps.deliveries.record(standalone).then(
      () => true,
      () => false,
    );
    if (!ok) return;
    const written = new Set(standalone.map((r) => `${r.destination}:${r.eventPk}`));
    this.count(standalone, out.notes.filter((n) => written.has(`${n.destination}:${n.job.event.id}`)));
  }

  private count(records: Settlement['records'], notes: Settlement['notes']): void {
    for (const r of records) {
      this.deps.metrics.delivery(r.tenantId, r.destination, r.status);
      if (r.status === 'dead') this.deps.metrics.deadLetter(r.destination, 'dispatch');
    }
    for (const note of notes) this.log(note);
  }

  /** A span in the event's own trace (no-op when tracing is off or the event has none). */
  private span(name: string, job: DeliveryJob, attributes: Record<string, string | number | boolean>): Span {
    return tracer().startSpan(name, { attributes: { 'event.id': job.event.eventId, ...attributes } }, job.trace ?? otelContext.active());
  }

  private log(note: OutcomeNote): void {
    const { event } = note.job;
    this.deps.logger[note.level](note.event, { destination: note.destination, event_id: event.eventId, trace_id: event.traceId, ...note.meta });
  }
}

/**
 * The first of each event's copies. A batch can hold an event twice (the outbox republishes a
 * batch whose commit it could not confirm; a replay can meet a scheduled retry): sent once, and
 * recorded once, since one upsert cannot write the same (event, destination) row twice.
 */
function onePerEvent<T>(items: T[], id: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(id(item)) && seen.add(id(item)));
}

/** Outcomes whose row says a message exists: a retry on its tier, a dead letter. */
const NEEDS_MESSAGE: ReadonlySet<DeliveryStatus> = new Set(['retrying', 'dead']);

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
