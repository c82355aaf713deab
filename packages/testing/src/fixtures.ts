import { randomBytes } from 'node:crypto';
import { TenantRepository, sealDestinationCredentials, type Db, type NewTenant } from '@attribution/db';

/** A credentials key for one test run; destinations sealed with it open only with it. */
export const TEST_CREDENTIALS_KEY = randomBytes(32).toString('base64');

export interface MetaDestinationFixture {
  pixelId: string;
  accessToken: string;
}

/** A destination of any platform as an operator would set it (settings, sealed credentials, rules). */
export interface DestinationFixture {
  settings: Record<string, string>;
  credentials: Record<string, string>;
  testMode?: boolean;
  eventRules?: { only?: string[]; except?: string[]; rename?: Record<string, string> };
  credentialsKey?: string;
  /** `needs_credentials`: a destination whose credentials the platform refused (its deliveries are parked). */
  status?: 'active' | 'needs_credentials';
}

export async function seedDestination(db: Db, tenantId: string, platform: string, fixture: DestinationFixture): Promise<void> {
  const { settings, credentials, testMode = false, eventRules = {}, credentialsKey = TEST_CREDENTIALS_KEY, status = 'active' } = fixture;
  await db.destination.create({
    data: { tenantId, platform, status, settings, testMode, eventRules, credentialsEncrypted: sealDestinationCredentials(tenantId, platform, credentials, credentialsKey) },
  });
}

/** A tenant with keys and, optionally, an active Meta destination. */
export async function seedTenant(
  db: Db,
  input: Partial<NewTenant> & { meta?: MetaDestinationFixture; credentialsKey?: string } = {},
) {
  const { meta, credentialsKey = TEST_CREDENTIALS_KEY, ...tenantInput } = input;
  const created = await new TenantRepository(db).create({ name: `tenant-${randomBytes(3).toString('hex')}`, consentPolicy: 'allow', ...tenantInput });
  if (meta) await seedDestination(db, created.tenant.id, 'meta', { settings: { pixel_id: meta.pixelId }, credentials: { access_token: meta.accessToken }, credentialsKey });
  return created;
}
