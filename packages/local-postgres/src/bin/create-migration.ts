#!/usr/bin/env node
/**
 * Write a new migration from the changes in prisma/schema.prisma (no Prisma binary needed):
 *   npm run migrate:create -w @attribution/local-postgres -- <snake_case_name>
 * Check that the migrations match the schema (exit 1 and print the missing SQL otherwise):
 *   npm run migrate:check -w @attribution/local-postgres
 * Shadow databases go to the server at MIGRATION_SHADOW_SERVER_URL when set (any database URL on
 * it), else to a temporary embedded PostgreSQL.
 */
import { createMigration, diffMigrationsToSchema } from '@attribution/db';
import { withPostgresServer } from '../temporary-postgres';

async function main(argv: string[]): Promise<number> {
  const shadowServer = process.env.MIGRATION_SHADOW_SERVER_URL;
  if (argv[0] === '--check') {
    const sql = await withPostgresServer(shadowServer, (databaseUrl) => diffMigrationsToSchema({ databaseUrl }));
    if (!sql) {
      console.log('prisma/migrations matches prisma/schema.prisma.');
      return 0;
    }
    console.error(`prisma/schema.prisma has changes with no migration:\n\n${sql}`);
    return 1;
  }
  const name = argv[0];
  if (!name) {
    console.error('usage: create-migration <snake_case_name> | --check');
    return 2;
  }
  const allowEmpty = argv.includes('--allow-empty');
  const created = await withPostgresServer(shadowServer, (databaseUrl) => createMigration(name, { databaseUrl, allowEmpty }));
  if (!created.migrationName) {
    console.log('No schema changes: no migration written (pass --allow-empty for a hand-written one).');
    return 0;
  }
  console.log(`Wrote ${created.directory}/migration.sql. Review it, add what Prisma cannot express (CHECK constraints...), commit it.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
