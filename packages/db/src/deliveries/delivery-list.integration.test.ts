/**
 * DeliveryRepository.list against a real PostgreSQL: one tenant's deliveries, the most recent
 * status change first, filtered and paged by position; another tenant's rows never appear.
 */
import { createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { DELIVERY_STATUSES, DeliveryRepository, type DeliveryListQuery, type ListedDelivery } from './delivery.repository';

let database: TestDatabase;
let db: Db;
let repository: DeliveryRepository;

beforeAll(async () => {
  database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  db = createDbClient(database.url, { poolMax: 2 });
  repository = new DeliveryRepository(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 12, minute));

interface Row {
  destination: string;
  status: ListedDelivery['status'];
  minute: number;
}

/** One event per row, each with the delivery described; returns the deliveries' ids in the order given. */
async function seedDeliveries(tenantId: string, rows: Row[]): Promise<bigint[]> {
  const events = await insertStoredEvents(db, tenantId, rows.length);
  const created = await db.delivery.createManyAndReturn({
    data: rows.map((row, i) => ({ eventPk: BigInt(events[i]!.id), eventReceivedAt: events[i]!.receivedAt, tenantId, destination: row.destination, status: row.status, updatedAt: at(row.minute) })),
    select: { id: true },
  });
  return created.map((d) => d.id);
}

/** Every page of a query, following `next`. */
async function allPages(query: DeliveryListQuery): Promise<ListedDelivery[][]> {
  const pages: ListedDelivery[][] = [];
  for (let after = query.after; ; ) {
    const page = await repository.list({ ...query, ...(after ? { after } : {}) });
    pages.push(page.deliveries);
    if (!page.next) return pages;
    after = page.next;
  }
}

describe('DeliveryRepository.list', () => {
  let tenant: string;
  let other: string;
  let ids: bigint[];

  beforeAll(async () => {
    tenant = (await seedTenant(db)).tenant.id;
    other = (await seedTenant(db)).tenant.id;
    ids = await seedDeliveries(tenant, [
      { destination: 'meta', status: 'sent', minute: 1 },
      { destination: 'meta', status: 'dead', minute: 5 },
      { destination: 'ga4', status: 'dead', minute: 5 },
      { destination: 'ga4', status: 'parked', minute: 9 },
      { destination: 'meta', status: 'pending', minute: 12 },
    ]);
    // Interleaved in time with the first tenant's, with the same destinations and statuses.
    await seedDeliveries(other, [
      { destination: 'meta', status: 'dead', minute: 5 },
      { destination: 'ga4', status: 'parked', minute: 10 },
      { destination: 'meta', status: 'sent', minute: 13 },
    ]);
  });

  it('lists the most recent status change first, ties by id, with each event id and name', async () => {
    const { deliveries, next } = await repository.list({ tenantId: tenant, limit: 50 });
    expect(deliveries.map((d) => d.id)).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect(next).toBeNull();
    expect(deliveries[0]).toMatchObject({ tenantId: tenant, destination: 'meta', status: 'pending', updatedAt: at(12), event: { eventName: 'Purchase' } });
    expect(deliveries.every((d) => d.event.eventId.startsWith('evt-'))).toBe(true);
  });

  it('filters by status, destination and a half-open time range', async () => {
    const ofQuery = async (query: Omit<DeliveryListQuery, 'tenantId' | 'limit'>) => (await repository.list({ tenantId: tenant, limit: 50, ...query })).deliveries.map((d) => d.id);
    expect(await ofQuery({ status: 'dead' })).toEqual([ids[2], ids[1]]);
    expect(await ofQuery({ destination: 'ga4' })).toEqual([ids[3], ids[2]]);
    expect(await ofQuery({ status: 'dead', destination: 'meta' })).toEqual([ids[1]]);
    expect(await ofQuery({ since: at(5), until: at(12) })).toEqual([ids[3], ids[2], ids[1]]);
    expect(await ofQuery({ since: at(13) })).toEqual([]);
  });

  it('pages through every delivery exactly once, in order, when ties straddle a page boundary', async () => {
    const pages = await allPages({ tenantId: tenant, limit: 2 });
    expect(pages.map((page) => page.map((d) => d.id))).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
    const filtered = await allPages({ tenantId: tenant, limit: 1, status: 'dead' });
    expect(filtered.map((page) => page.map((d) => d.id))).toEqual([[ids[2]], [ids[1]]]);
  });

  it("never returns another tenant's deliveries, whatever the filters or the position", async () => {
    const otherIds = new Set((await db.delivery.findMany({ where: { tenantId: other }, select: { id: true } })).map((d) => d.id));
    expect(otherIds.size).toBe(3);
    const queries: Array<Omit<DeliveryListQuery, 'limit'>> = [
      { tenantId: tenant },
      { tenantId: tenant, status: 'dead', destination: 'meta' },
      { tenantId: tenant, since: at(4), until: at(14) },
    ];
    for (const query of queries) {
      for (const limit of [1, 2, 50]) {
        const seen = (await allPages({ ...query, limit })).flat();
        expect(seen.filter((d) => otherIds.has(d.id) || d.tenantId !== tenant)).toEqual([]);
      }
    }
    // A position taken from the other tenant's listing still yields only this tenant's rows.
    const { next } = await repository.list({ tenantId: other, limit: 1 });
    const afterTheirs = await repository.list({ tenantId: tenant, limit: 50, after: next! });
    expect(afterTheirs.deliveries.map((d) => d.id)).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect((await repository.list({ tenantId: other, limit: 50 })).deliveries.map((d) => d.tenantId)).toEqual([other, other, other]);
  });

  it('refuses a page size outside 1..1000, and names every status the listing filters on', async () => {
    await expect(repository.list({ tenantId: tenant, limit: 0 })).rejects.toThrow(RangeError);
    await expect(repository.list({ tenantId: tenant, limit: 1001 })).rejects.toThrow(/1 to 1000/);
    const [row] = await db.$queryRaw<Array<{ labels: string[] }>>`SELECT enum_range(NULL::delivery_status)::text[] AS labels`;
    expect([...DELIVERY_STATUSES].sort()).toEqual([...row!.labels].sort());
  });
});
