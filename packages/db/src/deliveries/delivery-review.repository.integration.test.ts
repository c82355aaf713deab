import { createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryReviewRepository } from './delivery-review.repository';

const HOUR = 3_600_000;

describe('DeliveryReviewRepository over PostgreSQL', () => {
  let database: TestDatabase;
  let db: Db;
  let review: DeliveryReviewRepository;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url, { poolMax: 2 });
    review = new DeliveryReviewRepository(db);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  /** A tenant with one delivery per given (destination, status, reason), each on its own event. */
  async function tenantWith(rows: Array<{ destination: string; status: 'sent' | 'dead' | 'parked' | 'blocked_consent'; error?: string; receivedAt?: Date; updatedAt?: Date }>) {
    const { tenant } = await seedTenant(db);
    const ids: bigint[] = [];
    for (const row of rows) {
      const [event] = await insertStoredEvents(db, tenant.id, 1, row.receivedAt ? { receivedAt: row.receivedAt } : {});
      const delivery = await db.delivery.create({
        data: { eventPk: BigInt(event!.id), eventReceivedAt: event!.receivedAt, tenantId: tenant.id, destination: row.destination, status: row.status, lastError: row.error ?? null, lastStatusCode: 401, ...(row.updatedAt ? { updatedAt: row.updatedAt } : {}) },
      });
      ids.push(delivery.id);
    }
    return { tenantId: tenant.id, ids };
  }

  it('lists dead and parked deliveries newest first, filtered by destination, reason and time, with their events', async () => {
    const now = Date.now();
    const { tenantId, ids } = await tenantWith([
      { destination: 'meta', status: 'parked', error: 'Error validating access token', updatedAt: new Date(now - 3 * HOUR) },
      { destination: 'meta', status: 'dead', error: 'retry horizon reached; last error: HTTP 503', updatedAt: new Date(now - 2 * HOUR) },
      { destination: 'ga4', status: 'dead', error: 'retry horizon reached; last error: timeout', updatedAt: new Date(now - HOUR) },
      { destination: 'meta', status: 'sent' },
    ]);
    const all = await review.stuck({ tenantId, statuses: ['dead', 'parked'] }, 50);
    expect(all.map((d) => d.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all[0]!.event).toEqual(expect.objectContaining({ eventName: 'Purchase', eventId: expect.stringMatching(/^evt-/) }));

    expect((await review.stuck({ tenantId, statuses: ['parked'] }, 50)).map((d) => d.id)).toEqual([ids[0]]);
    expect((await review.stuck({ tenantId, statuses: ['dead', 'parked'], destination: 'meta' }, 50)).map((d) => d.id)).toEqual([ids[1], ids[0]]);
    expect((await review.stuck({ tenantId, statuses: ['dead', 'parked'], reason: 'ACCESS TOKEN' }, 50)).map((d) => d.id)).toEqual([ids[0]]);
    const window = { since: new Date(now - 2.5 * HOUR), until: new Date(now - 1.5 * HOUR) };
    expect((await review.stuck({ tenantId, statuses: ['dead', 'parked'], ...window }, 50)).map((d) => d.id)).toEqual([ids[1]]);
    expect(await review.stuck({ tenantId, statuses: ['dead', 'parked'] }, 1)).toHaveLength(1);
    expect((await review.stuck({ tenantId, statuses: ['dead', 'parked'], ids: [ids[0]!, ids[3]!] }, 50)).map((d) => d.id)).toEqual([ids[0]]);
  });

  it('counts outcomes per destination, hour of receipt and status, from `since` on', async () => {
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const { tenantId } = await tenantWith([
      { destination: 'meta', status: 'sent', receivedAt: new Date(hour + 60_000) },
      { destination: 'meta', status: 'sent', receivedAt: new Date(hour + 120_000) },
      { destination: 'meta', status: 'blocked_consent', receivedAt: new Date(hour - HOUR + 60_000) },
      { destination: 'ga4', status: 'parked', receivedAt: new Date(hour - HOUR + 60_000) },
      { destination: 'meta', status: 'sent', receivedAt: new Date(hour - 30 * HOUR) },
    ]);
    expect(await review.hourlyOutcomes(tenantId, new Date(hour - 24 * HOUR))).toEqual([
      { destination: 'ga4', hour: new Date(hour - HOUR), status: 'parked', count: 1 },
      { destination: 'meta', hour: new Date(hour - HOUR), status: 'blocked_consent', count: 1 },
      { destination: 'meta', hour: new Date(hour), status: 'sent', count: 2 },
    ]);
  });

  it("never returns another tenant's deliveries, whatever the filter", async () => {
    const a = await tenantWith([{ destination: 'meta', status: 'parked', error: 'token' }]);
    const b = await tenantWith([{ destination: 'meta', status: 'parked', error: 'token' }, { destination: 'meta', status: 'sent' }]);
    const listed = await review.stuck({ tenantId: a.tenantId, statuses: ['dead', 'parked'], destination: 'meta', reason: 'token' }, 50);
    expect(listed.map((d) => d.id)).toEqual(a.ids);
    const outcomes = await review.hourlyOutcomes(a.tenantId, new Date(Date.now() - 24 * HOUR));
    expect(outcomes.reduce((sum, o) => sum + o.count, 0)).toBe(1);
    expect(b.ids.every((id) => !listed.some((d) => d.id === id))).toBe(true);
    expect(await review.stuck({ tenantId: a.tenantId, statuses: ['dead', 'parked'], ids: b.ids }, 50)).toEqual([]);
  });

  it("replays only the selected deliveries, and never another tenant's even when its id is selected", async () => {
    const a = await tenantWith([
      { destination: 'meta', status: 'parked' },
      { destination: 'meta', status: 'parked' },
      { destination: 'meta', status: 'sent' },
    ]);
    const b = await tenantWith([{ destination: 'meta', status: 'parked' }]);
    const page = await new DeliveryRepository(db).replayablePage({ tenantId: a.tenantId, statuses: ['dead', 'parked'], ids: [a.ids[1]!, a.ids[2]!, b.ids[0]!] }, 0n, 100);
    expect(page.map((d) => d.id)).toEqual([a.ids[1]]);
  });
});
