import type { RetryTopic } from '@attribution/transport';

export type RetryDecision =
  | { kind: 'retry'; topic: string; dueAt: number }
  | { kind: 'give_up'; reason: string };

export interface RetryPolicyConfig {
  /** Tier topics, shortest delay first; attempt n waits in tier min(n - 1, last). */
  tiers: RetryTopic[];
  /** Extra random delay as a fraction of the tier's delay, so retries of one outage spread out. */
  jitter: number;
}

/**
 * When to try a failed delivery again, or to stop. The horizon is the platform's: Meta refuses
 * events older than 7 days and GA4 older than 72 hours, so a retry due after that is pointless
 * and the delivery is declared dead instead (with the reason), a little before the deadline.
 */
export function decideRetry(
  config: RetryPolicyConfig,
  failedAttempts: number,
  eventTimeSeconds: number,
  horizonSeconds: number,
  now: number,
  random: () => number = Math.random,
): RetryDecision {
  const tier = config.tiers[Math.min(Math.max(failedAttempts, 1) - 1, config.tiers.length - 1)];
  if (!tier) return { kind: 'give_up', reason: 'no retry tiers configured' };
  const dueAt = now + Math.round(tier.delayMs * (1 + config.jitter * random()));
  const deadline = (eventTimeSeconds + horizonSeconds) * 1000;
  if (dueAt >= deadline) {
    return { kind: 'give_up', reason: `retry horizon reached (${Math.round(horizonSeconds / 3600)} h after the event)` };
  }
  return { kind: 'retry', topic: tier.name, dueAt };
}
