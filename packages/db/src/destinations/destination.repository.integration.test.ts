import { createTestDatabase, type TestDatabase } from '@attribution/testing';
import { createDbClient, type Db } from '../client/db-client';
import { DestinationRepository } from './destination.repository';

let db: TestDatabase;
let prisma: Db;
let destinations: DestinationRepository;

beforeAll(async () => {
  db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
  prisma = createDbClient(db.url, { poolMax: 2 });
  destinations = new DestinationRepository(prisma);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function tenantWithMeta() {
  const tenant = await prisma.tenant.create({ data: { name: 'Acme' } });
  const { destination } = await destinations.upsert(tenant.id, 'meta', { settings: { pixel_id: '1' }, credentialsEncrypted: 'v2:old', status: 'active', testMode: false, eventRules: {} });
  return { tenant, seen: destination.updatedAt };
}

/**
 * What `destination set` does: new credentials, active again. The row's version is its
 * updated_at (milliseconds): a write in the very millisecond of the one before would look
 * unchanged, which an operator cannot do but a test running both back to back can.
 */
async function renew(tenantId: string, after: Date) {
  while (Date.now() <= after.getTime()) await new Promise((resolve) => setImmediate(resolve));
  await destinations.upsert(tenantId, 'meta', { settings: { pixel_id: '1' }, credentialsEncrypted: 'v2:new', status: 'active', testMode: false, eventRules: {} });
}

describe('DestinationRepository: refused credentials against renewed ones', () => {
  it('marks the destination when the refused credentials are still the stored ones', async () => {
    const { tenant, seen } = await tenantWithMeta();
    expect(await destinations.markNeedsCredentials(tenant.id, 'meta', seen)).toBe(true);
    expect((await destinations.find(tenant.id, 'meta'))?.status).toBe('needs_credentials');
    expect(await destinations.renewedSince(tenant.id, 'meta', seen)).toBe(false);
  });

  it('leaves credentials an operator set meanwhile active, and says they were renewed', async () => {
    const { tenant, seen } = await tenantWithMeta();
    await renew(tenant.id, seen);
    expect(await destinations.markNeedsCredentials(tenant.id, 'meta', seen)).toBe(false);
    expect((await destinations.find(tenant.id, 'meta'))?.status).toBe('active');
    expect(await destinations.renewedSince(tenant.id, 'meta', seen)).toBe(true);
  });

  it("answers for one tenant's destination only", async () => {
    const a = await tenantWithMeta();
    const b = await tenantWithMeta();
    await renew(b.tenant.id, b.seen);
    expect(await destinations.renewedSince(a.tenant.id, 'meta', a.seen)).toBe(false);
    expect(await destinations.markNeedsCredentials(a.tenant.id, 'meta', a.seen)).toBe(true);
    expect((await destinations.find(b.tenant.id, 'meta'))?.status).toBe('active');
  });
});
