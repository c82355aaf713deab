import { createHash, randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@attribution/testing';
import { decryptCredentials, encryptCredentials } from '../credentials/credentials';
import { createDbClient, Prisma, type Db } from './db-client';
import { isUniqueViolation } from './db-errors';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let db: TestDatabase;
let prisma: Db;

beforeAll(async () => {
  db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  prisma = createDbClient(db.url, { poolMax: 4 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function newTenant(name = 'Acme') {
  return prisma.tenant.create({ data: { name } });
}

function eventData(tenantId: string, eventId: string): Prisma.EventUncheckedCreateInput {
  return {
    tenantId,
    eventId,
    eventName: 'Purchase',
    eventTime: new Date('2026-01-02T03:04:05.678Z'),
    actionSource: 'website',
    userData: { meta: { em: [sha256('a@example.com')] } },
    clickIds: { fbp: 'fb.1.1700000000.123' },
    customData: { value: 12.5, currency: 'EUR' },
  };
}

describe('Prisma client through @prisma/adapter-pg', () => {
  it('creates tenants with the database defaults', async () => {
    const tenant = await newTenant();
    expect(tenant.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tenant).toMatchObject({
      status: 'active',
      retentionDays: 90,
      allowedOrigins: [],
      defaultCountry: null,
      consentPolicy: 'block',
    });
    expect(tenant.createdAt).toBeInstanceOf(Date);

    const updated = await prisma.tenant.update({
      where: { id: tenant.id },
      data: { allowedOrigins: ['https://shop.example'], defaultCountry: 'FR', consentPolicy: 'allow' },
    });
    expect(updated.allowedOrigins).toEqual(['https://shop.example']);
    expect(updated.defaultCountry).toBe('FR');
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(tenant.updatedAt.getTime());
  });

  it('stores events with bigint ids, JSON columns and a pending publish state', async () => {
    const tenant = await newTenant();
    const event = await prisma.event.create({ data: eventData(tenant.id, 'evt-1') });
    expect(typeof event.id).toBe('bigint');
    expect(event.publishState).toBe('pending');
    expect(event.consent).toBeNull();
    expect(event.userData).toEqual({ meta: { em: [sha256('a@example.com')] } });
    expect(event.eventTime.toISOString()).toBe('2026-01-02T03:04:05.678Z');

    const published = await prisma.event.update({
      where: { id_receivedAt: { id: event.id, receivedAt: event.receivedAt } },
      data: { publishState: 'published', publishedAt: new Date() },
    });
    expect(published.publishState).toBe('published');
  });

  it('keeps (tenant_id, event_id) unique, per tenant', async () => {
    const a = await newTenant('A');
    const b = await newTenant('B');
    await prisma.event.create({ data: eventData(a.id, 'dup') });

    const duplicate = await prisma.event.create({ data: eventData(a.id, 'dup') }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(isUniqueViolation(duplicate)).toBe(true);

    // Same client id under another tenant is a different event.
    await expect(prisma.event.create({ data: eventData(b.id, 'dup') })).resolves.toBeDefined();

    // Idempotent batch ingest: duplicates are skipped, not errors.
    const batch = await prisma.event.createMany({
      data: [eventData(a.id, 'dup'), eventData(a.id, 'new-1')],
      skipDuplicates: true,
    });
    expect(batch.count).toBe(1);
  });

  it('keeps one destination per (tenant, platform) and round-trips encrypted credentials', async () => {
    const tenant = await newTenant();
    const key = randomBytes(32);
    const sealed = encryptCredentials({ access_token: 'EAAB...' }, key, { context: `${tenant.id}:meta` });
    const destination = await prisma.destination.create({
      data: { tenantId: tenant.id, platform: 'meta', settings: { pixel_id: '123' }, credentialsEncrypted: sealed, status: 'active' },
    });
    const loaded = await prisma.destination.findUniqueOrThrow({
      where: { tenantId_platform: { tenantId: tenant.id, platform: 'meta' } },
    });
    expect(decryptCredentials(loaded.credentialsEncrypted!, key, { context: `${tenant.id}:meta` })).toEqual({ access_token: 'EAAB...' });
    expect(loaded.id).toBe(destination.id);

    const again = await prisma.destination.create({ data: { tenantId: tenant.id, platform: 'meta' } }).catch((e: unknown) => e);
    expect(isUniqueViolation(again)).toBe(true);
    await expect(prisma.destination.create({ data: { tenantId: tenant.id, platform: 'ga4' } })).resolves.toMatchObject({
      status: 'needs_credentials',
      settings: {},
    });
  });

  it('enforces the hand-written CHECK constraints', async () => {
    await expect(prisma.tenant.create({ data: { name: 'x', retentionDays: 0 } })).rejects.toThrow(/retention_days_check/);
    await expect(prisma.tenant.create({ data: { name: 'x', defaultCountry: 'fr' } })).rejects.toThrow(/default_country_check/);
    const tenant = await newTenant();
    await expect(
      prisma.apiKey.create({ data: { tenantId: tenant.id, kind: 'secret', keyHash: 'sk_live_raw_key', displayPrefix: 'sk_live_raw_' } }),
    ).rejects.toThrow(/key_hash_check/);
    const key = await prisma.apiKey.create({
      data: { tenantId: tenant.id, kind: 'secret', keyHash: sha256('sk_live_abc'), displayPrefix: 'sk_live_abc' },
    });
    expect(key.revokedAt).toBeNull();
  });

  it('keeps one delivery per (event, destination) and cascades a tenant deletion to everything', async () => {
    const tenant = await newTenant();
    await prisma.apiKey.create({ data: { tenantId: tenant.id, kind: 'public', keyHash: sha256(`pk-${tenant.id}`), displayPrefix: 'pk_live_0000' } });
    await prisma.destination.create({ data: { tenantId: tenant.id, platform: 'ga4' } });
    const e1 = await prisma.event.create({ data: eventData(tenant.id, 'c-1') });
    const e2 = await prisma.event.create({ data: eventData(tenant.id, 'c-2') });
    const of = (event: { id: bigint; receivedAt: Date }) => ({ eventPk: event.id, eventReceivedAt: event.receivedAt, tenantId: tenant.id });
    await prisma.delivery.createMany({
      data: [
        { ...of(e1), destination: 'meta' },
        { ...of(e1), destination: 'ga4', status: 'blocked_consent' },
        { ...of(e2), destination: 'meta', status: 'retrying', attempts: 1, nextAttemptAt: new Date() },
      ],
    });
    const dup = await prisma.delivery.create({ data: { ...of(e1), destination: 'meta' } }).catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);

    await prisma.tenant.delete({ where: { id: tenant.id } });
    const where = { tenantId: tenant.id };
    expect(
      await Promise.all([
        prisma.apiKey.count({ where }),
        prisma.destination.count({ where }),
        prisma.event.count({ where }),
        prisma.delivery.count({ where }),
      ]),
    ).toEqual([0, 0, 0, 0]);
  });

  it('reads relations and supports interactive transactions', async () => {
    const tenant = await newTenant();
    await prisma.$transaction(async (tx) => {
      const event = await tx.event.create({ data: eventData(tenant.id, 'tx-1') });
      await tx.delivery.create({ data: { eventPk: event.id, eventReceivedAt: event.receivedAt, tenantId: tenant.id, destination: 'meta' } });
    });
    const stored = await prisma.event.findFirstOrThrow({ where: { tenantId: tenant.id, eventId: 'tx-1' }, include: { tenant: true } });
    expect(stored.tenant.name).toBe('Acme');
    expect(await prisma.delivery.count({ where: { eventPk: stored.id, eventReceivedAt: stored.receivedAt } })).toBe(1);

    await expect(
      prisma.$transaction(async (tx) => {
        await tx.event.create({ data: eventData(tenant.id, 'tx-2') });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await prisma.event.count({ where: { tenantId: tenant.id, eventId: 'tx-2' } })).toBe(0);
  });

  it("lets the outbox relay read pending events through each day partition's share of the partial index", async () => {
    const tenant = await newTenant();
    for (let i = 0; i < 5; i += 1) await prisma.event.create({ data: eventData(tenant.id, `o-${i}`) });
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(
        "EXPLAIN SELECT id FROM events WHERE publish_state = 'pending' ORDER BY received_at, id LIMIT 100",
      );
    });
    const partitionIndexes = await prisma.$queryRawUnsafe<Array<{ name: string }>>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events_outbox_pending_idx'::regclass",
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    const used = [...text.matchAll(/Index (?:Only )?Scan using (\S+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    expect(partitionIndexes.map((i) => i.name)).toEqual(expect.arrayContaining(used));
  });
});
