// Prisma 7 reads the datasource URL from here (no `url` in schema.prisma any more).
// Only the CLI uses this file (`prisma generate`, and `prisma migrate deploy/dev` on a machine
// that can download the schema-engine binary). The app itself never loads it: it passes the
// URL to createDbClient() / applyMigrations() directly.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // `generate` needs no URL; only set it when present so generate works without one.
  ...(url ? { datasource: { url } } : {}),
});
