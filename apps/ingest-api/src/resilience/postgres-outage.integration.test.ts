import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import {
  createTestDatabase,
  prepareTemplateDatabase,
  seedTenant,
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

  const body = (eventIds: string[]) =>
    JSON.stringify({
      events: eventIds.map((eventId) => ({
        event_id: eventId,
        event_name: 'Lead',
        event_time: Math.floor(Date.now() / 1000),
        action_source: 'website',
        user_data: { email: 'jane@example.com', phone: '+1 415 555 2671' },
      })),
    });

  const post = async (key: string, eventIds: string[], afterRecovery = false): Promise<Outcome> => {
    try {
      const response = await fetch(`${api.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body(eventIds),
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
  };

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
