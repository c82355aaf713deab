import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@attribution/testing';
import { diffMigrationsToSchema } from './migration-authoring';
import { applyMigrations, MIGRATIONS_DIR, SCHEMA_PATH } from './migrate';

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The migration folders in the order the engine applies them: the expectations follow prisma/migrations. */
async function migrationNames(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** An empty database (template0), to run the migrations from scratch. */
const emptyDatabase = (): Promise<TestDatabase> =>
  createTestDatabase(process.env.TEST_PG_ADMIN_URL, { template: 'template0' });

describe('applyMigrations (WebAssembly schema engine)', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.drop()));
  });

  it('applies the migrations to an empty database, then is idempotent', async () => {
    const db = await emptyDatabase();
    dbs.push(db);

    const expected = await migrationNames();
    expect(expected[0]).toMatch(/^\d{14}_init$/);
    const first = await applyMigrations(db.url);
    expect(first.appliedMigrationNames).toEqual(expected);

    const second = await applyMigrations(db.url);
    expect(second.appliedMigrationNames).toEqual([]);

    const rows = await query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
      db.url,
      'SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toEqual(expected.map((name) => ({ migration_name: name, finished: true, rolled_back: false })));

    // Tables, not their partitions (the day partitions of events and deliveries).
    const tables = await query<{ table_name: string }>(
      db.url,
      "SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      '_prisma_migrations',
      'api_keys',
      'deliveries',
      'delivery_attempts',
      'destinations',
      'events',
      'tenants',
    ]);
  });

  it('creates the partial outbox index and the other access-path indexes', async () => {
    const db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    dbs.push(db);
    const indexes = await query<{ indexname: string; indexdef: string }>(
      db.url,
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    );
    const def = (name: string): string => indexes.find((i) => i.indexname === name)?.indexdef ?? '';
    expect(def('events_outbox_pending_idx')).toMatch(/\(received_at, id\) WHERE \(publish_state = 'pending'::publish_state\)/);
    expect(def('events_tenant_id_received_at_idx')).toContain('(tenant_id, received_at)');
    // Unique per day partition (and in the default one): a partitioned table's unique index would need received_at.
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(def(`events_p${today}_event_id_tenant_id_key`)).toContain(`UNIQUE INDEX events_p${today}_event_id_tenant_id_key ON public.events_p${today} USING btree (event_id, tenant_id)`);
    expect(def('events_default_event_id_tenant_id_key')).toContain('(event_id, tenant_id)');
    expect(def('deliveries_event_pk_destination_key')).toContain('UNIQUE INDEX deliveries_event_pk_destination_key ON ONLY public.deliveries USING btree (event_pk, destination, event_received_at)');
    expect(def('deliveries_tenant_id_status_idx')).toContain('(tenant_id, status)');
    expect(def('delivery_attempts_pkey')).toContain('UNIQUE INDEX delivery_attempts_pkey ON ONLY public.delivery_attempts USING btree (event_pk, id, event_received_at)');
    expect(def('api_keys_key_hash_key')).toContain('UNIQUE INDEX');
  });

  it('serialises concurrent runs (advisory lock): each migration is applied exactly once', async () => {
    const db = await emptyDatabase();
    dbs.push(db);
    const expected = await migrationNames();
    const results = await Promise.all([applyMigrations(db.url), applyMigrations(db.url), applyMigrations(db.url)]);
    expect(results.flatMap((r) => r.appliedMigrationNames).sort()).toEqual(expected);
    const [{ count }] = (await query<{ count: string }>(db.url, 'SELECT count(*) FROM _prisma_migrations')) as [{ count: string }];
    expect(count).toBe(String(expected.length));
  });

  it('reports a failing migration with its error and refuses to continue', async () => {
    const db = await emptyDatabase();
    dbs.push(db);
    const dir = await mkdtemp(path.join(tmpdir(), 'attribution-bad-migrations-'));
    await copyFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
    await mkdir(path.join(dir, '20000101000000_broken'));
    await writeFile(path.join(dir, '20000101000000_broken', 'migration.sql'), 'CREATE TABLE ok (id int);\nSELECT no_such_function();\n');

    try {
      await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow(/no_such_function/);
      await expect(applyMigrations(db.url, { migrationsDir: dir })).rejects.toThrow(/P3009|failed migrations/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('migrations and schema.prisma stay in sync', () => {
  it('finds no difference between prisma/migrations and prisma/schema.prisma', async () => {
    const db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    try {
      // The engine replays the migrations in a shadow database on the same server.
      await expect(diffMigrationsToSchema({ databaseUrl: db.url })).resolves.toBe('');
    } finally {
      await db.drop();
    }
  });

  it('drops its shadow database and closes every connection before it returns', async () => {
    // A connection still closing when its database is dropped WITH (FORCE) is terminated, and
    // the server's FATAL reached the worker as an uncaught error that failed the diff.
    const adminUrl = process.env.TEST_PG_ADMIN_URL as string;
    const shadowDatabases = async (): Promise<string[]> =>
      (await query<{ datname: string }>(adminUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'")).map(
        (row) => row.datname,
      );
    const db = await createTestDatabase(adminUrl);
    try {
      const before = await shadowDatabases();
      await diffMigrationsToSchema({ databaseUrl: db.url });
      expect(await shadowDatabases()).toEqual(before);
      expect(await query(adminUrl, 'SELECT pid, state FROM pg_stat_activity WHERE datname = $1', [db.name])).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('detects a schema change that has no migration yet', async () => {
    const db = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    const dir = await mkdtemp(path.join(tmpdir(), 'attribution-schema-'));
    const schemaPath = path.join(dir, 'schema.prisma');
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    await writeFile(schemaPath, schema.replace('  name           String\n', '  name           String\n  plan           String?\n'));
    try {
      const sql = await diffMigrationsToSchema({ databaseUrl: db.url, schemaPath });
      expect(sql).toMatch(/ALTER TABLE "tenants" ADD COLUMN\s+"plan" TEXT/);
    } finally {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
