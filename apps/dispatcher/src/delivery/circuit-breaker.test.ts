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

describe('CircuitBreaker transitions', () => {
  it('reports each transition once, however many events are skipped meanwhile', () => {
    let now = 0;
    const transitions: string[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 100 }, () => now, (key, to, failures) => transitions.push(`${key} ${to} ${failures}`));
    breaker.recordFailure('t:meta');
    expect(transitions).toEqual([]);
    breaker.recordFailure('t:meta');
    for (let i = 0; i < 1000; i += 1) expect(breaker.isOpen('t:meta')).toBe(true);
    now = 100;
    expect(breaker.isOpen('t:meta')).toBe(false);
    breaker.recordFailure('t:meta');
    now = 200;
    expect(breaker.isOpen('t:meta')).toBe(false);
    breaker.recordSuccess('t:meta');
    breaker.recordSuccess('t:meta');
    expect(transitions).toEqual(['t:meta open 2', 't:meta half_open 2', 't:meta open 3', 't:meta half_open 3', 't:meta closed 3']);
  });

  it('says nothing for successes of a circuit that never opened', () => {
    const transitions: string[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 100 }, Date.now, (key, to) => transitions.push(`${key} ${to}`));
    breaker.recordFailure('k');
    breaker.recordSuccess('k');
    expect(transitions).toEqual([]);
  });
});
