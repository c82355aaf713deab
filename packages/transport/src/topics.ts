import type { TopicSpec } from './transport';

/**
 * Retry tiers: every message in one tier topic waits the same delay, so produce order is due
 * order and a consumer can pause a partition until its head is due without any later message
 * being due earlier (no head-of-line inversion, no sleeping in the consumer).
 */
export const DEFAULT_RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];

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
export function topicNames(prefix = '', retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS): Topics {
  return {
    events: `${prefix}events.ingested`,
    retries: retryDelaysMs.map((delayMs) => ({ name: `${prefix}events.retry.${delayLabel(delayMs)}`, delayMs })),
    deadLetter: `${prefix}events.dead-letter`,
  };
}

/** 30000 → "30s", 7200000 → "2h": the delay is part of the topic name, for operators. */
function delayLabel(ms: number): string {
  const units: Array<[number, string]> = [[3_600_000, 'h'], [60_000, 'm'], [1_000, 's']];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function topicSpecs(topics: Topics, partitions: number): TopicSpec[] {
  return [
    { name: topics.events, partitions },
    ...topics.retries.map((retry) => ({ name: retry.name, partitions })),
    { name: topics.deadLetter, partitions: 1 },
  ];
}
