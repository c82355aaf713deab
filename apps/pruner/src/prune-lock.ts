import { tryAdvisoryLock, type AdvisoryLock } from '@attribution/db';

/** Fixed key of the session-level advisory lock that lets one pruner run at a time. */
const PRUNE_LOCK_KEY = 7_340_001;

export type PruneLock = AdvisoryLock;

/** The cluster-wide prune lock, or null when another pruner holds it. */
export function tryAcquirePruneLock(databaseUrl: string): Promise<PruneLock | null> {
  return tryAdvisoryLock(databaseUrl, PRUNE_LOCK_KEY, 'attribution-pruner-lock');
}
