import { Client } from 'pg';

/** Fixed key of the session-level advisory lock that lets one pruner run at a time. */
const PRUNE_LOCK_KEY = 7_340_001;

export interface PruneLock {
  release(): Promise<void>;
}

/**
 * Takes the cluster-wide prune lock on a dedicated connection (session advisory locks belong to
 * a connection, and a pool would hand out others), or returns null when another pruner holds it.
 * If the process dies, PostgreSQL drops the lock with the connection.
 */
export async function tryAcquirePruneLock(databaseUrl: string): Promise<PruneLock | null> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'attribution-pruner-lock' });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PRUNE_LOCK_KEY]);
    if (!rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    release: async () => {
      await client.query('SELECT pg_advisory_unlock($1)', [PRUNE_LOCK_KEY]).catch(() => undefined);
      await client.end();
    },
  };
}
