import type { TopicSpec } from './transport';

export interface Topics {
  /** Every accepted event, published by the outbox relay, keyed by tenant. */
  events: string;
  /** Deliveries waiting for a due time before the next attempt. */
  retry: string;
  /** Deliveries that exhausted their retries or can never succeed. */
  deadLetter: string;
}

/** A prefix lets several environments (or test files) share one cluster without colliding. */
export function topicNames(prefix = ''): Topics {
  return {
    events: `${prefix}events.ingested`,
    retry: `${prefix}events.retry`,
    deadLetter: `${prefix}events.dead-letter`,
  };
}

export function topicSpecs(topics: Topics, partitions: number): TopicSpec[] {
  return [
    { name: topics.events, partitions },
    { name: topics.retry, partitions },
    { name: topics.deadLetter, partitions: 1 },
  ];
}
