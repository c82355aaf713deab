import { AppError } from '@attribution/runtime';

export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
  readonly retryable = true;

  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests for this tenant; retry later');
  }
}

export interface RateLimitConfig {
  /** Sustained requests per second per tenant, per replica. */
  perSecond: number;
  /** Requests a tenant may send at once after being idle. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per tenant, in memory: one noisy tenant cannot take the API from the others.
 * Limits are per replica (documented), which keeps the hot path free of any shared store.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token or throws RateLimitedError saying when the next one is due. */
  take(tenantId: string): void {
    const now = this.now();
    const bucket = this.buckets.get(tenantId) ?? { tokens: this.config.burst, updatedAt: now };
    const refilled = Math.min(this.config.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.config.perSecond);
    if (refilled < 1) {
      this.buckets.set(tenantId, { tokens: refilled, updatedAt: now });
      throw new RateLimitedError(Math.max(1, Math.ceil((1 - refilled) / this.config.perSecond)));
    }
    this.buckets.set(tenantId, { tokens: refilled - 1, updatedAt: now });
  }
}
