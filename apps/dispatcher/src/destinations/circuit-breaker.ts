export interface CircuitBreakerConfig {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips the destination before letting one try through. */
  openMs: number;
}

interface CircuitState {
  failures: number;
  openUntil: number;
}

/**
 * One per tenant × destination. When a destination keeps failing, its events go straight to the
 * retry topics instead of each waiting for a timeout, so a dead endpoint of one tenant does not
 * slow the batches it shares with other tenants. After `openMs` one try is let through; success
 * closes the circuit, failure opens it again.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, CircuitState>();

  constructor(
    private readonly config: CircuitBreakerConfig,
    private readonly now: () => number = Date.now,
  ) {}

  isOpen(key: string): boolean {
    const state = this.states.get(key);
    if (!state || state.openUntil === 0) return false;
    if (this.now() >= state.openUntil) {
      // Half-open: this caller is the probe; others keep skipping until it reports back.
      state.openUntil = this.now() + this.config.openMs;
      return false;
    }
    return true;
  }

  recordSuccess(key: string): void {
    this.states.delete(key);
  }

  recordFailure(key: string): void {
    const state = this.states.get(key) ?? { failures: 0, openUntil: 0 };
    state.failures += 1;
    if (state.failures >= this.config.failureThreshold) state.openUntil = this.now() + this.config.openMs;
    this.states.set(key, state);
  }
}
