import { createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { EventLookupRepository } from './event-lookup.repository';

describe('EventLookupRepository over PostgreSQL', () => {
  let database: TestDatabase;
  let db: Db;
  let lookup: EventLookupRepository;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url, { poolMax: 2 });
    lookup = new EventLookupRepository(db);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('gives the newest events first, each with its deliveries by destination', async () => {
    const { tenant } = await seedTenant(db);
    const now = Date.now();
    const [older] = await insertStoredEvents(db, tenant.id, 1, { receivedAt: new Date(now - 60_000) });
    const [newer] = await insertStoredEvents(db, tenant.id, 1, { receivedAt: new Date(now) });
    await db.delivery.createMany({
      data: [
        { eventPk: BigInt(newer!.id), eventReceivedAt: newer!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'sent', lastStatusCode: 200 },
        { eventPk: BigInt(newer!.id), eventReceivedAt: newer!.receivedAt, tenantId: tenant.id, destination: 'ga4', status: 'blocked_consent', lastError: 'analytics_storage denied' },
      ],
    });
    const recent = await lookup.recent(tenant.id, 10);
    expect(recent.map((e) => e.eventId)).toEqual([newer!.eventId, older!.eventId]);
    expect(recent[0]!.deliveries.map((d) => [d.destination, d.status])).toEqual([
      ['ga4', 'blocked_consent'],
      ['meta', 'sent'],
    ]);
    expect(recent[1]!.deliveries).toEqual([]);
    expect(await lookup.recent(tenant.id, 1)).toHaveLength(1);
  });

  it('finds one event by its event id, with its deliveries', async () => {
    const { tenant } = await seedTenant(db);
    const [event] = await insertStoredEvents(db, tenant.id, 1);
    await db.delivery.create({ data: { eventPk: BigInt(event!.id), eventReceivedAt: event!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'parked', lastStatusCode: 401 } });
    const found = await lookup.byEventId(tenant.id, event!.eventId);
    expect(found).toMatchObject({ eventId: event!.eventId, deliveries: [expect.objectContaining({ destination: 'meta', status: 'parked', lastStatusCode: 401 })] });
    expect(await lookup.byEventId(tenant.id, 'no-such-event')).toBeNull();
  });

  it("never shows another tenant's events, even under the same event id", async () => {
    const a = await seedTenant(db);
    const b = await seedTenant(db);
    const [mine] = await insertStoredEvents(db, a.tenant.id, 1, { eventId: 'shared-id' });
    const [theirs] = await insertStoredEvents(db, b.tenant.id, 1, { eventId: 'shared-id' });
    await insertStoredEvents(db, b.tenant.id, 3);
    await db.delivery.create({ data: { eventPk: BigInt(theirs!.id), eventReceivedAt: theirs!.receivedAt, tenantId: b.tenant.id, destination: 'meta', status: 'sent' } });
    expect((await lookup.recent(a.tenant.id, 50)).map((e) => e.id)).toEqual([BigInt(mine!.id)]);
    const found = await lookup.byEventId(a.tenant.id, 'shared-id');
    expect(found?.id).toBe(BigInt(mine!.id));
    expect(found?.deliveries).toEqual([]);
    expect(await lookup.byEventId(a.tenant.id, (await lookup.recent(b.tenant.id, 1))[0]!.eventId)).toBeNull();
  });
});
