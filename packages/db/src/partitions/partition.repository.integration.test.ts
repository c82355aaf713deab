import { Client } from 'pg';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { PartitionRepository } from './partition.repository';

const DAY = 24 * 3600_000;
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('PartitionRepository (real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Db;
  let partitions: PartitionRepository;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url, { poolMax: 2 });
    partitions = new PartitionRepository(db);
    tenantId = (await seedTenant(db)).tenant.id;
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  const partitionOf = async (eventId: string) =>
    (await db.$queryRaw<Array<{ events: string; deliveries: string; attempts: string }>>`
      SELECT e.tableoid::regclass::text AS events, d.tableoid::regclass::text AS deliveries, a.tableoid::regclass::text AS attempts
      FROM events e JOIN deliveries d ON d.event_pk = e.id AND d.event_received_at = e.received_at
      JOIN delivery_attempts a ON a.event_pk = e.id AND a.event_received_at = e.received_at WHERE e.event_id = ${eventId}`)[0];
  const inDay = (suffix: string) => ({ events: `events_${suffix}`, deliveries: `deliveries_${suffix}`, attempts: `delivery_attempts_${suffix}` });

  async function storeWithDelivery(eventId: string, receivedAt: Date): Promise<void> {
    const event = await db.event.create({ data: { tenantId, eventId, eventName: 'Lead', eventTime: receivedAt, receivedAt, actionSource: 'website' } });
    const keys = { eventPk: event.id, eventReceivedAt: receivedAt, tenantId, destination: 'meta', status: 'sent' } as const;
    await db.delivery.create({ data: keys });
    await db.deliveryAttempt.create({ data: { ...keys, attempted: true, statusCode: 200 } });
  }

  it("creates the three tables' partitions of each day once, and moves that day's rows out of the default partition", async () => {
    await storeWithDelivery('early', new Date('2025-03-02T10:00:00Z')); // no partition for that day yet
    expect(await partitionOf('early')).toEqual(inDay('default'));

    expect(await partitions.ensureDays(day('2025-03-01'), day('2025-03-03'))).toBe(3);
    expect(await partitions.ensureDays(day('2025-03-01'), day('2025-03-03'))).toBe(0);
    expect(await partitionOf('early')).toEqual(inDay('p20250302'));
    expect((await partitions.days()).slice(0, 3)).toEqual([day('2025-03-01'), day('2025-03-02'), day('2025-03-03')]);
  });

  it('drops whole days (events, deliveries and attempts together) that ended at or before the cutoff, and no later day', async () => {
    await partitions.ensureDays(day('2025-04-01'), day('2025-04-02'));
    await storeWithDelivery('dropped', new Date('2025-04-01T23:59:59.999Z'));
    await storeWithDelivery('kept', new Date('2025-04-02T00:00:00Z'));

    const dropped = await partitions.dropDaysBefore(day('2025-04-02'));
    expect(dropped.at(-1)).toEqual(day('2025-04-01'));
    expect(await partitionOf('dropped')).toBeUndefined();
    expect(await db.delivery.count({ where: { tenantId, eventReceivedAt: { lt: day('2025-04-02') } } })).toBe(0);
    expect(await db.deliveryAttempt.count({ where: { tenantId, eventReceivedAt: { lt: day('2025-04-02') } } })).toBe(0);
    expect(await partitionOf('kept')).toEqual(inDay('p20250402'));
    expect(await tablesOfDay('20250401')).toEqual([]);
  });

  const tablesOfDay = async (suffix: string) =>
    (await db.$queryRaw<Array<{ name: string }>>`SELECT relname AS name FROM pg_class WHERE relname LIKE ${`%_p${suffix}`} AND relkind = 'r' ORDER BY 1`).map((r) => r.name);

  it('drops the tables of a day an interrupted run detached, and outcomes of expired days recorded into the default partitions', async () => {
    await partitions.ensureDays(day('2025-06-01'), day('2025-06-02'));
    await storeWithDelivery('detached', new Date('2025-06-01T12:00:00Z'));
    // A run that stopped between the detach and the drop.
    for (const table of ['delivery_attempts', 'deliveries', 'events']) await db.$executeRawUnsafe(`ALTER TABLE ${table} DETACH PARTITION ${table}_p20250601`);
    expect(await tablesOfDay('20250601')).toEqual(['deliveries_p20250601', 'delivery_attempts_p20250601', 'events_p20250601']);
    // The dispatcher recording an outcome for an event of that day after its detach: no partition, so the default one.
    const orphan = { eventPk: 999_999n, eventReceivedAt: new Date('2025-06-01T13:00:00Z'), tenantId, destination: 'meta', status: 'sent' } as const;
    await db.delivery.create({ data: orphan });
    await db.deliveryAttempt.create({ data: { ...orphan, attempted: true } });

    expect(await partitions.dropDaysBefore(day('2025-06-02'))).not.toContainEqual(day('2025-06-01'));
    expect(await tablesOfDay('20250601')).toEqual([]);
    expect(await db.delivery.count({ where: { eventPk: orphan.eventPk } })).toBe(0);
    expect(await db.deliveryAttempt.count({ where: { eventPk: orphan.eventPk } })).toBe(0);
    expect(await tablesOfDay('20250602')).toEqual(['deliveries_p20250602', 'delivery_attempts_p20250602', 'events_p20250602']);
  });

  it('leaves the drop of a detached table still being read for the next run, instead of waiting for the reader', async () => {
    await partitions.ensureDays(day('2025-07-01'), day('2025-07-01'));
    const reader = new Client({ connectionString: database.url });
    await reader.connect();
    try {
      for (const table of ['delivery_attempts', 'deliveries', 'events']) await db.$executeRawUnsafe(`ALTER TABLE ${table} DETACH PARTITION ${table}_p20250701`);
      await reader.query('BEGIN');
      await reader.query('LOCK TABLE events_p20250701 IN ACCESS SHARE MODE'); // a query that began before the detach
      await partitions.dropDaysBefore(day('2025-07-02'));
      expect(await tablesOfDay('20250701')).toEqual(['deliveries_p20250701', 'delivery_attempts_p20250701', 'events_p20250701']);
      await reader.query('ROLLBACK');
    } finally {
      await reader.end();
    }
    await partitions.dropDaysBefore(day('2025-07-02'));
    expect(await tablesOfDay('20250701')).toEqual([]);
  });

  it('leaves a day whose table is in use past the lock timeout for the next run, instead of stalling ingest behind it', async () => {
    await partitions.ensureDays(day('2025-05-01'), day('2025-05-01'));
    const reader = new Client({ connectionString: database.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('LOCK TABLE events_p20250501 IN ACCESS SHARE MODE'); // a long query reading that day
      expect(await partitions.dropDaysBefore(new Date(day('2025-05-01').getTime() + DAY))).not.toContainEqual(day('2025-05-01'));
      await reader.query('ROLLBACK');
    } finally {
      await reader.end();
    }
    expect(await partitions.dropDaysBefore(new Date(day('2025-05-01').getTime() + DAY))).toEqual([day('2025-05-01')]);
  });
});
