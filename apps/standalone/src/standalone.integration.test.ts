import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort, spawnApp, type SpawnedApp } from '@attribution/testing';

const ENTRY = 'apps/standalone/dist/main.js';

/**
 * `npm start` as a user runs it: the built single-process engine on the embedded defaults
 * (embedded PostgreSQL, in-process bus), started, used, stopped with SIGTERM and restarted.
 */
describe('standalone engine process', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let app: SpawnedApp | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'attribution-standalone-'));
    // PostgreSQL runs as the `postgres` user when we are root, and must reach its data dir.
    await chmod(dataDir, 0o755);
    const [port, dispatcherPort, prunerPort, consolePort, pgPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
    env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      DISPATCHER_PORT: String(dispatcherPort),
      PRUNER_PORT: String(prunerPort),
      CONSOLE_PORT: String(consolePort),
      EMBEDDED_PG_PORT: String(pgPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
  });

  afterEach(async () => {
    await app?.stop('SIGKILL');
    app = undefined;
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves health, accepts an event with the printed demo key, exits 0 on SIGTERM and keeps data across a restart', async () => {
    app = spawnApp(ENTRY, env);
    const [, ingestUrl] = await app.waitForOutput(/ingest-api\s+(http:\/\/\S+)/);
    const [, secretKey] = await app.waitForOutput(/secret key: (sk_\S+)/);
    const [, consoleUrl] = await app.waitForOutput(/console\s+(http:\/\/\S+)/);
    const [, consoleToken] = await app.waitForOutput(/console token: (\S+)/);
    expect((await fetch(`${ingestUrl}/health`)).status).toBe(200);
    // The console answers, refuses a visitor without a session, and the printed token is kept (0600) for the next start.
    expect((await fetch(`${consoleUrl}/health`)).status).toBe(200);
    expect((await fetch(`${consoleUrl}/tenants`)).status).toBe(401);
    expect((await readFile(path.join(dataDir, 'console-admin-token'), 'utf8')).trim()).toBe(consoleToken);
    expect((await stat(path.join(dataDir, 'console-admin-token'))).mode & 0o777).toBe(0o600);
    expect((await fetch(`${ingestUrl}/ready`)).status).toBe(200);
    // The engine composes the ingest-api: its contract is served here too.
    const contract = await fetch(`${ingestUrl}/v1/openapi.json`);
    expect(contract.status).toBe(200);
    expect(await contract.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./), paths: { '/v1/events': { post: expect.any(Object) } } });

    const post = (eventId: string) =>
      fetch(`${ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event_id: eventId, event_name: 'Purchase', event_time: Math.floor(Date.now() / 1000), event_source_url: 'https://shop.example/' }),
      });
    const first = await post('demo-1');
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });

    expect(await app.stop('SIGTERM')).toBe(0);
    expect(app.stderr()).toBe('');

    app = spawnApp(ENTRY, env);
    await app.waitForOutput(/Attribution engine is running/);
    expect(app.stdout()).not.toContain('secret key');
    expect(app.stdout()).not.toContain('console token:');
    expect(app.stdout()).toContain('operator console: sign in with CONSOLE_ADMIN_TOKEN, kept in');
    // The key still works and the stored event is still there: a retry is a duplicate.
    const again = await post('demo-1');
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await app.stop('SIGINT')).toBe(0);
  });

  it.each([
    [{ KAFKA_BROKERS: 'not a host:port' }, 'KAFKA_BROKERS: must be a comma-separated list of host:port'],
    [{ DATABASE_URL: 'mysql://user:hunter2@db/app' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ PORT: 'eighty' }, 'PORT: must be a number'],
  ])('refuses to start with %j and says which variable is wrong, in one line', async (bad, message) => {
    app = spawnApp(ENTRY, { ...env, ...bad });
    expect(await app.exited).toBe(1);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(app.stderr()).not.toContain('hunter2');
    expect(app.stderr()).not.toMatch(/\n\s+at /);
  });
});
