import { RateLimitedError } from './rate-limiter';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the sustained rate, per tenant', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    for (let i = 0; i < 3; i += 1) limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
    limiter.take('b'); // another tenant is unaffected
    now = 500; // half a second refills one token
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(RateLimitedError);
  });

  it('says when to retry, in whole seconds, at least 1', () => {
    const limiter = new RateLimiter({ perSecond: 0.25, burst: 1 }, () => 0);
    limiter.take('a');
    try {
      limiter.take('a');
      throw new Error('expected a rate limit');
    } catch (error) {
      expect((error as RateLimitedError).retryAfterSeconds).toBe(4);
    }
  });
});
