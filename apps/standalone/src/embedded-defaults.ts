import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@attribution/core';
import { postgresUserCanReach, ROOT_SHARED_DIR, startEmbeddedPostgres, type EmbeddedPostgres } from '@attribution/local-postgres';

/**
 * Starts (or restarts, keeping its data) the embedded PostgreSQL under DATA_DIR. As root the
 * server runs as the `postgres` user, which cannot enter a checkout inside a private folder (a
 * `mktemp -d`, a 0700 home): the data then lives under /var/lib, in a folder named after the
 * checkout's path, so every restart of the same checkout finds it again.
 */
export async function startLocalDatabase(dataDir: string, port: number, logger: Logger): Promise<EmbeddedPostgres> {
  const wanted = path.join(path.resolve(dataDir), 'postgres');
  let pgDataDir = wanted;
  if (!(await postgresUserCanReach(wanted))) {
    pgDataDir = path.join(ROOT_SHARED_DIR, createHash('sha256').update(wanted).digest('hex').slice(0, 16), 'postgres');
    logger.warn('embedded_postgres_relocated', { data_dir: pgDataDir, reason: `the postgres system user cannot reach ${wanted}` });
  }
  return startEmbeddedPostgres({ dataDir: pgDataDir, port, persistent: true });
}

/**
 * Destination credentials are encrypted at rest; locally the key is generated once and kept
 * beside the data (mode 0600), so a restart can still read what it stored.
 */
export async function localCredentialsKey(dataDir: string): Promise<string> {
  const file = path.join(path.resolve(dataDir), 'credentials.key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64');
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}
