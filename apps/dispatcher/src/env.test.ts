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

  it('builds a keyring from CREDENTIALS_KEY and the optional CREDENTIALS_KEY_PREVIOUS, showing key ids only', () => {
    const single = loadDispatcherConfig(required).credentialsKey;
    expect(single.previousKeyId).toBeNull();
    expect(loadDispatcherConfig({ ...required, CREDENTIALS_KEY_PREVIOUS: '' }).credentialsKey.previousKeyId).toBeNull();
    const rotating = loadDispatcherConfig({ ...required, CREDENTIALS_KEY_PREVIOUS: Buffer.alloc(32, 7).toString('base64') }).credentialsKey;
    expect(rotating.currentKeyId).toBe(single.currentKeyId);
    expect(rotating.previousKeyId).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(rotating)).not.toContain('a'.repeat(64));
  });

  it('refuses a malformed CREDENTIALS_KEY and CREDENTIALS_KEY_PREVIOUS together, naming both, never their values', () => {
    let caught: unknown;
    try {
      loadDispatcherConfig({ ...required, CREDENTIALS_KEY: 'b'.repeat(50), CREDENTIALS_KEY_PREVIOUS: 'not-a-key' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CREDENTIALS_KEY', 'CREDENTIALS_KEY_PREVIOUS']);
    expect(problems.join(' ')).toContain('must be a 32-byte key');
    expect(problems.join(' ')).not.toMatch(/b{50}|not-a-key/);
  });
});
