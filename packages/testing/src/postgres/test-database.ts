/**
 * Per-test-file isolation: a fresh database cloned from the migrated template.
 *
 *   const db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
 *   const prisma = createDbClient(db.url);
 *   ...
 *   await prisma.$disconnect(); await db.drop();
 */
import { randomBytes } from 'node:crypto';
import {
  assertTestDatabaseName,
  databaseUrl,
  requireAdminUrl,
  TEMPLATE_DATABASE,
  withAdminClient,
} from './database-names';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connections still open to it. Idempotent. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Database to clone. Default `attribution_template` (see prepareTemplateDatabase). */
  template?: string;
}

export async function createTestDatabase(
  adminUrl: string | undefined,
  opts: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const admin = requireAdminUrl(adminUrl);
  const template = opts.template ?? TEMPLATE_DATABASE;
  const name = `test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(admin, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`),
  );
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: databaseUrl(admin, name),
    drop: () => (dropped ??= dropTestDatabase(admin, name)),
  };
}

/** DROP DATABASE ... WITH (FORCE), refused for any name without `test` in it. */
export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}
