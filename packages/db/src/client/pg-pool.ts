import { Client, Pool, type QueryResultRow } from 'pg';
import { toDbError } from './db-errors';

export interface PgPoolOptions {
  /** Connections. */
  poolMax: number;
  connectionTimeoutMillis?: number;
  applicationName: string;
  /** Called when an idle pooled connection fails (e.g. PostgreSQL restarted); it is replaced. */
  onPoolError?: (error: Error) => void;
}

/**
 * node-postgres without Prisma, for the few paths where a benchmark showed Prisma's per-query
 * work costs more than the query (the ingest writer). Its errors are mapped like the Prisma
 * client's (db-errors.ts).
 */
export class PgPool {
  private readonly pool: Pool;
  private ended: Promise<void> | undefined;

  constructor(databaseUrl: string, options: PgPoolOptions) {
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName,
    });
    // Without a listener, an idle connection's error would crash the process.
    this.pool.on('error', (error) => options.onPoolError?.(error));
  }

  async query<R extends QueryResultRow>(sql: string, parameters: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, parameters)).rows;
    } catch (error) {
      throw toDbError(error);
    }
  }

  /** Closes the pool once statements in flight are done. Idempotent. */
  close(): Promise<void> {
    return (this.ended ??= this.pool.end());
  }
}

/** A dedicated connection (LISTEN, session advisory locks: state a pool would lose), errors mapped. */
export async function connectClient(databaseUrl: string, applicationName: string): Promise<Client> {
  // Bounded, so an unreachable server fails in seconds, not at the OS's TCP timeout.
  const client = new Client({ connectionString: databaseUrl, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toDbError(error);
  }
  return client;
}
