import { createDbClient, eventKey, PgEventWriter, PrismaEventWriter, type Db, type KeyedEventWriter, type NewEventRow } from '@attribution/db';
import { DependencyUnavailableError } from '@attribution/runtime';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { BatchingEventWriter } from './batching-event-writer';

function row(tenantId: string, eventId: string, overrides: Partial<NewEventRow> = {}): NewEventRow {
  return {
    tenantId,
    eventId,
    eventName: 'Purchase',
    eventTime: new Date('2026-01-02T03:04:05.678Z'),
    actionSource: 'website',
    sourceUrl: 'https://shop.example/checkout',
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    userData: { em: ['a'.repeat(64)], ph: ['b'.repeat(64)] },
    clickIds: { fbc: 'fb.1.1700000000.AbC' },
    customData: { value: 12.5, currency: 'EUR', note: 'quote " and \\ backslash, {braces}, [brackets], unicode é€' },
    consent: { ad_storage: 'granted' },
    context: { visitor_id: 'v-1', page_referrer: 'https://news.example/article', utm_source: 'newsletter' },
    traceId: '0af7651916cd43dd8448eb211c80319c',
    ...overrides,
  };
}

describe('batched event inserts (real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Db;
  let tenants: string[];
  let pg: PgEventWriter;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url, { poolMax: 4 });
    pg = new PgEventWriter(database.url, { poolMax: 4 });
    tenants = [];
    for (let i = 0; i < 12; i += 1) tenants.push((await seedTenant(db)).tenant.id);
  });

  afterAll(async () => {
    await pg.close();
    await db.$disconnect();
    await database.drop();
  });

  it.each([
    ['node-postgres', () => pg, 'pg'],
    ['Prisma', () => new PrismaEventWriter(db), 'prisma'],
  ] as Array<[string, () => PgEventWriter | PrismaEventWriter, string]>)('%s writer stores every column as given, JSON and NULLs included, and reports only new keys', async (_name, make, tag) => {
    const writer = make();
    const [a, b] = tenants as [string, string];
    const full = row(a, `${tag}-cols-1`);
    const sparse = row(b, `${tag}-cols-1`, { sourceUrl: null, ipAddress: null, userAgent: null, consent: null, userData: {}, clickIds: {}, customData: {}, context: {} });
    expect(await writer.insertKeyed([full, sparse])).toEqual(new Set([eventKey(a, `${tag}-cols-1`), eventKey(b, `${tag}-cols-1`)]));
    expect(await writer.insertKeyed([full, row(a, `${tag}-cols-2`)])).toEqual(new Set([eventKey(a, `${tag}-cols-2`)]));
    expect(await writer.insert([row(a, `${tag}-cols-2`), row(a, `${tag}-cols-3`)])).toEqual(new Set([`${tag}-cols-3`]));

    const stored = await db.event.findMany({ where: { eventId: `${tag}-cols-1` } });
    const byTenant = new Map(stored.map((e) => [e.tenantId, e]));
    expect(byTenant.get(a)).toMatchObject({
      eventName: 'Purchase',
      eventTime: full.eventTime,
      actionSource: 'website',
      sourceUrl: full.sourceUrl,
      ipAddress: full.ipAddress,
      userAgent: full.userAgent,
      userData: full.userData,
      clickIds: full.clickIds,
      customData: full.customData,
      consent: full.consent,
      context: full.context,
      traceId: full.traceId,
      publishState: 'pending',
    });
    expect(byTenant.get(b)).toMatchObject({ sourceUrl: null, ipAddress: null, userAgent: null, consent: null, userData: {}, customData: {}, context: {} });
  });

  it('under concurrent callers of many tenants, reports each new (tenant, event id) to exactly one caller and stores it once', async () => {
    const writer = new BatchingEventWriter(pg, { maxWaitMs: 3, maxBatchRows: 50, maxInFlightFlushes: 4, maxQueuedRows: 200 });
    // 12 tenants x 40 ids; every id is sent by two or three callers (duplicates inside one
    // flush and across flushes), and the same ids exist for every tenant (isolation).
    const calls: Array<{ tenantId: string; rows: NewEventRow[] }> = [];
    for (let round = 0; round < 3; round += 1) {
      for (const tenantId of tenants) {
        for (let chunk = 0; chunk < 8; chunk += 1) {
          const ids = Array.from({ length: 5 }, (_, k) => `conc-${chunk * 5 + k}`).filter((_, k) => round < 2 || k % 2 === 0);
          calls.push({ tenantId, rows: ids.map((id) => row(tenantId, id)) });
        }
      }
    }
    calls.sort(() => Math.random() - 0.5);
    const answers = await Promise.all(calls.map((call) => writer.insert(call.rows)));
    await writer.close();

    const reported = new Map<string, number>();
    answers.forEach((ids, i) => {
      for (const id of ids) {
        const key = eventKey(calls[i]!.tenantId, id);
        reported.set(key, (reported.get(key) ?? 0) + 1);
      }
    });
    expect(reported.size).toBe(tenants.length * 40);
    expect([...reported.values()].every((n) => n === 1)).toBe(true);
    for (const tenantId of tenants) {
      expect(await db.event.count({ where: { tenantId, eventId: { startsWith: 'conc-' } } })).toBe(40);
    }
    const stats = writer.stats();
    expect(stats.failedFlushes).toBe(0);
    expect(stats.flushes).toBeLessThan(calls.length); // it did batch
  });

  it('never deadlocks when two replicas write the same keys in opposite orders at the same time', async () => {
    const other = new PgEventWriter(database.url, { poolMax: 2 });
    try {
      const tenantId = tenants[0]!;
      const config = { maxWaitMs: 0, maxBatchRows: 5_000, maxInFlightFlushes: 2, maxQueuedRows: 10_000 };
      const forward = new BatchingEventWriter(pg, config);
      const backward = new BatchingEventWriter(other, config);
      for (let round = 0; round < 3; round += 1) {
        // Two statements of 2 000 rows on the same keys in opposite orders: without a common
        // lock order each soon waits for a key the other holds, and PostgreSQL aborts one of
        // them after deadlock_timeout (1 s).
        const ids = Array.from({ length: 2_000 }, (_, i) => `dl-${round}-${String(i).padStart(4, '0')}`);
        const results = await Promise.all([
          forward.insert(ids.map((id) => row(tenantId, id))),
          backward.insert([...ids].reverse().map((id) => row(tenantId, id))),
        ]);
        expect(results[0]!.size + results[1]!.size).toBe(ids.length);
      }
      await Promise.all([forward.close(), backward.close()]);
    } finally {
      await other.close();
    }
  });

  it('when PostgreSQL refuses some rows, fails only the callers that brought them', async () => {
    const writer = new BatchingEventWriter(pg, { maxWaitMs: 20, maxBatchRows: 100, maxInFlightFlushes: 1, maxQueuedRows: 100 });
    const unknownTenant = '00000000-0000-4000-8000-000000000000'; // violates the tenant foreign key
    const outcomes = await Promise.allSettled([
      writer.insert([row(tenants[0]!, 'bad-1')]),
      writer.insert([row(unknownTenant, 'bad-2')]),
      writer.insert([row(tenants[1]!, 'bad-3'), row(tenants[1]!, 'bad-4')]),
      writer.insert([row(tenants[2]!, 'nul-\u0000-byte')]), // PostgreSQL text cannot hold NUL
      writer.insert([row(tenants[2]!, 'bad-5', { customData: { note: 'nul \u0000 in JSON' } })]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected']);
    expect((outcomes[0] as PromiseFulfilledResult<Set<string>>).value).toEqual(new Set(['bad-1']));
    expect((outcomes[2] as PromiseFulfilledResult<Set<string>>).value).toEqual(new Set(['bad-3', 'bad-4']));
    for (const i of [1, 3, 4]) expect((outcomes[i] as PromiseRejectedResult).reason).not.toBeInstanceOf(DependencyUnavailableError);
    expect(await db.event.count({ where: { eventId: { startsWith: 'bad-' } } })).toBe(3);
    expect(writer.stats().splitFlushes).toBeGreaterThan(0);
    await writer.close();
  });

  it('reports an unreachable PostgreSQL as a dependency outage (503), not a bug', async () => {
    const url = 'postgresql://nobody:secret@127.0.0.1:1/none';
    const prisma = createDbClient(url, { connectionTimeoutMillis: 1_000 });
    const direct = new PgEventWriter(url, { poolMax: 1, connectionTimeoutMillis: 1_000 });
    try {
      for (const inner of [direct, new PrismaEventWriter(prisma)] as KeyedEventWriter[]) {
        const writer = new BatchingEventWriter(inner, { maxWaitMs: 1, maxBatchRows: 10, maxInFlightFlushes: 1, maxQueuedRows: 10 });
        const outcomes = await Promise.allSettled([writer.insert([row(tenants[0]!, 'down-1')]), writer.insert([row(tenants[0]!, 'down-2')])]);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('rejected');
          expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DependencyUnavailableError);
        }
        // Both callers were in one statement: one failure, no split.
        expect(writer.stats()).toMatchObject({ flushes: 1, failedFlushes: 1, splitFlushes: 0 });
        await writer.close();
      }
    } finally {
      await direct.close();
      await prisma.$disconnect();
    }
  });
});
