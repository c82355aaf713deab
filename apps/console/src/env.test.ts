import { ConfigError } from '@attribution/runtime';
import { loadConsoleConfig } from './env';

const TOKEN = 'k'.repeat(40);
const required = { DATABASE_URL: 'postgresql://localhost/attribution', CONSOLE_ADMIN_TOKEN: TOKEN };

function problems(env: Record<string, string>): string[] {
  try {
    loadConsoleConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('console environment', () => {
  it('serves on 8084 with 8-hour sessions, a 1 s live poll and no Jaeger link by default', () => {
    const config = loadConsoleConfig(required);
    expect(config.http).toEqual({ port: 8084, host: '0.0.0.0', trustProxy: 'loopback' });
    expect(config.auth).toEqual({ adminToken: TOKEN, sessionTtlMs: 8 * 3_600_000 });
    expect(config.live.pollMs).toBe(1_000);
    expect(config.jaegerUiUrl).toBeNull();
    expect(config.topics.retries[0]!.name).toBe('events.retry.30s');
  });

  it('reads the port, the Jaeger UI (without a trailing slash) and the topic prefix the dispatcher uses', () => {
    const config = loadConsoleConfig({ ...required, CONSOLE_PORT: '9000', JAEGER_UI_URL: 'http://127.0.0.1:16686/', KAFKA_TOPIC_PREFIX: 'prod.' });
    expect(config.http.port).toBe(9000);
    expect(config.jaegerUiUrl).toBe('http://127.0.0.1:16686');
    expect(config.topics.retries[0]!.name).toBe('prod.events.retry.30s');
  });

  it('refuses a missing or short admin token and every other bad variable at once, never echoing the token', () => {
    const missing = problems({ DATABASE_URL: required.DATABASE_URL });
    expect(missing.map((p) => p.split(':')[0])).toEqual(['CONSOLE_ADMIN_TOKEN']);
    const bad = problems({ ...required, CONSOLE_ADMIN_TOKEN: 'short-secret-value', CONSOLE_SESSION_TTL_MS: '10', JAEGER_UI_URL: 'ftp://x' });
    expect(bad.map((p) => p.split(':')[0]).sort()).toEqual(['CONSOLE_ADMIN_TOKEN', 'CONSOLE_SESSION_TTL_MS', 'JAEGER_UI_URL']);
    expect(bad.join(' ')).not.toContain('short-secret-value');
    expect(problems({ ...required, CONSOLE_ADMIN_TOKEN: `${'x'.repeat(32)} spaced` }).join(' ')).toContain('printable ASCII');
  });
});
