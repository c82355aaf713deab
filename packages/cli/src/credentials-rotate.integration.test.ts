/**
 * `attribution credentials rotate-key` end to end: the built CLI against a real PostgreSQL, rows
 * sealed as older releases did (v1, no key id) and as this one does (v2), under the old key.
 * Dry run, a wrong old key, one tenant, everything, and again: what changes, what stays
 * byte-identical, and what each key alone can open afterwards.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import {
  createDbClient,
  CredentialsKeyring,
  DestinationRepository,
  openDestinationCredentials,
  sealDestinationCredentials,
  sealedCredentialsKeyId,
  type Db,
} from '@attribution/db';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { parseJson, runCli, type CliResult } from './run-cli';

const OLD = randomBytes(32);
const NEW = randomBytes(32);
const WRONG = randomBytes(32);
const keyTexts = [OLD, NEW, WRONG].flatMap((k) => [k.toString('base64'), k.toString('hex')]);

/** As releases before key ids sealed: `v1:<iv>:<tag>:<ct>`, the tenant and platform as associated data. */
function sealV1(tenantId: string, platform: string, credentials: Record<string, string>, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`destination:${tenantId}:${platform}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

interface RotationJson {
  dry_run: boolean;
  tenant_id: string | null;
  scanned: number;
  resealed: number;
  already_current: number;
  failed: number;
  failures: Array<{ tenant_id: string; destination: string; reason: string }>;
}

describe('attribution credentials rotate-key', () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  let tenantA: string;
  let tenantB: string;
  const secrets: Record<string, Record<string, string>> = {};

  const rows = () => db.destination.findMany({ orderBy: { id: 'asc' } });
  const rowsOf = async (tenantId: string) => (await rows()).filter((r) => r.tenantId === tenantId);
  const rotate = (args: string[], keys: Record<string, string> = {}) => runCli(['credentials', 'rotate-key', ...args], { ...env, ...keys });
  const expectNoSecret = (result: CliResult) => {
    const output = result.stdout + result.stderr;
    for (const text of [...keyTexts, ...Object.values(secrets).flatMap((s) => Object.values(s))]) expect(output).not.toContain(text);
  };
  const openAll = async (keys: CredentialsKeyring) =>
    (await rows()).filter((r) => r.credentialsEncrypted !== null).map((r) => {
      try {
        return openDestinationCredentials(r.tenantId, r.platform, r.credentialsEncrypted!, keys);
      } catch {
        return null;
      }
    });

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    env = { DATABASE_URL: database.url, CREDENTIALS_KEY: NEW.toString('base64'), CREDENTIALS_KEY_PREVIOUS: OLD.toString('hex') };
    tenantA = (await seedTenant(db, { name: 'Shop A' })).tenant.id;
    tenantB = (await seedTenant(db, { name: 'Shop B' })).tenant.id;
    const seed = async (tenantId: string, platform: string, sealed: (c: Record<string, string>) => string | null) => {
      const credentials = { token: `tok-${platform}-${randomBytes(6).toString('hex')}` };
      const credentialsEncrypted = sealed(credentials);
      if (credentialsEncrypted !== null) secrets[`${tenantId}:${platform}`] = credentials;
      await db.destination.create({ data: { tenantId, platform, status: 'active', settings: {}, credentialsEncrypted } });
    };
    await seed(tenantA, 'meta', (c) => sealV1(tenantA, 'meta', c, OLD));
    await seed(tenantA, 'ga4', (c) => sealDestinationCredentials(tenantA, 'ga4', c, OLD));
    await seed(tenantB, 'meta', (c) => sealV1(tenantB, 'meta', c, OLD));
    await seed(tenantB, 'tiktok', (c) => sealDestinationCredentials(tenantB, 'tiktok', c, OLD));
    await seed(tenantB, 'google_ads', () => null);
  }, 60_000);

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  it('--dry-run counts what it would re-seal and changes nothing', async () => {
    const before = await rows();
    const result = await rotate(['--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(parseJson<RotationJson>(result)).toMatchObject({ dry_run: true, tenant_id: null, scanned: 4, resealed: 4, already_current: 0, failed: 0 });
    expect(await rows()).toEqual(before);
    expectNoSecret(result);
  });

  it('a wrong old key exits 1 naming each tenant and destination, never a secret, and changes nothing', async () => {
    const before = await rows();
    const result = await rotate(['--tenant', tenantA, '--json'], { CREDENTIALS_KEY_PREVIOUS: WRONG.toString('base64') });
    expect(result.code).toBe(1);
    const report = parseJson<RotationJson>(result);
    expect(report).toMatchObject({ scanned: 2, resealed: 0, already_current: 0, failed: 2 });
    expect(report.failures.map((f) => `${f.tenant_id}/${f.destination}`).sort()).toEqual([`${tenantA}/ga4`, `${tenantA}/meta`]);
    const error = JSON.parse(result.stderr) as { error: { kind: string; message: string } };
    expect(error.error.kind).toBe('runtime');
    expect(error.error.message).toContain('2 destination credentials open under neither CREDENTIALS_KEY nor CREDENTIALS_KEY_PREVIOUS');
    expect(error.error.message).toContain(`tenant ${tenantA} destination meta`);
    expect(await rows()).toEqual(before);
    expectNoSecret(result);
  });

  it('--tenant re-seals only that tenant; meanwhile the keyring opens old- and new-sealed rows', async () => {
    const others = await rowsOf(tenantB);
    const result = await rotate(['--tenant', tenantA, '--json']);
    expect(result.code).toBe(0);
    expect(parseJson<RotationJson>(result)).toMatchObject({ tenant_id: tenantA, scanned: 2, resealed: 2, already_current: 0, failed: 0 });
    expect(await rowsOf(tenantB)).toEqual(others);
    for (const row of await rowsOf(tenantA)) expect(sealedCredentialsKeyId(row.credentialsEncrypted!)).toBe(new CredentialsKeyring(NEW).currentKeyId);
    expectNoSecret(result);

    // What the dispatcher does with CREDENTIALS_KEY=new and CREDENTIALS_KEY_PREVIOUS=old.
    const during = new CredentialsKeyring(NEW, OLD);
    for (const tenantId of [tenantA, tenantB]) {
      const stored = await new DestinationRepository(db).routing(tenantId);
      for (const row of stored.destinations.filter((d) => d.credentialsEncrypted !== null)) {
        expect(openDestinationCredentials(tenantId, row.platform, row.credentialsEncrypted!, during)).toEqual(secrets[`${tenantId}:${row.platform}`]);
      }
    }
  });

  it('then every tenant, in batches: the new key alone opens everything and the old key nothing', async () => {
    const result = await rotate(['--batch-size', '1', '--json']);
    expect(result.code).toBe(0);
    expect(parseJson<RotationJson>(result)).toMatchObject({ scanned: 4, resealed: 2, already_current: 2, failed: 0 });
    const opened = await openAll(new CredentialsKeyring(NEW));
    expect(opened).toHaveLength(4);
    expect(opened).toEqual(expect.arrayContaining(Object.values(secrets)));
    expect((await openAll(new CredentialsKeyring(OLD))).every((opened) => opened === null)).toBe(true);
    expect((await rows()).find((r) => r.platform === 'google_ads')?.credentialsEncrypted).toBeNull();
    expectNoSecret(result);
  });

  it('a second run re-seals nothing (people\'s output)', async () => {
    const before = await rows();
    const result = await rotate([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Re-sealed destination credentials of every tenant under CREDENTIALS_KEY (key id');
    expect(result.stdout).toMatch(/re-sealed:\s+0\n/);
    expect(result.stdout).toMatch(/already current:\s+4\n/);
    expect(await rows()).toEqual(before);
    expectNoSecret(result);
  });
});
