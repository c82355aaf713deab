import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Client, DatabaseError } from 'pg';
import { DependencyUnavailableError, isRetryable } from '@attribution/runtime';
import { createTestDatabase, findFreePort, startFakeStartingPostgres, type FakeStartingPostgres, type TestDatabase, waitUntil } from '@attribution/testing';
import { tryAdvisoryLock } from '../locks/advisory-lock';
import { listenForChanges } from '../notifications/change-listener';
import { createDbClient, inTransaction, pingDatabase, Prisma, type Db } from './db-client';
import { postgresErrorCode } from './db-errors';
import { connectClient, PgPool } from './pg-pool';

/**
 * The one error mapping (db-errors.ts) against real clients on real sockets: whatever a
 * connection failure looks like by the time it leaves pg, Prisma or the driver adapter, every
 * entry point of packages/db rejects with DependencyUnavailableError, and a statement's own fault
 * on the same client does not.
 */

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/** A TCP server playing a broken PostgreSQL: `hangUp` closes on the first byte, `silent` never answers. */
async function brokenServer(behaviour: 'hangUp' | 'silent'): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (behaviour === 'hangUp') socket.once('data', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/attribution`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

describe('every client, against a PostgreSQL that is starting up (57P03 on every connection)', () => {
  let fake: FakeStartingPostgres;
  let db: Db;
  let pool: PgPool;

  beforeAll(async () => {
    fake = await startFakeStartingPostgres();
    db = createDbClient(fake.url, { poolMax: 2, connectionTimeoutMillis: 5_000 });
    pool = new PgPool(fake.url, { poolMax: 2, connectionTimeoutMillis: 5_000, applicationName: 'db-errors-test' });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await pool?.close();
    await fake?.close();
  });

  const entryPoints: Array<[string, () => Promise<unknown>]> = [
    ['a model query (db.tenant.findMany)', () => db.tenant.findMany()],
    ['a model write (db.tenant.create)', () => db.tenant.create({ data: { name: 'never stored' } })],
    ['a model lookup by key (db.apiKey.findUnique, as the API-key lookup does)', () => db.apiKey.findUnique({ where: { keyHash: 'x'.repeat(64) } })],
    ['a raw query (db.$queryRaw)', () => db.$queryRaw`SELECT 1`],
    ['a raw statement (db.$executeRawUnsafe)', () => db.$executeRawUnsafe('SELECT 1')],
    ['a batch transaction (db.$transaction([...]))', () => db.$transaction([db.tenant.count()])],
    ['an interactive transaction (inTransaction)', () => inTransaction(db, (tx) => tx.tenant.findMany())],
    ['the readiness probe (pingDatabase)', () => pingDatabase(db)],
    ['a raw pool query (PgPool.query)', () => pool.query('SELECT 1', [])],
    ['a dedicated connection (connectClient)', () => connectClient(fake.url, 'db-errors-test')],
    ['an advisory lock (tryAdvisoryLock)', () => tryAdvisoryLock(fake.url, 42, 'db-errors-test')],
    [
      "the change listener's first LISTEN (listenForChanges().ready)",
      async () => {
        const listener = listenForChanges(fake.url, { onChange: () => undefined, onResync: () => undefined });
        try {
          await listener.ready;
        } finally {
          await listener.close();
        }
      },
    ],
  ];

  it.each(entryPoints)('%s rejects with DependencyUnavailableError', async (_entry, run) => {
    const refusedBefore = fake.refusals();
    const error = await rejection(run);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toMatchObject({ dependency: 'postgres', retryable: true });
    // It really met the refusal: the fake answered this client, and 57P03 is what it carries.
    expect(fake.refusals()).toBeGreaterThan(refusedBefore);
    expect(postgresErrorCode(error)).toBe('57P03');
  });

  it('a model query meets it as Prisma 7 reports it: P2039, the SQLSTATE only under meta.driverAdapterError', async () => {
    const error = (await rejection(() => db.tenant.findMany())) as DependencyUnavailableError;
    const cause = error.cause as Prisma.PrismaClientKnownRequestError;
    expect(cause).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(cause.code).toBe('P2039');
    expect(cause.meta?.driverAdapterError).toMatchObject({ name: 'DriverAdapterError', cause: { kind: 'postgres', code: '57P03', severity: 'FATAL' } });
  });

  it('node-postgres meets it as a DatabaseError with the SQLSTATE and severity of the ErrorResponse', async () => {
    const client = new Client({ connectionString: fake.url });
    const error = await rejection(() => client.connect());
    await client.end().catch(() => undefined);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: '57P03', severity: 'FATAL', message: 'the database system is starting up' });
  });
});

describe('every client, against a server that hangs up or never answers', () => {
  it('a hang-up mid-handshake ("Connection terminated unexpectedly") is DependencyUnavailableError for Prisma and pg', async () => {
    const server = await brokenServer('hangUp');
    const db = createDbClient(server.url, { connectionTimeoutMillis: 5_000 });
    const pool = new PgPool(server.url, { poolMax: 1, connectionTimeoutMillis: 5_000, applicationName: 'db-errors-test' });
    try {
      for (const run of [() => db.tenant.findMany(), () => db.$queryRaw`SELECT 1`, () => inTransaction(db, (tx) => tx.tenant.count()), () => pool.query('SELECT 1', []), () => connectClient(server.url, 'db-errors-test')]) {
        const error = await rejection(run);
        expect(error).toBeInstanceOf(DependencyUnavailableError);
        expect(String((error as Error).cause)).toMatch(/Connection terminated unexpectedly/);
      }
    } finally {
      await db.$disconnect();
      await pool.close();
      await server.close();
    }
  });

  it('a server that never answers: the connect timeout, and a transaction that cannot start within maxWait (P2028)', async () => {
    const server = await brokenServer('silent');
    const db = createDbClient(server.url, { connectionTimeoutMillis: 300 });
    const pool = new PgPool(server.url, { poolMax: 1, connectionTimeoutMillis: 300, applicationName: 'db-errors-test' });
    const slowDb = createDbClient(server.url, { connectionTimeoutMillis: 2_000 });
    try {
      expect(await rejection(() => db.tenant.findMany())).toBeInstanceOf(DependencyUnavailableError);
      expect(await rejection(() => pool.query('SELECT 1', []))).toBeInstanceOf(DependencyUnavailableError);
      // maxWait shorter than the connect timeout: Prisma gives up first, with P2028
      const error = await rejection(() => inTransaction(slowDb, (tx) => tx.tenant.count(), { maxWait: 200 }));
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as Error).cause).toMatchObject({ code: 'P2028', message: expect.stringMatching(/Unable to start a transaction in the given time/) });
    } finally {
      await Promise.all([db.$disconnect(), slowDb.$disconnect(), pool.close()]);
      await server.close();
    }
  });
});

describe('against the real PostgreSQL', () => {
  let database: TestDatabase;
  let admin: Client;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  /** Waits until `applicationName` runs pg_sleep, then terminates its backend as an operator would. */
  async function terminateWhileSleeping(applicationName: string): Promise<void> {
    const sleeping = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND state = 'active' AND query LIKE '%pg_sleep%'`,
          [database.name, applicationName],
        )
      ).rows;
    const [backend] = await waitUntil(async () => ((await sleeping()).length > 0 ? await sleeping() : null), `${applicationName} to run pg_sleep`, { timeoutMs: 10_000 });
    const { rows } = await admin.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [backend!.pid]);
    expect(rows[0]?.done).toBe(true);
  }

  it('Prisma: a connection terminated mid-query is DependencyUnavailableError; a syntax error on the same client is not, and the client recovers', async () => {
    const db = createDbClient(database.url, { poolMax: 1, applicationName: 'db-errors-prisma' });
    try {
      await db.$queryRaw`SELECT 1`;
      const sleeping = rejection(() => db.$queryRaw`SELECT pg_sleep(30)`);
      await terminateWhileSleeping('db-errors-prisma');
      const terminated = await sleeping;
      expect(terminated).toBeInstanceOf(DependencyUnavailableError);
      expect(postgresErrorCode(terminated)).toBe('57P01');

      const syntax = await rejection(() => db.$queryRawUnsafe('SELEC 1'));
      expect(syntax).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
      expect(syntax).not.toBeInstanceOf(DependencyUnavailableError);
      expect(postgresErrorCode(syntax)).toBe('42601');
      expect(isRetryable(syntax)).toBe(false);

      await expect(db.tenant.count()).resolves.toBe(0);
    } finally {
      await db.$disconnect();
    }
  });

  it('inTransaction: a transaction whose connection is terminated is DependencyUnavailableError', async () => {
    const db = createDbClient(database.url, { poolMax: 1, applicationName: 'db-errors-tx' });
    try {
      const sleeping = rejection(() =>
        inTransaction(db, async (tx) => {
          await tx.tenant.create({ data: { name: 'rolled back' } });
          await tx.$queryRaw`SELECT pg_sleep(30)`;
        }),
      );
      await terminateWhileSleeping('db-errors-tx');
      expect(await sleeping).toBeInstanceOf(DependencyUnavailableError);
      const syntax = await rejection(() => inTransaction(db, (tx) => tx.$executeRawUnsafe('SELEC 1')));
      expect(syntax).not.toBeInstanceOf(DependencyUnavailableError);
      expect(postgresErrorCode(syntax)).toBe('42601');
      await expect(db.tenant.count()).resolves.toBe(0); // the terminated transaction did not commit
    } finally {
      await db.$disconnect();
    }
  });

  it('PgPool: a connection terminated mid-query is DependencyUnavailableError; a syntax error is the DatabaseError itself', async () => {
    const pool = new PgPool(database.url, { poolMax: 1, applicationName: 'db-errors-pgpool' });
    try {
      const sleeping = rejection(() => pool.query('SELECT pg_sleep(30)', []));
      await terminateWhileSleeping('db-errors-pgpool');
      const terminated = await sleeping;
      expect(terminated).toBeInstanceOf(DependencyUnavailableError);
      expect((terminated as Error).cause).toMatchObject({ code: '57P01', severity: 'FATAL' });

      const syntax = await rejection(() => pool.query('SELEC 1', []));
      expect(syntax).toBeInstanceOf(DatabaseError);
      expect(syntax).toMatchObject({ code: '42601' });
      expect(isRetryable(syntax)).toBe(false);

      await expect(pool.query<{ one: number }>('SELECT 1 AS one', [])).resolves.toEqual([{ one: 1 }]);
    } finally {
      await pool.close();
    }
  });

  it('nothing listening on the port (ECONNREFUSED): every client rejects with DependencyUnavailableError', async () => {
    const url = database.url.replace(/:\d+\//, `:${await findFreePort()}/`);
    const db = createDbClient(url);
    const pool = new PgPool(url, { poolMax: 1, applicationName: 'db-errors-test' });
    try {
      for (const run of [() => db.tenant.findMany(), () => db.$queryRaw`SELECT 1`, () => pool.query('SELECT 1', []), () => connectClient(url, 'db-errors-test'), () => tryAdvisoryLock(url, 42, 'db-errors-test')]) {
        expect(await rejection(run)).toBeInstanceOf(DependencyUnavailableError);
      }
    } finally {
      await db.$disconnect();
      await pool.close();
    }
  });

  it('a misconfiguration is not an outage: a database that does not exist stays the original error', async () => {
    const url = database.url.replace(/\/[^/?]+(\?|$)/, '/test_does_not_exist$1');
    const db = createDbClient(url);
    try {
      const error = await rejection(() => db.tenant.findMany());
      expect(error).not.toBeInstanceOf(DependencyUnavailableError);
      expect(error).toMatchObject({ code: 'P1003' });
      const raw = await rejection(() => connectClient(url, 'db-errors-test'));
      expect(raw).not.toBeInstanceOf(DependencyUnavailableError);
      expect(raw).toMatchObject({ code: '3D000' });
    } finally {
      await db.$disconnect();
    }
  });
});
