import { MAX_REFUSED_SIGN_INS, REFUSED_SIGN_IN_WINDOW_MS, SignInThrottle } from './sign-in-throttle';

describe('SignInThrottle', () => {
  let now = 1_000_000;
  const throttle = () => new SignInThrottle(() => now);

  it('lets a client try until its fifth refusal, then makes it wait until the window ends', () => {
    const t = throttle();
    for (let i = 0; i < MAX_REFUSED_SIGN_INS; i += 1) {
      expect(t.waitSeconds('198.51.100.7')).toBe(0);
      t.refused('198.51.100.7');
    }
    expect(t.waitSeconds('198.51.100.7')).toBe(REFUSED_SIGN_IN_WINDOW_MS / 1000);
    now += REFUSED_SIGN_IN_WINDOW_MS - 1_500;
    expect(t.waitSeconds('198.51.100.7')).toBe(2);
    now += 1_500;
    expect(t.waitSeconds('198.51.100.7')).toBe(0);
  });

  it('counts each client apart, and forgets a client that signs in', () => {
    const t = throttle();
    for (let i = 0; i < MAX_REFUSED_SIGN_INS; i += 1) t.refused('203.0.113.1');
    for (let i = 0; i < MAX_REFUSED_SIGN_INS - 1; i += 1) t.refused('203.0.113.2');
    expect(t.waitSeconds('203.0.113.1')).toBeGreaterThan(0);
    expect(t.waitSeconds('203.0.113.2')).toBe(0);
    t.signedIn('203.0.113.2');
    t.refused('203.0.113.2');
    expect(t.waitSeconds('203.0.113.2')).toBe(0);
  });

  it('remembers a bounded number of clients, forgetting the oldest first', () => {
    const t = throttle();
    for (let i = 0; i < MAX_REFUSED_SIGN_INS; i += 1) t.refused('first');
    for (let i = 0; i < 10_000; i += 1) t.refused(`client-${i}`);
    expect(t.waitSeconds('first')).toBe(0);
    for (let i = 0; i < MAX_REFUSED_SIGN_INS - 1; i += 1) t.refused('client-9999');
    expect(t.waitSeconds('client-9999')).toBeGreaterThan(0);
  });
});
