/**
 * The template every test database is cloned from: created once per run with the real
 * migrations applied, so each test file gets a migrated database in milliseconds
 * (CREATE DATABASE ... TEMPLATE) instead of re-running migrations.
 */
import { applyMigrations } from '@attribution/db';
import { databaseUrl, TEMPLATE_DATABASE, withAdminClient } from './database-names';

export interface TemplateDatabase {
  name: string;
  url: string;
  appliedMigrationNames: string[];
  /** Time spent applying migrations. */
  migrationMs: number;
}

export async function prepareTemplateDatabase(
  adminUrl: string,
  opts: { name?: string } = {},
): Promise<TemplateDatabase> {
  const name = opts.name ?? TEMPLATE_DATABASE;
  await withAdminClient(adminUrl, async (client) => {
    const id = client.escapeIdentifier(name);
    // Start from scratch so a reused server never clones a stale schema.
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) {
      await client.query(`ALTER DATABASE ${id} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true`);
      await client.query(`DROP DATABASE ${id} WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE ${id}`);
  });

  const url = databaseUrl(adminUrl, name);
  const { appliedMigrationNames, durationMs } = await applyMigrations(url);

  await withAdminClient(adminUrl, async (client) => {
    const id = client.escapeIdentifier(name);
    // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template: forbid
    // new connections and end any that linger.
    await client.query(`ALTER DATABASE ${id} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
  return { name, url, appliedMigrationNames, migrationMs: durationMs };
}
