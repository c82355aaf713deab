import { toDbError } from '../client/db-errors';
import { connectClient } from '../client/pg-pool';

export interface AdvisoryLock {
  release(): Promise<void>;
}

/**
 * Takes a cluster-wide session advisory lock on a dedicated connection (session locks belong to
 * a connection, and a pool would hand out others), or returns null when another session holds
 * it. If the process dies, PostgreSQL drops the lock with the connection.
 */
export async function tryAdvisoryLock(databaseUrl: string, key: number, applicationName: string): Promise<AdvisoryLock | null> {
  const client = await connectClient(databaseUrl, applicationName);
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key]);
    if (!rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toDbError(error);
  }
  return {
    release: async () => {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      await client.end();
    },
  };
}
