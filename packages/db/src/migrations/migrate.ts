/**
 * Applies pending migrations from prisma/migrations/ with Prisma's WebAssembly schema engine
 * (the same engine and `_prisma_migrations` bookkeeping as `prisma migrate deploy`).
 */
import { runSchemaEngine, SchemaEngineRunOptions } from './schema-engine';

export { MIGRATIONS_DIR, SCHEMA_PATH, SchemaEngineError } from './schema-engine';

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this call; empty when the database was up to date. */
  appliedMigrationNames: string[];
  durationMs: number;
}

export type ApplyMigrationsOptions = Pick<SchemaEngineRunOptions, 'migrationsDir'>;

/**
 * Brings the database at `databaseUrl` up to date. Idempotent: a second call applies nothing.
 * Throws SchemaEngineError when a migration fails (the failed row stays in `_prisma_migrations`
 * and later calls refuse to continue until it is resolved, exactly as `migrate deploy` does).
 */
export async function applyMigrations(
  databaseUrl: string,
  opts: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const started = performance.now();
  const out = await runSchemaEngine<{ appliedMigrationNames: string[] }>(databaseUrl, { command: 'apply' }, opts);
  return {
    appliedMigrationNames: out.appliedMigrationNames,
    durationMs: Math.round(performance.now() - started),
  };
}
