import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, PartitionRepository, utcDayStart, type Db } from '@attribution/db';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { tryAcquirePruneLock } from './prune-lock';
import { PruneService } from './prune.service';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-11-26T03:00:00Z');

describe('PruneService (real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Db;
  let logs = '';

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  function service(batchSize = 1000) {
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => (logs += c.toString()));
    return new PruneService({ databaseUrl: database.url, batchSize, batchPauseMs: 0 }, { db, logger: createLogger({ service: 'pruner', stream }), now: () => NOW });
  }

  async function insertAt(tenantId: string, ids: string[], receivedAt: Date) {
    await db.event.createMany({
      data: ids.map((eventId) => ({ tenantId, eventId, eventName: 'Lead', eventTime: receivedAt, receivedAt, actionSource: 'website' })),
    });
  }

  it("keeps and deletes at each tenant's own day boundary: whole days dropped past the longest retention, rows before it, deliveries and their attempts included", async () => {
    const short = await seedTenant(db, { retentionDays: 30 });
    const standard = await seedTenant(db); // default 90 days: the longest in this database
    // Cutoffs: 00:00 UTC of the day `retention_days` before NOW.
    const shortCutoff = new Date('2026-10-27T00:00:00Z');
    const standardCutoff = new Date('2026-08-28T00:00:00Z');
    await new PartitionRepository(db).ensureDays(new Date('2026-08-26T00:00:00Z'), new Date('2026-08-28T00:00:00Z'));
    await insertAt(short.tenant.id, ['short-keep'], shortCutoff);
    await insertAt(short.tenant.id, ['short-drop'], new Date(shortCutoff.getTime() - 1));
    await insertAt(standard.tenant.id, ['std-keep-31d'], new Date(NOW.getTime() - 31 * DAY));
    await insertAt(standard.tenant.id, ['std-keep'], standardCutoff);
    await insertAt(standard.tenant.id, ['std-drop'], new Date(standardCutoff.getTime() - 1)); // in the partition of 2026-08-27
    await insertAt(standard.tenant.id, ['std-drop-default'], new Date('2026-06-01T12:00:00Z')); // no partition: the default one
    const deliveryOf = async (eventId: string) => {
      const event = await db.event.findFirstOrThrow({ where: { eventId } });
      const keys = { eventPk: event.id, eventReceivedAt: event.receivedAt, tenantId: event.tenantId, destination: 'meta', status: 'sent' } as const;
      await db.delivery.create({ data: keys });
      await db.deliveryAttempt.create({ data: { ...keys, attempted: true, statusCode: 200, platformRequestId: 'AbC123' } });
      return event.id;
    };
    const doomed = [await deliveryOf('short-drop'), await deliveryOf('std-drop'), await deliveryOf('std-drop-default')];
    const kept = await deliveryOf('short-keep');

    const report = await service().pruneAll();
    expect(report).toMatchObject({ ran: true, deleted: 2, partitionsDropped: 2 }); // 2026-08-26 and 2026-08-27
    const left = (await db.event.findMany({ select: { eventId: true } })).map((e) => e.eventId).sort();
    expect(left).toEqual(['short-keep', 'std-keep', 'std-keep-31d']);
    expect(await db.delivery.count({ where: { eventPk: { in: doomed } } })).toBe(0);
    expect(await db.deliveryAttempt.count({ where: { eventPk: { in: doomed } } })).toBe(0);
    expect(await db.delivery.count({ where: { eventPk: kept } })).toBe(1);
    expect(await db.deliveryAttempt.count({ where: { eventPk: kept } })).toBe(1);
    expect((await new PartitionRepository(db).days())[0]).toEqual(standardCutoff);
    const completed = logs.split('\n').filter((l) => l.includes('"event":"prune_completed"'));
    expect(completed.map((l) => JSON.parse(l).tenant_id).sort()).toEqual([short.tenant.id, standard.tenant.id].sort());
  });

  it('never lets two pruners delete at the same time', async () => {
    const { tenant } = await seedTenant(db, { retentionDays: 1 });
    await insertAt(tenant.id, ['locked-1', 'locked-2'], new Date(NOW.getTime() - 2 * DAY));
    const held = await tryAcquirePruneLock(database.url);
    expect(held).not.toBeNull();
    expect(await tryAcquirePruneLock(database.url)).toBeNull();
    expect(await service().pruneAll()).toEqual({ ran: false, tenants: 0, deleted: 0, partitionsDropped: 0 });
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(2);
    await held!.release();

    const [a, b] = await Promise.all([service().pruneAll(), service().pruneAll()]);
    expect([a.ran, b.ran].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('prunes a table of a million events in bounded batches', async () => {
    const { tenant } = await seedTenant(db, { retentionDays: 30 });
    const started = Date.now();
    // Two thirds expired, one third within retention, spread over 90 days.
    await db.$executeRaw`
      INSERT INTO events (tenant_id, event_id, event_name, event_time, received_at, action_source)
      SELECT ${tenant.id}::uuid, 'bulk-' || g, 'PageView', ts, ts, 'website'
      FROM generate_series(1, 1000000) AS g,
           LATERAL (SELECT ${NOW}::timestamptz - (g % 90) * interval '1 day' - interval '1 hour' AS ts) t`;
    const inserted = Date.now();
    // Retention in whole days: expired is what was received before 00:00 UTC of the day 30 days back.
    const expired = await db.event.count({ where: { tenantId: tenant.id, receivedAt: { lt: utcDayStart(new Date(NOW.getTime() - 30 * DAY)) } } });
    const report = await service(20_000).pruneAll();
    const pruned = Date.now();
    expect(report.deleted).toBe(expired);
    expect(expired).toBeGreaterThan(600_000);
    expect(await db.event.count({ where: { tenantId: tenant.id } })).toBe(1_000_000 - expired);
    process.stdout.write(`[prune] 1M rows inserted in ${inserted - started} ms; ${expired} deleted in ${pruned - inserted} ms\n`);
  }, 300_000);
});
