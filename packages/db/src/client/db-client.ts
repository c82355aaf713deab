/**
 * The Prisma client over node-postgres (@prisma/adapter-pg): no native query engine. Every
 * operation it runs (model calls, raw queries, and those inside an interactive transaction) has
 * its errors mapped once, here (db-errors.ts): a connection failure arrives at the caller as the
 * retryable DependencyUnavailableError. Repositories take a `Db` or a `DbTransaction`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import type { Lifecycle } from '@attribution/runtime';
import { toDbError } from './db-errors';

export { Prisma } from '../generated/prisma/client';
export type { ApiKey, Delivery, DeliveryAttempt, Destination, Event, Tenant } from '../generated/prisma/client';

export interface DbClientOptions {
  /** Maximum pool connections (node-postgres `max`). Default 10. */
  poolMax?: number;
  /** Milliseconds to wait for a connection before failing. Default 10 000. */
  connectionTimeoutMillis?: number;
  /** Idle connections are closed after this many milliseconds. Default 30 000. */
  idleTimeoutMillis?: number;
  /** Shown in pg_stat_activity.application_name. */
  applicationName?: string;
  /** Called when an idle pooled connection errors (e.g. the server restarted). */
  onPoolError?: (error: Error) => void;
}

function withMappedErrors(client: PrismaClient) {
  return client.$extends({
    name: 'attribution-db-errors',
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          throw toDbError(error);
        }
      },
    },
  });
}

/** The application's database client. */
export type Db = ReturnType<typeof withMappedErrors>;
/** The client inside an interactive transaction (`inTransaction`). */
export type DbTransaction = Parameters<Parameters<Db['$transaction']>[0]>[0];
/** What a repository accepts: the client, or a transaction to take part in. */
export type DbClientOrTx = Db | DbTransaction;

export function createDbClient(databaseUrl: string, opts: DbClientOptions = {}): Db {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 10_000,
      idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000,
      ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    },
    opts.onPoolError ? { onPoolError: opts.onPoolError } : undefined,
  );
  return withMappedErrors(new PrismaClient({ adapter }));
}

/** Generous limits: an admin command or a relay batch may wait behind busy apps. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 60_000 } as const;

/**
 * An interactive transaction whose own failures (BEGIN or COMMIT on a lost connection) are
 * mapped like every query's: the one way the engine opens a transaction.
 */
export async function inTransaction<T>(db: Db, work: (tx: DbTransaction) => Promise<T>, options: { maxWait?: number; timeout?: number } = {}): Promise<T> {
  try {
    return await db.$transaction(work, { ...TRANSACTION_OPTIONS, ...options });
  } catch (error) {
    throw toDbError(error);
  }
}

/** Readiness probe: resolves when PostgreSQL answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}

/** The app's database client; it disconnects after the app's own stages (phase `clients`). */
export function openDatabase(databaseUrl: string, lifecycle: Pick<Lifecycle, 'add'>, opts: DbClientOptions = {}): Db {
  const db = createDbClient(databaseUrl, opts);
  lifecycle.add('database', () => db.$disconnect(), 'clients');
  return db;
}
