import { ConfigError } from '@attribution/runtime';
import { loadDispatcherConfig } from './env';

const required = { DATABASE_URL: 'postgresql://localhost/attribution', CREDENTIALS_KEY: 'a'.repeat(64) };

describe('dispatcher environment', () => {
  it('gives a crashed member 10 s before its partitions move, not KafkaJS 30 s', () => {
    expect(loadDispatcherConfig(required).consumer).toEqual({ lingerMs: 100, partitionsConcurrently: 3, sessionTimeoutMs: 10_000 });
    expect(loadDispatcherConfig({ ...required, DISPATCH_SESSION_TIMEOUT_MS: '45000' }).consumer.sessionTimeoutMs).toBe(45_000);
  });

  it('refuses a session the broker would refuse, listed with every other bad variable', () => {
    let caught: unknown;
    try {
      loadDispatcherConfig({ ...required, DISPATCH_SESSION_TIMEOUT_MS: '5000', DISPATCH_LINGER_MS: 'soon' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['DISPATCH_LINGER_MS', 'DISPATCH_SESSION_TIMEOUT_MS']);
    expect(() => loadDispatcherConfig({ ...required, DISPATCH_SESSION_TIMEOUT_MS: '300001' })).toThrow(/DISPATCH_SESSION_TIMEOUT_MS/);
  });
});
