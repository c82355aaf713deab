import { TenantRepository, type Db } from '@attribution/db';

/**
 * On a fresh install, creates a demo tenant so the first request can be sent at once. Keys are
 * stored hashed, so they can only be shown here, the one time they are created.
 */
export async function ensureDemoTenant(db: Db): Promise<{ publicKey: string; secretKey: string } | null> {
  const tenants = new TenantRepository(db);
  if ((await tenants.count()) > 0) return null;
  const created = await tenants.create({
    name: 'Demo',
    allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
    defaultCountry: 'US',
  });
  return { publicKey: created.publicKey, secretKey: created.secretKey };
}
