/** Refused sign-ins a client may make within the window before it must wait. */
export const MAX_REFUSED_SIGN_INS = 5;
/** How long refused sign-ins count against a client. */
export const REFUSED_SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Clients remembered at most; the oldest is forgotten first, so a flood of addresses cannot grow the map. */
const MAX_CLIENTS = 10_000;

interface Refusals {
  count: number;
  /** When the first refusal of this window was; the window ends REFUSED_SIGN_IN_WINDOW_MS later. */
  since: number;
}

/**
 * Counts refused sign-ins per client address (req.ip: the proxy's client when
 * CONSOLE_TRUST_PROXY trusts it), so the operator token cannot be guessed at the network's speed:
 * after MAX_REFUSED_SIGN_INS refusals a client waits until its window ends, and a correct token
 * does not help meanwhile (it would tell a guesser when it had found it). In memory, like the
 * sessions: one console replica (docs/console.md).
 */
export class SignInThrottle {
  private readonly clients = new Map<string, Refusals>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds the client must still wait, or 0 when it may try. */
  waitSeconds(client: string): number {
    const refusals = this.current(client);
    if (!refusals || refusals.count < MAX_REFUSED_SIGN_INS) return 0;
    return Math.max(1, Math.ceil((refusals.since + REFUSED_SIGN_IN_WINDOW_MS - this.now()) / 1000));
  }

  refused(client: string): void {
    const refusals = this.current(client) ?? { count: 0, since: this.now() };
    this.clients.delete(client);
    this.clients.set(client, { count: refusals.count + 1, since: refusals.since });
    if (this.clients.size > MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
  }

  signedIn(client: string): void {
    this.clients.delete(client);
  }

  private current(client: string): Refusals | undefined {
    const refusals = this.clients.get(client);
    if (refusals && this.now() >= refusals.since + REFUSED_SIGN_IN_WINDOW_MS) {
      this.clients.delete(client);
      return undefined;
    }
    return refusals;
  }
}
