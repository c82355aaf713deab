import { createTestDatabase, newEventRow, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { PartitionRepository, utcDayStart } from '../partitions/partition.repository';
import { duplicateSearchBounds, INSERT_EVENTS_SQL, PgEventWriter, PrismaEventWriter, toInsertParameter } from './event-writer';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Idempotency across day partitions (docs/database.md, "Partitioning"): a unique index per day
 * catches repeats within the day; the INSERT itself checks the earlier days of the window.
 */
describe('the event writers: a repeated (tenant, event id) across day partitions', () => {
  let database: TestDatabase;
  let db: Db;
  let pg: PgEventWriter;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url, { poolMax: 2 });
    pg = new PgEventWriter(database.url, { poolMax: 2 });
    tenantId = (await seedTenant(db)).tenant.id;
    await new PartitionRepository(db).ensureDays(new Date(Date.now() - 9 * DAY), new Date());
  });

  afterAll(async () => {
    await pg.close();
    await db.$disconnect();
    await database.drop();
  });

  /** An event stored `ageMs` ago (in that day's partition), with the event_time a client gave it. */
  async function storedEarlier(eventId: string, ageMs: number, eventTime: Date): Promise<void> {
    const receivedAt = new Date(Date.now() - ageMs);
    await db.event.create({ data: { tenantId, eventId, eventName: 'Lead', eventTime, receivedAt, actionSource: 'website' } });
    const [{ partition }] = (await db.$queryRaw<Array<{ partition: string }>>`
      SELECT tableoid::regclass::text AS partition FROM events WHERE tenant_id = ${tenantId}::uuid AND event_id = ${eventId}`) as [{ partition: string }];
    expect(partition).toBe(`events_p${utcDayStart(receivedAt).toISOString().slice(0, 10).replace(/-/g, '')}`);
  }

  it('answers a repeat of an event received up to 48 hours ago as a duplicate, whatever its event_time', async () => {
    await storedEarlier('within-48h', 47 * HOUR, new Date(Date.now() - 47 * HOUR));
    const stored = await pg.insert([newEventRow('within-48h', tenantId, { eventTime: new Date() }), newEventRow('fresh-1', tenantId, { eventTime: new Date() })]);
    expect([...stored]).toEqual(['fresh-1']);
  });

  it('answers a retry of the same payload (same event_time) as a duplicate up to the 7 days an event_time may be old', async () => {
    const eventTime = new Date(Date.now() - 7 * DAY + HOUR);
    await storedEarlier('retried', 7 * DAY - 2 * HOUR, eventTime);
    expect([...(await pg.insert([newEventRow('retried', tenantId, { eventTime })]))]).toEqual([]);
    expect([...(await new PrismaEventWriter(db).insert([newEventRow('retried', tenantId, { eventTime })]))]).toEqual([]);
  });

  it('stores a reused event id with a later event_time once its first copy is past the window (the documented limit)', async () => {
    await storedEarlier('reused', 3 * DAY, new Date(Date.now() - 3 * DAY));
    expect([...(await pg.insert([newEventRow('reused', tenantId, { eventTime: new Date() })]))]).toEqual(['reused']);
  });

  it('keeps one row per repeat inside the day and inside one statement', async () => {
    const row = newEventRow('same-day', tenantId, { eventTime: new Date() });
    const [first, second] = await Promise.all([pg.insert([row, row]), pg.insert([row])]);
    expect([...first, ...second]).toEqual(['same-day']);
    expect(await db.event.count({ where: { tenantId, eventId: 'same-day' } })).toBe(1);
  });

  /** The plan of one six-row INSERT, rolled back. */
  async function planOfInsert(): Promise<string> {
    const rows = Array.from({ length: 6 }, (_, i) => newEventRow(`plan-${i}`, tenantId, { eventTime: new Date() }));
    return db.$transaction(async (tx) => {
      const plan = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN (COSTS OFF) ${INSERT_EVENTS_SQL}`, toInsertParameter(rows), ...duplicateSearchBounds(rows));
      return plan.map((line) => line['QUERY PLAN']).join('\n');
    });
  }

  it("checks earlier days by one probe per row of each day's unique index, with and without statistics", async () => {
    // Enough rows in the window for a join or the tenant's time index to look cheap to the planner.
    for (const ageHours of [30, 1]) {
      await db.$executeRaw`
        INSERT INTO events (tenant_id, event_id, event_name, event_time, received_at, action_source)
        SELECT ${tenantId}::uuid, 'bulk-' || ${ageHours}::int || '-' || g, 'Lead', now(), now() - make_interval(hours => ${ageHours}::int) + g * interval '1 ms', 'website'
        FROM generate_series(1, 20000) AS g`;
    }
    for (const stage of ['new partitions, no statistics', 'analyzed']) {
      if (stage === 'analyzed') await db.$executeRawUnsafe('ANALYZE events');
      const plan = await planOfInsert();
      expect({ stage, hash: /Hash/.test(plan), timeIndex: /received_at_idx/.test(plan) }).toEqual({ stage, hash: false, timeIndex: false });
      expect(plan).toMatch(/Nested Loop Left Join[\s\S]*Limit/);
      const today = utcDayStart(new Date()).toISOString().slice(0, 10).replace(/-/g, '');
      expect(plan).toContain(`events_p${today}_event_id_tenant_id_key`);
    }
  });
});
