import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, lets one probe through after the cool-down, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000 }, () => now);
    breaker.recordFailure('t:meta');
    breaker.recordFailure('t:meta');
    expect(breaker.isOpen('t:meta')).toBe(false);
    breaker.recordFailure('t:meta');
    expect(breaker.isOpen('t:meta')).toBe(true);
    expect(breaker.isOpen('other:meta')).toBe(false);
    now = 1_000;
    expect(breaker.isOpen('t:meta')).toBe(false); // the probe
    expect(breaker.isOpen('t:meta')).toBe(true); // everyone else waits for it
    breaker.recordSuccess('t:meta');
    expect(breaker.isOpen('t:meta')).toBe(false);
  });

  it('re-opens when the probe fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 100 }, () => now);
    breaker.recordFailure('k');
    now = 100;
    expect(breaker.isOpen('k')).toBe(false);
    breaker.recordFailure('k');
    now = 150;
    expect(breaker.isOpen('k')).toBe(true);
  });
});
