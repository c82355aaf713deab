import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@attribution/db';

/** Starts (or restarts, keeping its data) the embedded PostgreSQL under DATA_DIR. */
export async function startLocalDatabase(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({ dataDir: path.join(path.resolve(dataDir), 'postgres'), port, persistent: true });
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
