import { inTransaction, type Db, type DbTransaction } from '../client/db-client';
import { postgresErrorCode } from '../client/db-errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Day partitions made ahead of time, so inserts of the coming days never need the default partition. */
export const PARTITION_DAYS_AHEAD = 7;

/**
 * How long a partition change waits for its lock. DROP and ATTACH wait for the statements in
 * flight on the table, and every statement that comes after waits behind them: a short limit
 * bounds what a long query elsewhere can cost ingest. A change that times out is retried by
 * the next run.
 */
const LOCK_TIMEOUT_MS = 2_000;

/** 00:00 UTC of the day `time` falls in: partition bounds and retention cutoffs are whole days. */
export function utcDayStart(time: Date): Date {
  return new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
}

/** `YYYYMMDD`, the suffix of a day partition's name (`events_p20261203`). */
function dayName(day: Date): string {
  return day.toISOString().slice(0, 10).replace(/-/g, '');
}

function isLockTimeout(error: unknown): boolean {
  return postgresErrorCode(error) === '55P03';
}

/**
 * The day partitions of `events` and `deliveries` (both tables always have the same days; the
 * migration 20261203160000_partition_events_by_day defines them and the SQL functions used here).
 */
export class PartitionRepository {
  constructor(private readonly db: Db) {}

  /** Creates the partitions of the days from `first` to `last` (UTC) that are missing; resolves to how many days were new. */
  async ensureDays(first: Date, last: Date): Promise<number> {
    let created = 0;
    for (let day = utcDayStart(first).getTime(); day <= last.getTime(); day += DAY_MS) {
      const iso = new Date(day).toISOString().slice(0, 10);
      created += await this.withLockTimeout(0, async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ created: number }>>`SELECT attribution_ensure_day_partitions(${iso}::date, ${iso}::date) AS created`;
        return row!.created > 0 ? 1 : 0;
      });
    }
    return created;
  }

  /** The days that have partitions (00:00 UTC each), oldest first. */
  async days(): Promise<Date[]> {
    const rows = await this.db.$queryRaw<Array<{ name: string }>>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p[0-9]{8}$' ORDER BY c.relname`;
    return rows.map(({ name }) => new Date(`${name.slice(8, 12)}-${name.slice(12, 14)}-${name.slice(14, 16)}T00:00:00Z`));
  }

  /**
   * Drops the partitions (events and deliveries together) of every day that ended at or before
   * `before`: constant time per day, whatever it holds. Resolves to the days dropped; a day whose
   * lock could not be had in time is left for the next run.
   */
  async dropDaysBefore(before: Date): Promise<Date[]> {
    const dropped: Date[] = [];
    for (const day of await this.days()) {
      if (day.getTime() + DAY_MS > before.getTime()) break;
      const suffix = dayName(day);
      const done = await this.withLockTimeout(false, async (tx) => {
        await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS "deliveries_p${suffix}", "events_p${suffix}"`);
        return true;
      });
      if (done) dropped.push(day);
    }
    return dropped;
  }

  /** Runs `work` in a transaction whose lock waits are bounded; `onTimeout` when a lock was not granted in time. */
  private async withLockTimeout<T>(onTimeout: T, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.db, async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`);
        return work(tx);
      });
    } catch (error) {
      if (isLockTimeout(error)) return onTimeout;
      throw error;
    }
  }
}
