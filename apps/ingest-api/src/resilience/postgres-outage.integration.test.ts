import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '@attribution/core';
import { createDbClient, postgresErrorCode, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import {
  createTestDatabase,
  type FakeStartingPostgres,
  prepareTemplateDatabase,
  seedTenant,
  startFakeStartingPostgres,
  startTestPostgres,
  type TestDatabase,
  type TestPostgres,
  waitUntil,
} from '@attribution/testing';
import { InProcessTransport, topicSpecs } from '@attribution/transport';
import { loadIngestConfig } from '../env';
import { startIngestApi, type RunningIngestApi } from '../composition-root';

interface Outcome {
  eventIds: string[];
  status: number | 'network_error';
  retryAfter: string | null;
  body: unknown;
  error?: string;
  /** Sent after PostgreSQL was back and the API said it was ready. */
  afterRecovery: boolean;
}

const eventsBody = (eventIds: string[]) =>
  JSON.stringify({
    events: eventIds.map((eventId) => ({
      event_id: eventId,
      event_name: 'Lead',
      event_time: Math.floor(Date.now() / 1000),
      action_source: 'website',
      user_data: { email: 'jane@example.com', phone: '+1 415 555 2671' },
    })),
  });

/** POST /v1/events; a failure to get any answer is an outcome too (`network_error`). */
async function postEvents(apiUrl: string, key: string, eventIds: string[], afterRecovery = false): Promise<Outcome> {
  try {
    const response = await fetch(`${apiUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: eventsBody(eventIds),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* kept as text: the assertion below reports it */
    }
    return { eventIds, status: response.status, retryAfter: response.headers.get('retry-after'), body: parsed, afterRecovery };
  } catch (error) {
    return { eventIds, status: 'network_error', retryAfter: null, body: null, error: String((error as Error).cause ?? error), afterRecovery };
  }
}

/** A logger whose lines are kept in memory (`lines()`), for asserting on what the API logged. */
function memoryLogger(): { logger: Logger; lines: () => string } {
  let logs = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  return { logger: createLogger({ service: 'api', stream, level: 'info' }), lines: () => logs };
}

async function startApi(databaseUrl: string, db: Db, logger: Logger, lifecycle: Lifecycle): Promise<RunningIngestApi> {
  const config = loadIngestConfig({ PORT: '0', INGEST_OPS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, KAFKA_PARTITIONS: '1', LOG_LEVEL: 'info' });
  const transport = new InProcessTransport();
  await transport.ensureTopics(topicSpecs(config.topics, 1));
  return startIngestApi(config, { db, transport, logger, lifecycle });
}

/**
 * The API's own client, recording every failed API-key lookup (whatever the mapping made of it),
 * so a test can tell that the lookup itself met the refusal it is about.
 */
function recordingLookups(databaseUrl: string, failures: unknown[]): Db {
  const client = createDbClient(databaseUrl);
  return client.$extends({
    query: {
      apiKey: {
        async findUnique({ args, query }) {
          try {
            return await query(args);
          } catch (error) {
            failures.push(error);
            throw error;
          }
        },
      },
    },
  }) as unknown as Db;
}

/**
 * "With PostgreSQL down the API answers 503 with Retry-After (never 500) and /ready fails": a
 * private PostgreSQL (the shared one must never be stopped) goes down in the middle of a stream of
 * requests and comes back. Nothing answered 202 may be missing afterwards.
 */
describe('ingest-api during a PostgreSQL outage', () => {
  let pg: TestPostgres;
  let database: TestDatabase;
  let db: Db;
  let lifecycle: Lifecycle;
  let api: RunningIngestApi;
  let logs = '';
  const unexpected: unknown[] = [];
  const onUnexpected = (error: unknown) => unexpected.push(error);

  beforeAll(async () => {
    pg = await startTestPostgres();
    await prepareTemplateDatabase(pg.adminUrl);
    database = await createTestDatabase(pg.adminUrl);
    db = createDbClient(database.url);
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const logger = createLogger({ service: 'api', stream, level: 'info' });
    lifecycle = new Lifecycle({ logger, timeoutMs: 10_000 });
    const config = loadIngestConfig({
      PORT: '0',
      INGEST_OPS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      KAFKA_PARTITIONS: '1',
      LOG_LEVEL: 'info',
    });
    const transport = new InProcessTransport();
    await transport.ensureTopics(topicSpecs(config.topics, 1));
    api = await startIngestApi(config, { db, transport, logger, lifecycle });
    // A crash of anything in the process (pool, change listener, relay) surfaces here.
    process.on('uncaughtException', onUnexpected);
    process.on('unhandledRejection', onUnexpected);
  }, 120_000);

  afterAll(async () => {
    process.off('uncaughtException', onUnexpected);
    process.off('unhandledRejection', onUnexpected);
    await pg?.start().catch(() => undefined); // whatever happened, shut down against a live server
    await lifecycle?.shutdown('test');
    await db?.$disconnect();
    await database?.drop();
    await pg?.stop();
  }, 60_000);

  const post = (key: string, eventIds: string[], afterRecovery = false): Promise<Outcome> => postEvents(api.url, key, eventIds, afterRecovery);

  const ready = async () => (await fetch(`${api.url}/ready`)).status;

  it('answers 503 with Retry-After (never 500, never a reset) while PostgreSQL is down, and loses no accepted event', async () => {
    const warm = await seedTenant(db);
    // A second tenant whose key the cache has never seen: during the outage its lookup fails too.
    const cold = await seedTenant(db);
    expect((await post(warm.secretKey, [`warmup-${randomUUID()}`])).status).toBe(202);
    expect(await ready()).toBe(200);

    const outcomes: Outcome[] = [];
    let phase: 'before' | 'down' | 'recovering' | 'after' = 'before';
    let stopStream = false;
    const worker = async () => {
      while (!stopStream) {
        const ids = Array.from({ length: 1 + (outcomes.length % 5) }, () => `e-${randomUUID()}`);
        outcomes.push(await post(warm.secretKey, ids, phase === 'after'));
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    const count = (predicate: (o: Outcome) => boolean) => outcomes.filter(predicate).length;

    // Let the stream run, then take PostgreSQL away under it.
    await waitUntil(async () => count((o) => o.status === 202) >= 100, '100 accepted requests before the outage', { timeoutMs: 30_000 });
    phase = 'down';
    await pg.halt();

    const readyDown = await ready();
    const coldDown = await post(cold.secretKey, [`cold-${randomUUID()}`]);
    // Requests keep failing fast and cleanly for a while.
    const outcomesAtHalt = outcomes.length;
    await waitUntil(
      async () => outcomes.slice(outcomesAtHalt).filter((o) => o.status === 503).length >= 50,
      '50 requests answered while PostgreSQL is down',
      { timeoutMs: 30_000 },
    );

    phase = 'recovering';
    await pg.start();
    const restartedAt = Date.now();
    await waitUntil(async () => (await ready()) === 200, '/ready to answer 200 again', { timeoutMs: 20_000, intervalMs: 100 });
    const readyAfterMs = Date.now() - restartedAt;
    phase = 'after';
    await waitUntil(async () => count((o) => o.afterRecovery && o.status === 202) >= 50, '50 accepted requests after the outage', {
      timeoutMs: 30_000,
    });
    const acceptedAfterMs = Date.now() - restartedAt;
    stopStream = true;
    await Promise.all(workers);

    // The status contract, request by request.
    const summary = new Map<string, number>();
    for (const o of outcomes) summary.set(String(o.status), (summary.get(String(o.status)) ?? 0) + 1);
    const bad = outcomes.filter((o) => o.status !== 202 && o.status !== 503);
    expect(bad.map(({ status, body, error }) => ({ status, body, error }))).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThanOrEqual(50);
    for (const o of unavailable) {
      expect(o.retryAfter).toMatch(/^\d+$/);
      expect(o.body).toEqual({ error: 'unavailable', message: expect.any(String) });
    }
    // Once ready again, nothing fails any more: the pool recovered.
    expect(outcomes.filter((o) => o.afterRecovery && o.status !== 202)).toEqual([]);

    expect(readyDown).toBe(503);
    expect(coldDown).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(coldDown.retryAfter).toMatch(/^\d+$/);
    expect((await post(cold.secretKey, [`cold-${randomUUID()}`])).status).toBe(202);

    // Every event answered 202 is stored.
    const accepted = outcomes.filter((o) => o.status === 202).flatMap((o) => o.eventIds);
    const stored = new Set(
      (await db.event.findMany({ where: { tenantId: warm.tenant.id, eventId: { in: accepted } }, select: { eventId: true } })).map((r) => r.eventId),
    );
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);

    // The outbox relay recovered too and published everything.
    await waitUntil(async () => (await db.event.count({ where: { publishState: 'pending' } })) === 0, 'the outbox to drain', {
      timeoutMs: 20_000,
      intervalMs: 100,
    });

    expect(unexpected).toEqual([]);
    expect(logs).not.toMatch(/"event":"request_failed"/);
    process.stdout.write(
      `[postgres-outage] ${JSON.stringify(Object.fromEntries(summary))}; ready ${readyAfterMs} ms and 50 accepted ` +
        `${acceptedAfterMs} ms after PostgreSQL restarted\n`,
    );
  }, 120_000);

  it('keeps the key cache invalidation working after PostgreSQL came back (the LISTEN connection reconnects)', async () => {
    const { tenant, secretKey } = await seedTenant(db);
    expect((await post(secretKey, [`k-${randomUUID()}`])).status).toBe(202); // cached now
    await db.apiKey.updateMany({ where: { tenantId: tenant.id, kind: 'secret' }, data: { revokedAt: new Date() } });
    // The listener reconnects with a backoff of at most 5 s; then the NOTIFY drops the cached key.
    await waitUntil(async () => (await post(secretKey, [`k-${randomUUID()}`])).status === 401, 'the revoked key to be refused', {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(logs).toMatch(/change_listener_error/);
  }, 30_000);
});

/** PostgreSQL's message for a refused connection while it starts (57P03 cannot_connect_now). */
const STARTING_UP_LOG = /FATAL: {1,2}the database system is (?:starting up|not yet accepting connections|in recovery mode)/g;

/**
 * The issue "500s while PostgreSQL restarts": PostgreSQL stopped with an immediate stop (as a kill
 * would) under a stream of requests whose API keys are not cached, then started again. Between
 * opening its socket and the end of crash recovery, PostgreSQL refuses every connection with 57P03,
 * which Prisma 7 reports as P2039 with the SQLSTATE under meta.driverAdapterError: the API-key
 * lookup must turn that into a 503 like any other outage, never a 500.
 */
describe('ingest-api while PostgreSQL restarts after an immediate stop (keys not cached)', () => {
  const COLD_TENANTS = 20;
  let pg: TestPostgres;
  let serverLog = '';
  let database: TestDatabase;
  let db: Db;
  let apiDb: Db;
  let lifecycle: Lifecycle;
  let api: RunningIngestApi;
  let logs: () => string;
  const lookupFailures: unknown[] = [];
  const unexpected: unknown[] = [];
  const onUnexpected = (error: unknown) => unexpected.push(error);

  beforeAll(async () => {
    pg = await startTestPostgres({ onLog: (message) => (serverLog += message) });
    await prepareTemplateDatabase(pg.adminUrl);
    database = await createTestDatabase(pg.adminUrl);
    // The test server trades durability for speed (synchronous_commit=off), and a crash may lose
    // a commit it already acknowledged, and so an event answered 202. Not this database's: a
    // per-database setting overrides the server's command line for every new session.
    const admin = createDbClient(pg.adminUrl);
    await admin.$executeRawUnsafe(`ALTER DATABASE "${database.name}" SET synchronous_commit = on`);
    await admin.$disconnect();
    db = createDbClient(database.url);
    const memory = memoryLogger();
    logs = memory.lines;
    lifecycle = new Lifecycle({ logger: memory.logger, timeoutMs: 10_000 });
    apiDb = recordingLookups(database.url, lookupFailures);
    api = await startApi(database.url, apiDb, memory.logger, lifecycle);
    process.on('uncaughtException', onUnexpected);
    process.on('unhandledRejection', onUnexpected);
  }, 120_000);

  afterAll(async () => {
    process.off('uncaughtException', onUnexpected);
    process.off('unhandledRejection', onUnexpected);
    await pg?.start().catch(() => undefined);
    await lifecycle?.shutdown('test');
    await apiDb?.$disconnect();
    await db?.$disconnect();
    await database?.drop();
    await pg?.stop();
  }, 60_000);

  /** An immediate stop (SIGQUIT to the postmaster): no shutdown checkpoint, crash recovery on the next start. */
  async function immediateStop(): Promise<void> {
    const pid = Number.parseInt((await readFile(path.join(pg.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!, 10);
    process.kill(pid, 'SIGQUIT');
    await pg.halt(); // resolves once the postmaster has exited
  }

  it('answers only 202 or 503 (with Retry-After) through the starting-up window, and stores every event it accepted', async () => {
    const warm = await seedTenant(db);
    const cold = await Promise.all(Array.from({ length: COLD_TENANTS }, () => seedTenant(db)));
    expect((await postEvents(api.url, warm.secretKey, [`warmup-${randomUUID()}`])).status).toBe(202);

    const outcomes: Outcome[] = [];
    let phase: 'before' | 'down' | 'starting' | 'after' = 'before';
    let stopStream = false;
    let sent = 0;
    // Before the outage the warm key (cached); from the stop on, keys never used before, so every
    // request until PostgreSQL is back looks its key up in the database (failed lookups are not
    // cached, and the change listener's resync empties the cache once it reconnects).
    const worker = async () => {
      while (!stopStream) {
        sent += 1;
        const key = phase === 'before' ? warm.secretKey : cold[sent % cold.length]!.secretKey;
        const ids = Array.from({ length: 1 + (sent % 3) }, () => `r-${randomUUID()}`);
        outcomes.push(await postEvents(api.url, key, ids, phase === 'after'));
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    const count = (predicate: (o: Outcome) => boolean) => outcomes.filter(predicate).length;

    await waitUntil(async () => count((o) => o.status === 202) >= 100, '100 accepted requests before the stop', { timeoutMs: 30_000 });
    // WAL for crash recovery to replay: ~45 MB written since the last checkpoint keep PostgreSQL
    // "starting up" (refusing with 57P03) for about 0.6 s, as long as the reported 0.7 s window;
    // with none the window lasts a few milliseconds and may be missed.
    const admin = createDbClient(pg.adminUrl);
    await admin.$executeRawUnsafe('CREATE TABLE restart_ballast (id int, pad text)');
    await admin.$executeRawUnsafe(`INSERT INTO restart_ballast SELECT g, repeat('x', 100) FROM generate_series(1, 300000) g`);
    await admin.$disconnect();
    phase = 'down';
    await immediateStop();
    const atStop = outcomes.length;
    await waitUntil(async () => outcomes.slice(atStop).filter((o) => o.status === 503).length >= 50, '50 requests answered while PostgreSQL is down', {
      timeoutMs: 30_000,
    });

    // The start resolves once PostgreSQL logs "ready to accept connections": the starting-up
    // window (57P03 on every connection) lies inside it, with the requests still flowing.
    phase = 'starting';
    const startedAt = Date.now();
    await pg.start();
    const startMs = Date.now() - startedAt;
    phase = 'after';
    await waitUntil(async () => count((o) => o.afterRecovery && o.status === 202) >= 50, '50 accepted requests after the restart', { timeoutMs: 30_000 });
    stopStream = true;
    await Promise.all(workers);

    // The window happened: crash recovery ran, and the server refused connections while in it...
    expect(serverLog).toMatch(/database system was interrupted|not properly shut down; automatic recovery in progress/);
    const refusedWhileStarting = serverLog.match(STARTING_UP_LOG)?.length ?? 0;
    expect(refusedWhileStarting).toBeGreaterThan(0);
    // ...and the API-key lookup itself was among the refused (the path of the reported 500s).
    const lookupsRefused = lookupFailures.filter((error) => postgresErrorCode(error) === '57P03').length;
    expect(lookupsRefused).toBeGreaterThan(0);

    // The status contract, request by request: never a 500, never a reset.
    const bad = outcomes.filter((o) => o.status !== 202 && o.status !== 503);
    expect(bad.map(({ status, body, error }) => ({ status, body, error }))).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    for (const o of unavailable) {
      expect(o.retryAfter).toMatch(/^\d+$/);
      expect(o.body).toEqual({ error: 'unavailable', message: expect.any(String) });
    }
    expect(outcomes.filter((o) => o.afterRecovery && o.status !== 202)).toEqual([]);

    // Every event answered 202 is stored, whichever tenant it was for.
    const accepted = outcomes.filter((o) => o.status === 202).flatMap((o) => o.eventIds);
    const stored = new Set((await db.event.findMany({ where: { eventId: { in: accepted } }, select: { eventId: true } })).map((r) => r.eventId));
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);

    expect(unexpected).toEqual([]);
    expect(logs()).not.toMatch(/"event":"request_failed"/);
    const summary: Record<string, number> = {};
    for (const o of outcomes) summary[String(o.status)] = (summary[String(o.status)] ?? 0) + 1;
    process.stdout.write(
      `[postgres-restart] ${JSON.stringify(summary)}; start took ${startMs} ms; ${refusedWhileStarting} connections refused while ` +
        `starting up, ${lookupsRefused} of them API-key lookups\n`,
    );
  }, 120_000);
});

/**
 * The same refusal, deterministically: the API's client (the one the API-key lookup uses) points at
 * a fake PostgreSQL that answers every connection with 57P03 "the database system is starting up";
 * the rest of the API (change listener, event writer) uses the real database.
 */
describe('ingest-api whose API-key lookup meets a PostgreSQL that is starting up', () => {
  let fake: FakeStartingPostgres;
  let database: TestDatabase;
  let db: Db;
  let lookupDb: Db;
  let lifecycle: Lifecycle;
  let api: RunningIngestApi;
  let logs: () => string;

  beforeAll(async () => {
    fake = await startFakeStartingPostgres();
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    lookupDb = createDbClient(fake.url);
    const memory = memoryLogger();
    logs = memory.lines;
    lifecycle = new Lifecycle({ logger: memory.logger, timeoutMs: 10_000 });
    api = await startApi(database.url, lookupDb, memory.logger, lifecycle);
  }, 60_000);

  afterAll(async () => {
    await lifecycle?.shutdown('test');
    await lookupDb?.$disconnect();
    await db?.$disconnect();
    await database?.drop();
    await fake?.close();
  });

  it('answers 503 with Retry-After, not 500', async () => {
    const { secretKey } = await seedTenant(db);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const refusedBefore = fake.refusals();
      const outcome = await postEvents(api.url, secretKey, [`fake-${randomUUID()}`]);
      expect(outcome).toMatchObject({ status: 503, body: { error: 'unavailable' } });
      expect(outcome.retryAfter).toMatch(/^\d+$/);
      expect(fake.refusals()).toBeGreaterThan(refusedBefore); // the lookup really went to the fake
    }
    expect(logs()).toMatch(/"event":"dependency_unavailable"/);
    expect(logs()).not.toMatch(/"event":"request_failed"/);
  });
});
