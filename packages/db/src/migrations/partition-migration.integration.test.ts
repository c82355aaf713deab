import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@attribution/testing';
import { createDbClient } from '../client/db-client';
import { PgEventWriter } from '../events/event-writer';
import { applyMigrations, MIGRATIONS_DIR } from './migrate';

const PARTITIONING = '20261204060000_partition_events_by_day';
const DAY = 24 * 3600_000;

/** A migrations folder that stops just before the partitioning: a database as it was before. */
async function migrationsBefore(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'attribution-before-partitioning-'));
  for (const entry of await readdir(MIGRATIONS_DIR)) {
    if (entry < name || entry === 'migration_lock.toml') await cp(path.join(MIGRATIONS_DIR, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

describe(`migration ${PARTITIONING} on a database with data`, () => {
  let db: TestDatabase;
  let client: Client;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL, { template: 'template0' });
    before = await migrationsBefore(PARTITIONING);
    await applyMigrations(db.url, { migrationsDir: before });
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
    await rm(before, { recursive: true, force: true });
  });

  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await client.query(sql, params)).rows as T[];

  it('moves every event, delivery and attempt into day partitions, keeps their ids, and stays idempotent on (tenant, event id)', async () => {
    const now = Date.now();
    const [{ id: tenant }] = (await rows<{ id: string }>(`INSERT INTO tenants (name, retention_days) VALUES ('old', 30) RETURNING id`)) as [{ id: string }];
    // Today, 3 days ago, 20 days ago (each into its day's partition) and 400 days ago (past every retention: the default partition).
    const ages = [0, 3, 20, 400];
    for (const [i, age] of ages.entries()) {
      await client.query(
        `INSERT INTO events (tenant_id, event_id, event_name, event_time, received_at, action_source, user_data, publish_state)
         VALUES ($1, $2, 'Purchase', $3, $3, 'website', '{"meta":{"em":["x"]}}', $4)`,
        [tenant, `old-${i}`, new Date(now - age * DAY - 60_000), i === 0 ? 'pending' : 'published'],
      );
    }
    await client.query(`INSERT INTO deliveries (event_pk, tenant_id, destination, status, last_request_id) SELECT id, tenant_id, 'meta', 'sent', 'req-' || id FROM events`);
    await client.query(
      `INSERT INTO delivery_attempts (event_pk, tenant_id, destination, status, attempted, status_code, platform_request_id)
       SELECT id, tenant_id, 'meta', s::delivery_status, true, c, 'req-' || id FROM events, (VALUES ('retrying', 503), ('sent', 200)) AS a(s, c)`,
    );
    const attemptsBefore = await rows<{ id: string; event_pk: string }>('SELECT id::text, event_pk::text FROM delivery_attempts ORDER BY id');
    const eventsBefore = await rows<{ id: string; event_id: string }>('SELECT id::text, event_id FROM events ORDER BY id');

    const applied = await applyMigrations(db.url);
    expect(applied.appliedMigrationNames[0]).toBe(PARTITIONING);

    const placed = await rows<{ id: string; event_id: string; partition: string; received_at: Date }>(
      'SELECT id::text, event_id, tableoid::regclass::text AS partition, received_at FROM events ORDER BY id',
    );
    expect(placed.map(({ id, event_id }) => ({ id, event_id }))).toEqual(eventsBefore);
    const dayName = (t: Date) => `events_p${t.toISOString().slice(0, 10).replace(/-/g, '')}`;
    expect(placed.map((e) => e.partition)).toEqual([...placed.slice(0, 3).map((e) => dayName(e.received_at)), 'events_default']);

    const deliveries = await rows<{ event_pk: string; same_day: boolean; last_request_id: string }>(
      `SELECT d.event_pk::text, d.event_received_at = e.received_at AS same_day, d.last_request_id FROM deliveries d JOIN events e ON e.id = d.event_pk ORDER BY d.event_pk`,
    );
    expect(deliveries).toEqual(eventsBefore.map(({ id }) => ({ event_pk: id, same_day: true, last_request_id: `req-${id}` })));
    const attempts = await rows<{ id: string; event_pk: string; same_day: boolean; partition: string }>(
      `SELECT a.id::text, a.event_pk::text, a.event_received_at = e.received_at AS same_day, a.tableoid::regclass::text AS partition
       FROM delivery_attempts a JOIN events e ON e.id = a.event_pk ORDER BY a.id`,
    );
    expect(attempts.map(({ id, event_pk }) => ({ id, event_pk }))).toEqual(attemptsBefore);
    expect(attempts.every((a) => a.same_day && a.partition === `delivery_attempts_${placed.find((e) => e.id === a.event_pk)!.partition.slice('events_'.length)}`)).toBe(true);
    expect(await rows('SELECT 1 FROM pg_class WHERE relname LIKE $1', ['%_unpartitioned'])).toEqual([]);

    // New rows continue after the copied ids, and a repeat of an old event id is still a duplicate.
    const writer = new PgEventWriter(db.url, { poolMax: 1 });
    try {
      const row = (eventId: string, eventTime: Date) => ({
        tenantId: tenant, eventId, eventName: 'Purchase', eventTime, actionSource: 'website', sourceUrl: null, ipAddress: null,
        userAgent: null, userData: {}, clickIds: {}, customData: {}, consent: null, context: {}, traceId: 't',
      });
      const stored = await writer.insert([row('old-1', new Date(now - 3 * DAY - 60_000)), row('new-1', new Date(now))]);
      expect([...stored]).toEqual(['new-1']);
    } finally {
      await writer.close();
    }
    const [newest] = await rows<{ id: string }>(`SELECT id::text FROM events WHERE event_id = 'new-1'`);
    expect(BigInt(newest!.id)).toBeGreaterThan(BigInt(eventsBefore.at(-1)!.id));

    // The Prisma client reads the partitioned tables as before.
    const prisma = createDbClient(db.url, { poolMax: 1 });
    try {
      expect(await prisma.event.count({ where: { tenantId: tenant } })).toBe(5);
      expect(await prisma.delivery.count({ where: { tenantId: tenant } })).toBe(4);
      expect(await prisma.deliveryAttempt.count({ where: { tenantId: tenant } })).toBe(8);
      const next = await prisma.deliveryAttempt.create({ data: { eventPk: BigInt(newest!.id), eventReceivedAt: new Date(), tenantId: tenant, destination: 'meta', status: 'sent', attempted: true } });
      expect(next.id).toBeGreaterThan(BigInt(attemptsBefore.at(-1)!.id));
    } finally {
      await prisma.$disconnect();
    }
  });
});
