#!/usr/bin/env node
/** `DATABASE_URL=... node packages/db/dist/bin/migrate.js`: apply pending migrations, then exit. */
import { applyMigrations } from '../migrations/migrate';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set');
    process.exit(2);
  }
  const { appliedMigrationNames, durationMs } = await applyMigrations(url);
  if (appliedMigrationNames.length === 0) console.log(`Database is up to date (${durationMs} ms).`);
  else console.log(`Applied ${appliedMigrationNames.length} migration(s) in ${durationMs} ms: ${appliedMigrationNames.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
