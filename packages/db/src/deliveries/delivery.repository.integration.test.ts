import type { StoredEvent } from '@attribution/core';
import { createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { PgPool } from '../client/pg-pool';
import { ATTEMPT_MESSAGE_MAX_LENGTH, DeliveryRepository, type DeliveryRecord } from './delivery.repository';

let database: TestDatabase;
let db: Db;
let pool: PgPool;

beforeAll(async () => {
  database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  db = createDbClient(database.url, { poolMax: 2 });
  pool = new PgPool(database.url, { poolMax: 2, applicationName: 'delivery-repository-test' });
});

afterAll(async () => {
  await pool?.close();
  await db?.$disconnect();
  await database?.drop();
});

function outcome(event: StoredEvent, status: DeliveryRecord['status'], detail: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { eventPk: event.id, eventReceivedAt: event.receivedAt, tenantId: event.tenantId, destination: 'meta', status, statusCode: null, error: null, requestId: null, nextAttemptAt: null, attempted: false, ...detail };
}

// The dispatcher records through the node-postgres pool; the CLI and tests through Prisma: same SQL.
describe.each([
  ['the node-postgres hot path', () => new DeliveryRepository(db, pool)],
  ['Prisma', () => new DeliveryRepository(db)],
])('DeliveryRepository.record through %s', (_path, repository) => {
  it('upserts the outcome and appends one attempt per record, in one statement', async () => {
    const { tenant } = await seedTenant(db);
    const [event] = await insertStoredEvents(db, tenant.id, 1);
    const dueAt = new Date('2026-12-04T10:00:00.000Z');
    await repository().record([
      outcome(event!, 'retrying', { statusCode: 503, error: 'code 2: Service temporarily unavailable', requestId: 'AbC123', nextAttemptAt: dueAt, attempted: true }),
      outcome(event!, 'blocked_consent', { destination: 'ga4', error: 'ad_user_data denied' }),
    ]);
    await repository().record([outcome(event!, 'sent', { statusCode: 200, requestId: 'DeF456', attempted: true })]);

    const meta = await db.delivery.findUniqueOrThrow({ where: { eventPk_destination_eventReceivedAt: { eventPk: BigInt(event!.id), destination: 'meta', eventReceivedAt: event!.receivedAt } } });
    expect(meta).toMatchObject({ status: 'sent', attempts: 2, lastStatusCode: 200, lastError: null, lastRequestId: 'DeF456', nextAttemptAt: null });
    const attempts = await db.deliveryAttempt.findMany({ where: { eventPk: BigInt(event!.id) }, orderBy: { id: 'asc' } });
    expect(attempts.map(({ destination, status, attempted, statusCode, message, platformRequestId, nextAttemptAt }) => ({ destination, status, attempted, statusCode, message, platformRequestId, nextAttemptAt }))).toEqual([
      { destination: 'meta', status: 'retrying', attempted: true, statusCode: 503, message: 'code 2: Service temporarily unavailable', platformRequestId: 'AbC123', nextAttemptAt: dueAt },
      { destination: 'ga4', status: 'blocked_consent', attempted: false, statusCode: null, message: 'ad_user_data denied', platformRequestId: null, nextAttemptAt: null },
      { destination: 'meta', status: 'sent', attempted: true, statusCode: 200, message: null, platformRequestId: 'DeF456', nextAttemptAt: null },
    ]);
    expect(attempts.every((a) => a.tenantId === tenant.id)).toBe(true);
  });

  it("cuts an attempt's message to its limit while the delivery keeps the whole reason", async () => {
    const { tenant } = await seedTenant(db);
    const [event] = await insertStoredEvents(db, tenant.id, 1);
    const reason = `past the retry horizon; last error: ${'é'.repeat(600)}`;
    await repository().record([outcome(event!, 'dead', { statusCode: 500, error: reason, attempted: true })]);
    expect((await db.delivery.findFirstOrThrow({ where: { eventPk: BigInt(event!.id) } })).lastError).toBe(reason);
    const [attempt] = await db.deliveryAttempt.findMany({ where: { eventPk: BigInt(event!.id) } });
    expect(attempt!.message).toBe(reason.slice(0, ATTEMPT_MESSAGE_MAX_LENGTH));
  });

  it('writes no attempt when the outcome upsert fails, nor an outcome when an attempt fails', async () => {
    const { tenant } = await seedTenant(db);
    const [event, other] = await insertStoredEvents(db, tenant.id, 2);
    const noTenant = { ...other!, tenantId: '00000000-0000-4000-8000-00000000dead' };
    await expect(repository().record([outcome(event!, 'sent', { statusCode: 200, attempted: true }), outcome(noTenant, 'sent', { statusCode: 200, attempted: true })])).rejects.toThrow(/foreign key/);
    // A request id longer than the attempts table takes fails the one statement: the outcome too.
    await expect(repository().record([outcome(event!, 'sent', { statusCode: 200, requestId: 'x'.repeat(129), attempted: true })])).rejects.toThrow(/platform_request_id_check/);
    expect(await db.delivery.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.deliveryAttempt.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
