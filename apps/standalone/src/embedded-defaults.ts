import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateAdminToken } from '@attribution/console';
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
 * A secret generated once and kept beside the data (mode 0600), so a restart finds it again;
 * `generated` says whether it was made now (it is shown to the operator only then).
 */
async function localSecret(dataDir: string, fileName: string, generate: () => string): Promise<{ value: string; generated: boolean }> {
  const file = path.join(path.resolve(dataDir), fileName);
  if (existsSync(file)) return { value: (await readFile(file, 'utf8')).trim(), generated: false };
  await mkdir(path.dirname(file), { recursive: true });
  const value = generate();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return { value, generated: true };
}

/** Destination credentials are encrypted at rest; locally the key is generated once, so a restart can still read what it stored. */
export async function localCredentialsKey(dataDir: string): Promise<string> {
  return (await localSecret(dataDir, 'credentials.key', () => randomBytes(32).toString('base64'))).value;
}

/** The console's operator token when CONSOLE_ADMIN_TOKEN is not set: generated on the first start, printed then only. */
export function localConsoleToken(dataDir: string): Promise<{ value: string; generated: boolean }> {
  return localSecret(dataDir, CONSOLE_TOKEN_FILE, generateAdminToken);
}

export const CONSOLE_TOKEN_FILE = 'console-admin-token';
