import { randomSecret } from './secret-compare';

export interface Session {
  /** Opaque and random: the cookie carries this and nothing else. */
  readonly id: string;
  /** Sent back in every form of this session and checked on every POST. */
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/**
 * Signed-in operators, in this process's memory: a session id is worth nothing to anyone who
 * reads it off a backup or another replica, and a restart signs everyone out (the console runs
 * one replica; docs/console.md). Bounded: past `maxSessions` the oldest session ends.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly options: { ttlMs: number; maxSessions: number },
    private readonly now: () => number = Date.now,
  ) {}

  create(): Session {
    const session: Session = { id: randomSecret(), csrfToken: randomSecret(), expiresAt: this.now() + this.options.ttlMs };
    this.sessions.set(session.id, session);
    while (this.sessions.size > this.options.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  /** The live session with this id; an expired one is forgotten. */
  find(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }
}
