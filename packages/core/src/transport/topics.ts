import type { TopicSpec } from './transport';

/**
 * Retry tiers: every message in one tier topic waits the same delay, so produce order is due
 * order and a consumer can pause a partition until its head is due without any later message
 * being due earlier (no head-of-line inversion, no sleeping in the consumer).
 */
export const RETRY_TIERS = [
  { label: '30s', delayMs: 30_000 },
  { label: '2m', delayMs: 2 * 60_000 },
  { label: '10m', delayMs: 10 * 60_000 },
  { label: '1h', delayMs: 60 * 60_000 },
  { label: '6h', delayMs: 6 * 60 * 60_000 },
] as const;

export interface RetryTopic {
  name: string;
  delayMs: number;
}

export interface Topics {
  /** Every accepted event, published by the outbox relay, keyed by tenant. */
  events: string;
  /** Deliveries waiting for their due time, one topic per delay tier (shortest first). */
  retries: RetryTopic[];
  /** Deliveries that exhausted their retries or can never succeed. */
  deadLetter: string;
}

/** A prefix lets several environments (or test files) share one cluster without colliding. */
export function topicNames(prefix = '', tiers: ReadonlyArray<{ label: string; delayMs: number }> = RETRY_TIERS): Topics {
  return {
    events: `${prefix}events.ingested`,
    retries: tiers.map((tier) => ({ name: `${prefix}events.retry.${tier.label}`, delayMs: tier.delayMs })),
    deadLetter: `${prefix}events.dead-letter`,
  };
}

export function topicSpecs(topics: Topics, partitions: number): TopicSpec[] {
  return [
    { name: topics.events, partitions },
    ...topics.retries.map((retry) => ({ name: retry.name, partitions })),
    { name: topics.deadLetter, partitions: 1 },
  ];
}
