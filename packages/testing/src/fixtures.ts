import { randomBytes } from 'node:crypto';
import { TenantRepository, sealDestinationCredentials, type Db, type NewTenant } from '@attribution/db';

/** A credentials key for one test run; destinations sealed with it open only with it. */
export const TEST_CREDENTIALS_KEY = randomBytes(32).toString('base64');

export interface MetaDestinationFixture {
  pixelId: string;
  accessToken: string;
  testEventCode?: string;
}

/** A tenant with keys and, optionally, an active Meta destination. */
export async function seedTenant(
  db: Db,
  input: Partial<NewTenant> & { meta?: MetaDestinationFixture; credentialsKey?: string } = {},
) {
  const { meta, credentialsKey = TEST_CREDENTIALS_KEY, ...tenantInput } = input;
  const created = await new TenantRepository(db).create({ name: `tenant-${randomBytes(3).toString('hex')}`, consentPolicy: 'allow', ...tenantInput });
  if (meta) {
    await db.destination.create({
      data: {
        tenantId: created.tenant.id,
        platform: 'meta',
        status: 'active',
        settings: { pixel_id: meta.pixelId, ...(meta.testEventCode ? { test_event_code: meta.testEventCode } : {}) },
        credentialsEncrypted: sealDestinationCredentials(created.tenant.id, 'meta', { access_token: meta.accessToken }, credentialsKey),
      },
    });
  }
  return created;
}
