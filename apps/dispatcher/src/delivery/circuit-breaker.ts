export interface CircuitBreakerConfig {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips the destination before letting one try through. */
  openMs: number;
}

/** `open`: calls are skipped; `half_open`: one probe is through; `closed`: calls go again. */
export type CircuitTransition = 'open' | 'half_open' | 'closed';

interface CircuitState {
  failures: number;
  openUntil: number;
  /** Open (or half-open) since the last transition to open: a success closes it. */
  tripped: boolean;
}

/**
 * One per tenant × destination. When a destination keeps failing, its events go straight to the
 * retry topics instead of each waiting for a timeout, so a dead endpoint of one tenant does not
 * slow the batches it shares with other tenants. After `openMs` one try is let through; success
 * closes the circuit, failure opens it again. Each transition is reported once (`onTransition`),
 * so an outage is a few log lines, not one per event.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, CircuitState>();

  constructor(
    private readonly config: CircuitBreakerConfig,
    private readonly now: () => number = Date.now,
    private readonly onTransition: (key: string, to: CircuitTransition, failures: number) => void = () => undefined,
  ) {}

  isOpen(key: string): boolean {
    const state = this.states.get(key);
    if (!state || state.openUntil === 0) return false;
    if (this.now() >= state.openUntil) {
      // Half-open: this caller is the probe; others keep skipping until it reports back.
      state.openUntil = this.now() + this.config.openMs;
      this.onTransition(key, 'half_open', state.failures);
      return false;
    }
    return true;
  }

  recordSuccess(key: string): void {
    const state = this.states.get(key);
    this.states.delete(key);
    if (state?.tripped) this.onTransition(key, 'closed', state.failures);
  }

  recordFailure(key: string): void {
    const state = this.states.get(key) ?? { failures: 0, openUntil: 0, tripped: false };
    state.failures += 1;
    this.states.set(key, state);
    if (state.failures >= this.config.failureThreshold) {
      state.openUntil = this.now() + this.config.openMs;
      state.tripped = true;
      this.onTransition(key, 'open', state.failures);
    }
  }
}
