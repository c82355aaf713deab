import { Counter, Gauge, Histogram } from 'prom-client';
import type { DeliveryStatus } from '@attribution/db';
import { PLATFORM_IDS } from '@attribution/destinations';
import type { AppMetrics } from '@attribution/runtime';
import type { DestinationStateRow } from './destination-state.collector';

const DESTINATION_STATES = ['active', 'needs_credentials'] as const;

export type AttemptOutcome = 'sent' | 'retry' | 'auth' | 'rejected' | 'circuit_open';

export interface DispatcherMetrics {
  attempt(destination: string, outcome: AttemptOutcome, statusCode: number | null): void;
  delivery(tenant: string, destination: string, status: DeliveryStatus): void;
  consent(tenant: string, destination: string, allowed: boolean): void;
  authError(tenant: string, destination: string): void;
  retryScheduled(destination: string, tier: string): void;
  deadLetter(destination: string | null, step: string): void;
  requestDuration(destination: string, seconds: number): void;
  lag(group: string, topic: string, partition: number, lag: number): void;
  /** Reports, on every scrape, whether this process holds its membership of `group`. */
  watchMembership(group: string, isMember: () => boolean): void;
  /** Replaces the destination-state and parked series with these rows (a removed destination's go). */
  destinationStates(rows: readonly DestinationStateRow[]): void;
}

/** The dispatcher's series, named as in docs/metrics.md. */
export function createDispatcherMetrics(metrics: AppMetrics): DispatcherMetrics {
  const registers = [metrics.registry];
  const attempts = new Counter({ name: 'attribution_dispatch_attempts_total', help: 'Send attempts per event', labelNames: ['destination', 'outcome', 'status_code'], registers });
  const deliveries = new Counter({ name: 'attribution_dispatch_deliveries_total', help: 'Delivery outcomes recorded', labelNames: ['tenant', 'destination', 'status'], registers });
  const consent = new Counter({ name: 'attribution_consent_decisions_total', help: 'Consent switch decisions', labelNames: ['tenant', 'destination', 'decision'], registers });
  const auth = new Counter({ name: 'attribution_dispatch_auth_errors_total', help: 'Credentials refused by the platform', labelNames: ['tenant', 'destination'], registers });
  const retries = new Counter({ name: 'attribution_dispatch_retries_scheduled_total', help: 'Deliveries sent to a retry tier', labelNames: ['destination', 'tier'], registers });
  const dead = new Counter({ name: 'attribution_dispatch_dead_letters_total', help: 'Messages written to the dead-letter topic', labelNames: ['destination', 'step'], registers });
  const duration = new Histogram({
    name: 'attribution_destination_request_duration_seconds',
    help: 'One ad platform call',
    labelNames: ['destination'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers,
  });
  const lag = new Gauge({ name: 'attribution_kafka_consumer_lag', help: 'Log end offset minus committed offset', labelNames: ['group', 'topic', 'partition'], registers });
  const membership = new Map<string, () => boolean>();
  new Gauge({
    name: 'attribution_kafka_consumer_group_member',
    help: '1 while this process is a member of the consumer group (joined, not crashed or stopped)',
    labelNames: ['group'],
    registers,
    collect() {
      for (const [group, isMember] of membership) this.labels(group).set(isMember() ? 1 : 0);
    },
  });
  const state = new Gauge({
    name: 'attribution_destination_state',
    help: 'Destinations per stored status (1 for the current one; a count under tenant="all")',
    labelNames: ['tenant', 'destination', 'state'],
    registers,
  });
  const parked = new Gauge({ name: 'attribution_deliveries_parked', help: 'Deliveries waiting in status parked', labelNames: ['tenant', 'destination'], registers });
  // Every platform of the registry has its series from the start, at zero: dashboards and
  // alerts see a platform before its first event, and a missing one means it is not wired.
  for (const platform of PLATFORM_IDS) {
    duration.zero({ destination: platform });
    dead.labels(platform, 'dispatch').inc(0);
  }
  return {
    attempt: (d, outcome, code) => attempts.labels(d, outcome, code === null ? 'none' : String(code)).inc(),
    delivery: (t, d, status) => deliveries.labels(metrics.tenant(t), d, status).inc(),
    consent: (t, d, allowed) => consent.labels(metrics.tenant(t), d, allowed ? 'allowed' : 'blocked').inc(),
    authError: (t, d) => auth.labels(metrics.tenant(t), d).inc(),
    retryScheduled: (d, tier) => retries.labels(d, tier).inc(),
    deadLetter: (d, step) => dead.labels(d ?? 'none', step).inc(),
    requestDuration: (d, s) => duration.labels(d).observe(s),
    lag: (group, topic, partition, value) => lag.labels(group, topic, String(partition)).set(value),
    watchMembership: (group, isMember) => void membership.set(group, isMember),
    destinationStates: (rows) => {
      // Built first, then swapped in: a scrape never sees a half-filled set. Rows of one label
      // set (tenant="all") add up.
      const states = new Map<string, Record<string, number>>();
      const counts = new Map<string, number>();
      for (const row of rows) {
        const key = JSON.stringify([metrics.tenant(row.tenantId), row.destination]);
        const byState = states.get(key) ?? Object.fromEntries(DESTINATION_STATES.map((s) => [s, 0]));
        byState[row.status] = (byState[row.status] ?? 0) + 1;
        states.set(key, byState);
        counts.set(key, (counts.get(key) ?? 0) + row.parked);
      }
      state.reset();
      parked.reset();
      for (const [key, byState] of states) {
        const [tenant, destination] = JSON.parse(key) as [string, string];
        for (const [s, value] of Object.entries(byState)) state.labels(tenant, destination, s).set(value);
        parked.labels(tenant, destination).set(counts.get(key) ?? 0);
      }
    },
  };
}
