import type { StoredEvent } from '@attribution/core';
import { createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { EventRepository } from '../events/event.repository';
import { DeliveryAttemptRepository } from './delivery-attempt.repository';
import { DeliveryRepository, type DeliveryRecord } from './delivery.repository';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  db = createDbClient(database.url, { poolMax: 2 });
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const HASH = 'c'.repeat(64);

function outcome(event: StoredEvent, destination: string, status: DeliveryRecord['status'], detail: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { eventPk: event.id, eventReceivedAt: event.receivedAt, tenantId: event.tenantId, destination, status, statusCode: null, error: null, requestId: null, nextAttemptAt: null, attempted: true, ...detail };
}

/** Two recorded rounds for an event: a failed first try at Meta, then its retry sent; GA4 sent at once. */
async function recordHistory(event: StoredEvent): Promise<void> {
  const deliveries = new DeliveryRepository(db);
  await deliveries.record([
    outcome(event, 'meta', 'retrying', { statusCode: 429, error: 'code 4: Application request limit reached', requestId: `meta-1-${event.id}`, nextAttemptAt: new Date('2026-12-04T10:00:30.000Z') }),
    outcome(event, 'ga4', 'sent', { statusCode: 204 }),
  ]);
  await deliveries.record([outcome(event, 'meta', 'sent', { statusCode: 200, requestId: `meta-2-${event.id}` })]);
}

/** An event's key as the console holds it: its id and receipt time (the day partition). */
const key = (event: StoredEvent) => ({ id: BigInt(event.id), receivedAt: new Date(event.receivedAt) });

const attemptsOf = (event: StoredEvent) => db.deliveryAttempt.count({ where: { eventPk: BigInt(event.id) } });

describe('DeliveryAttemptRepository.forEvent', () => {
  it("returns an event's attempts at every destination, oldest first", async () => {
    const { tenant } = await seedTenant(db);
    const [event, other] = await insertStoredEvents(db, tenant.id, 2);
    await recordHistory(event!);
    await recordHistory(other!);

    const attempts = await new DeliveryAttemptRepository(db).forEvent(tenant.id, key(event!));
    expect(attempts.map((a) => [a.destination, a.status, a.statusCode, a.platformRequestId])).toEqual([
      ['meta', 'retrying', 429, `meta-1-${event!.id}`],
      ['ga4', 'sent', 204, null],
      ['meta', 'sent', 200, `meta-2-${event!.id}`],
    ]);
    expect(attempts[0]).toMatchObject({ eventPk: BigInt(event!.id), tenantId: tenant.id, attempted: true, message: 'code 4: Application request limit reached', nextAttemptAt: new Date('2026-12-04T10:00:30.000Z') });
    expect(attempts[0]!.createdAt).toBeInstanceOf(Date);
    expect(attempts[0]!.id < attempts[2]!.id).toBe(true);
    expect(await new DeliveryAttemptRepository(db).forEvent(tenant.id, { ...key(event!), id: BigInt(event!.id) + 1_000_000n })).toEqual([]);
  });

  it("finds an event's attempts through the primary key (led by event_pk), in its day's partition only", async () => {
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(
        "EXPLAIN SELECT * FROM delivery_attempts WHERE event_pk = 1 AND event_received_at = '2026-12-04T10:00:00Z' AND tenant_id = '00000000-0000-4000-8000-000000000001' ORDER BY id",
      );
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Cond: \(\(event_pk = 1\) AND \(event_received_at = /);
    expect(text).toMatch(/delivery_attempts_p20261204_pkey/);
    expect(text).not.toMatch(/delivery_attempts_p20261205/);
  });

  it("never returns another tenant's attempts", async () => {
    const a = await seedTenant(db);
    const b = await seedTenant(db);
    const [eventOfA] = await insertStoredEvents(db, a.tenant.id, 1);
    const [eventOfB] = await insertStoredEvents(db, b.tenant.id, 1);
    await recordHistory(eventOfA!);
    await recordHistory(eventOfB!);
    const attempts = new DeliveryAttemptRepository(db);

    expect(await attempts.forEvent(b.tenant.id, key(eventOfA!))).toEqual([]);
    expect(await attempts.forEvent(a.tenant.id, key(eventOfB!))).toEqual([]);
    const own = await attempts.forEvent(a.tenant.id, key(eventOfA!));
    expect(own).toHaveLength(3);
    expect(own.every((attempt) => attempt.tenantId === a.tenant.id && attempt.eventPk === BigInt(eventOfA!.id))).toBe(true);
  });
});

describe('delivery_attempts leave with their event', () => {
  it('when retention pruning deletes the event', async () => {
    const { tenant } = await seedTenant(db, { retentionDays: 30 });
    const receivedAt = new Date(Date.now() - 31 * 24 * 3600_000);
    const [expired] = await insertStoredEvents(db, tenant.id, 1, { receivedAt });
    const [kept] = await insertStoredEvents(db, tenant.id, 1);
    await recordHistory(expired!);
    await recordHistory(kept!);

    expect(await new EventRepository(db).deleteExpired(tenant.id, new Date(Date.now() - 30 * 24 * 3600_000), 100)).toBe(1);
    expect(await attemptsOf(expired!)).toBe(0);
    expect(await attemptsOf(kept!)).toBe(3);
  });

  it("when a person's events are erased, and not before (dry run)", async () => {
    const { tenant } = await seedTenant(db);
    const [person] = await insertStoredEvents(db, tenant.id, 1, { userData: { meta: { em: [HASH] } } });
    const [someoneElse] = await insertStoredEvents(db, tenant.id, 1);
    await recordHistory(person!);
    await recordHistory(someoneElse!);
    const events = new EventRepository(db);
    const match = { userData: [{ meta: { em: [HASH] } }] };

    expect(await events.erasePerson(tenant.id, match, { dryRun: true })).toEqual({ events: 1, deliveries: 2 });
    expect(await attemptsOf(person!)).toBe(3);
    expect(await events.erasePerson(tenant.id, match, { dryRun: false })).toEqual({ events: 1, deliveries: 2 });
    expect(await attemptsOf(person!)).toBe(0);
    expect(await attemptsOf(someoneElse!)).toBe(3);
  });

  it('when the tenant is deleted', async () => {
    const { tenant } = await seedTenant(db);
    const [event] = await insertStoredEvents(db, tenant.id, 1);
    await recordHistory(event!);
    await db.tenant.delete({ where: { id: tenant.id } });
    expect(await db.deliveryAttempt.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
