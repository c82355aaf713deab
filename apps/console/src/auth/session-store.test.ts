import { secretsMatch } from './secret-compare';
import { SessionStore } from './session-store';

describe('SessionStore', () => {
  it('finds a session by its random id until it expires, and forgets it then', () => {
    let now = 1_000;
    const store = new SessionStore({ ttlMs: 100, maxSessions: 10 }, () => now);
    const session = store.create();
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).not.toBe(session.id);
    expect(store.find(session.id)).toBe(session);
    expect(store.find(undefined)).toBeNull();
    expect(store.find('guess')).toBeNull();
    now = 1_100;
    expect(store.find(session.id)).toBeNull();
  });

  it('ends a session on sign-out and the oldest one past the limit', () => {
    const store = new SessionStore({ ttlMs: 60_000, maxSessions: 2 });
    const [a, b, c] = [store.create(), store.create(), store.create()];
    expect(store.find(a.id)).toBeNull();
    expect(store.find(b.id)).toBe(b);
    store.end(c.id);
    expect(store.find(c.id)).toBeNull();
  });
});

describe('secretsMatch', () => {
  it('accepts the same secret only, whatever the lengths, and nothing that is not a string', () => {
    expect(secretsMatch('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretsMatch('s3cret-token', 's3cret-token ')).toBe(false);
    expect(secretsMatch('s3cret-token', 's3cret')).toBe(false);
    expect(secretsMatch('s3cret-token', '')).toBe(false);
    expect(secretsMatch('s3cret-token', ['s3cret-token'])).toBe(false);
    expect(secretsMatch('s3cret-token', undefined)).toBe(false);
  });
});
