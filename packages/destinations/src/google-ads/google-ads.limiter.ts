export interface LimiterClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: LimiterClock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Bucket {
  /** When the next request may go if no burst were allowed (GCRA's theoretical arrival time). */
  tat: number;
}

/**
 * Requests per minute per destination, as a token bucket (GCRA: each request reserves the next
 * slot, so concurrent sends queue in order). A burst of up to a tenth of a minute's quota goes at
 * once; after that requests are spaced 60 s / rate apart. A slot further away than `maxWaitMs` is
 * not taken: the caller gets `false` and retries its events later, instead of holding its Kafka
 * partition for minutes.
 */
export class RequestLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: LimiterClock = realClock) {}

  async acquire(key: string, perMinute: number, maxWaitMs: number): Promise<boolean> {
    const interval = 60_000 / perMinute;
    const burst = Math.max(1, Math.floor(perMinute / 10));
    const tolerance = (burst - 1) * interval;
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tat: now };
    const tat = Math.max(bucket.tat, now);
    const wait = tat - tolerance - now;
    if (wait > maxWaitMs) return false;
    bucket.tat = tat + interval;
    this.buckets.set(key, bucket);
    if (wait > 0) await this.clock.sleep(wait);
    return true;
  }
}
