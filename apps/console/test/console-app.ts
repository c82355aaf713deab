import { createLogger } from '@attribution/core';
import type { ReplayableQuery } from '@attribution/db';
import { createApp, type ConsoleReads } from '../src/app';
import { SessionStore } from '../src/auth/session-store';
import { LiveStreams } from '../src/events/live-streams';

export const TEST_ADMIN_TOKEN = 'console-test-token-0123456789abcdefghij';

/**
 * The console app for tests, on the reads given (real repositories over a test database, or
 * none for tests that never get past sign-in); replays are recorded, not published, unless a
 * replay function is given.
 */
export function testConsoleApp(reads: ConsoleReads | null, options: { replay?: (query: ReplayableQuery) => Promise<{ replayed: number }>; jaegerUiUrl?: string } = {}) {
  const logger = createLogger({ service: 'console', level: 'error' });
  const sessions = new SessionStore({ ttlMs: 60_000, maxSessions: 10 });
  const replays: ReplayableQuery[] = [];
  const app = createApp({
    logger,
    reads: reads ?? unreachableReads(),
    replay: options.replay ?? (async (query) => (replays.push(query), { replayed: query.ids?.length ?? 0 })),
    sessions,
    live: new LiveStreams({ pollMs: 50, logger }),
    auth: { adminToken: TEST_ADMIN_TOKEN, sessionTtlMs: 60_000 },
    readiness: {},
    isStopping: () => false,
    http: { trustProxy: 'loopback' },
    jaegerUiUrl: options.jaegerUiUrl ?? null,
  });
  return { app, sessions, replays };
}

/** For tests that must never reach a page: any read fails the test. */
function unreachableReads(): ConsoleReads {
  const fail = () => {
    throw new Error('a page was read without a session');
  };
  return new Proxy({} as ConsoleReads, { get: () => new Proxy({}, { get: () => fail }) });
}
