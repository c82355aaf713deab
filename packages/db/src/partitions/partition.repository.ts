import { inTransaction, type Db, type DbTransaction } from '../client/db-client';
import { postgresErrorCode } from '../client/db-errors';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Day partitions made ahead of time, so inserts of the coming days never need the default partition. */
export const PARTITION_DAYS_AHEAD = 7;

/** The partitioned tables, children first: every one has the same day partitions. */
const TABLES = ['delivery_attempts', 'deliveries', 'events'] as const;

/** A day partition's name, attached or detached: `<table>_pYYYYMMDD`. */
const DAY_TABLE = /^(delivery_attempts|deliveries|events)_p([0-9]{8})$/;

/**
 * How long a partition change waits for its lock. DETACH and ATTACH wait for the statements in
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

function dayOfName(yyyymmdd: string): Date {
  return new Date(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T00:00:00Z`);
}

function isLockTimeout(error: unknown): boolean {
  return postgresErrorCode(error) === '55P03';
}

/**
 * The day partitions of `events`, `deliveries` and `delivery_attempts` (the three tables always
 * have the same days; the migration 20261204060000_partition_events_by_day defines them and the
 * SQL functions used here).
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
    return rows.map(({ name }) => dayOfName(name.slice(8)));
  }

  /**
   * Removes the partitions (of the three tables together) of every day that ended at or before
   * `before`: constant time per day, whatever it holds. Each day is first detached, a catalogue
   * change that holds the parents' lock for an instant, then dropped as a table of its own, which
   * no longer locks the parents while its files go (ingest and the dispatcher do not wait for it).
   * A detached table left by an interrupted run is dropped by the next. Rows of those days that
   * were written into the default partitions meanwhile (a dispatcher recording an outcome of an
   * expired event) go too. Resolves to the days detached; a day (or a drop) whose lock could not
   * be had in time is left for the next run.
   */
  async dropDaysBefore(before: Date): Promise<Date[]> {
    const dropped: Date[] = [];
    for (const day of await this.days()) {
      if (day.getTime() + DAY_MS > before.getTime()) break;
      const suffix = dayName(day);
      const done = await this.withLockTimeout(false, async (tx) => {
        // Whichever of the day's three tables is attached (all three, unless someone removed one by hand).
        const attached = await tx.$queryRaw<Array<{ parent: string }>>`
          SELECT p.relname AS parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          WHERE c.relname = ANY(${TABLES.map((table) => `${table}_p${suffix}`)})`;
        const parents = new Set(attached.map((row) => row.parent));
        for (const table of TABLES.filter((t) => parents.has(t))) await tx.$executeRawUnsafe(`ALTER TABLE "${table}" DETACH PARTITION "${table}_p${suffix}"`);
        return true;
      });
      if (done) dropped.push(day);
    }
    // Bounded too: a query that still reads a detached table (it began before the detach) leaves
    // the drop to the next run rather than holding the pruner.
    const detached = await this.detachedBefore(before);
    if (detached.length > 0) {
      await this.withLockTimeout(undefined, (tx) => tx.$executeRawUnsafe(`DROP TABLE ${detached.map((name) => `"${name}"`).join(', ')}`).then(() => undefined));
    }
    await this.db.$executeRaw`DELETE FROM deliveries_default WHERE event_received_at < ${before}`;
    await this.db.$executeRaw`DELETE FROM delivery_attempts_default WHERE event_received_at < ${before}`;
    return dropped;
  }

  /** Day tables that are no longer partitions, of days that ended at or before `before`. */
  private async detachedBefore(before: Date): Promise<string[]> {
    const rows = await this.db.$queryRaw<Array<{ name: string }>>`
      SELECT relname AS name FROM pg_class
      WHERE relkind = 'r' AND NOT relispartition AND relnamespace = current_schema()::regnamespace
        AND relname ~ '^(delivery_attempts|deliveries|events)_p[0-9]{8}$'`;
    return rows.map(({ name }) => name).filter((name) => dayOfName(DAY_TABLE.exec(name)![2]!).getTime() + DAY_MS <= before.getTime());
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
