import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';
import { findFreePort } from './free-port';

/**
 * Runs `fn` against `databaseUrl`, or, without one, against a throwaway embedded PostgreSQL that
 * is removed afterwards (a shadow server for migration authoring, say).
 */
export async function withPostgresServer<T>(databaseUrl: string | undefined, fn: (url: string) => Promise<T>): Promise<T> {
  if (databaseUrl) return fn(databaseUrl);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'attribution-migrate-'));
  const pg = await startEmbeddedPostgres({
    dataDir,
    port: await findFreePort(),
    persistent: false,
    database: 'migrate_dev',
    initdbFlags: ['--no-sync'],
    postgresFlags: ['-c', 'fsync=off'],
  });
  try {
    return await fn(pg.url);
  } finally {
    await pg.stop();
  }
}
