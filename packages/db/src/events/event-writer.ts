import type { Db } from '../client/db-client';
import { PgPool } from '../client/pg-pool';
import { EVENT_INSERT_COLUMNS, type NewEventRow } from './event-columns';

export interface EventWriter {
  /** Stores new rows and returns the client event ids that were new (the rest were duplicates). */
  insert(rows: NewEventRow[]): Promise<Set<string>>;
}

/**
 * A writer that can store rows of many tenants in one statement and says which (tenant, event
 * id) pairs were new, as keys made by {@link eventKey}: what a batching writer needs to give each
 * caller its own answer.
 */
export interface KeyedEventWriter {
  insertKeyed(rows: NewEventRow[]): Promise<Set<string>>;
}

/**
 * The identity of a stored event. A tenant id is a UUID (no `/`), so the pair is unambiguous;
 * lower-cased because PostgreSQL prints UUIDs in lower case.
 */
export function eventKey(tenantId: string, eventId: string): string {
  return `${tenantId.toLowerCase()}/${eventId}`;
}

/** Every copy received this recently is a duplicate, whatever its event_time (Meta and TikTok dedupe over 48 h). */
export const DUPLICATE_WINDOW_HOURS = 48;
/** How far ahead of its receipt an event_time may be (the ingest-api's validation). */
const EVENT_TIME_LEAD_MINUTES = 10;
/** Margin for the clocks of the app and the database, around the bounds the app computes. */
const CLOCK_MARGIN_MS = 3600_000;

const COLUMNS = EVENT_INSERT_COLUMNS.map((c) => c.column).join(', ');
const RECORD = EVENT_INSERT_COLUMNS.map((c) => `${c.column} ${c.sqlType}`).join(', ');

/**
 * Any number of rows in one statement with one parameter: a JSON array that PostgreSQL turns
 * into rows. The statement text never changes (one cached plan, no parameter limit), and
 * JSON.stringify is the cheapest way to serialise a batch in Node (measured: about 2-4x less
 * CPU per row than 13 unnest() arrays, which the driver escapes element by element). A JSON
 * null becomes SQL NULL (`consent` keeps its "no signal" meaning). RETURNING lists exactly the
 * new rows.
 *
 * A repeated (tenant, event id) is a duplicate (docs/database.md, "Partitioning"): within the
 * day's partition by its unique index (`ON CONFLICT DO NOTHING`, also inside one statement),
 * and in earlier days by the lateral probe, over the duplicate window: every copy received in the
 * last 48 hours (the platforms' own dedup window), and any earlier copy received after the
 * repeat's event_time minus 10 minutes (every retry of one payload: it keeps its event_time,
 * which ingest takes at most 7 days old and 10 minutes ahead). $2 and $3 bound that search for
 * the whole batch (duplicateSearchBounds), so the planner only plans those days' partitions;
 * the per-row bound prunes them further at run time.
 *
 * The probe is one index lookup per row and earlier day, whatever the statistics say, for two
 * reasons. It is a LATERAL subquery with LIMIT 1, not a NOT EXISTS, so the planner cannot turn it
 * into a join: a NOT EXISTS was planned as a hash anti join over every row of the window
 * (jsonb_to_recordset is estimated at 100 rows). And its only indexable condition is the event
 * id, the leading column of each day's unique (event_id, tenant_id) index: the tenant is compared
 * through IS TRUE, which no index serves, so the tenant's (tenant_id, received_at) index, which
 * the planner took on partitions without statistics yet, is out of reach. Both wrong plans cost
 * in proportion to the day's traffic (docs/benchmarks.md); event-writer.integration.test.ts
 * checks the plan.
 */
export const INSERT_EVENTS_SQL = `
INSERT INTO events (${COLUMNS})
SELECT ${COLUMNS}
FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD})
LEFT JOIN LATERAL (
  SELECT true AS seen FROM events seen
  WHERE seen.event_id = r.event_id AND (seen.tenant_id = r.tenant_id) IS TRUE
    AND seen.received_at >= $2::timestamptz AND seen.received_at < $3::timestamptz
    AND seen.received_at >= LEAST(now() - interval '${DUPLICATE_WINDOW_HOURS} hours', r.event_time - interval '${EVENT_TIME_LEAD_MINUTES} minutes')
  LIMIT 1) earlier ON true
WHERE earlier.seen IS NULL
ON CONFLICT DO NOTHING
RETURNING tenant_id::text AS tenant_id, event_id`;

/**
 * $2 and $3 of INSERT_EVENTS_SQL: the receipt times between which an earlier copy of any of the
 * rows can be, with a margin for the clocks of the app and the database. For fresh events, the
 * last two days and a bit: the partitions of today and the two days before.
 */
export function duplicateSearchBounds(rows: NewEventRow[], now = Date.now()): [Date, Date] {
  let from = now - DUPLICATE_WINDOW_HOURS * 3600_000;
  for (const row of rows) from = Math.min(from, row.eventTime.getTime() - EVENT_TIME_LEAD_MINUTES * 60_000);
  return [new Date(from - CLOCK_MARGIN_MS), new Date(now + CLOCK_MARGIN_MS)];
}

/** The first parameter of INSERT_EVENTS_SQL: the rows. */
export function toInsertParameter(rows: NewEventRow[]): string {
  return JSON.stringify(rows.map(toRecord));
}

// A loop, not Object.fromEntries: this runs for every ingested event (no intermediate arrays).
function toRecord(row: NewEventRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const c of EVENT_INSERT_COLUMNS) record[c.column] = c.value(row);
  return record;
}

interface InsertedRow {
  tenant_id: string;
  event_id: string;
}

abstract class SqlEventWriter implements EventWriter, KeyedEventWriter {
  protected abstract query(sql: string, parameters: [string, Date, Date]): Promise<InsertedRow[]>;

  async insert(rows: NewEventRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    return new Set((await this.run(rows)).map((row) => row.event_id));
  }

  async insertKeyed(rows: NewEventRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    return new Set((await this.run(rows)).map((row) => eventKey(row.tenant_id, row.event_id)));
  }

  // Both clients map a connection failure to DependencyUnavailableError themselves.
  private run(rows: NewEventRow[]): Promise<InsertedRow[]> {
    return this.query(INSERT_EVENTS_SQL, [toInsertParameter(rows), ...duplicateSearchBounds(rows)]);
  }
}

/** Through the app's Prisma client (and its pool). */
export class PrismaEventWriter extends SqlEventWriter {
  constructor(private readonly db: Db) {
    super();
  }

  protected query(sql: string, parameters: [string, Date, Date]): Promise<InsertedRow[]> {
    return this.db.$queryRawUnsafe<InsertedRow[]>(sql, ...parameters);
  }
}

export interface PgEventWriterOptions {
  /** Connections; the batching writer uses one per statement in flight. */
  poolMax: number;
  connectionTimeoutMillis?: number;
  /** Called when an idle pooled connection fails (e.g. PostgreSQL restarted); it is replaced. */
  onPoolError?: (error: Error) => void;
}

/**
 * Straight through node-postgres, on a small pool of its own: the hot path of ingestion, where
 * Prisma's per-query work costs more Node CPU than the insert itself (measured: ~0.11 ms vs
 * ~0.32 ms of CPU for a one-row statement, 6 µs vs 21 µs per row in a 50-row statement).
 */
export class PgEventWriter extends SqlEventWriter {
  private readonly pool: PgPool;

  constructor(databaseUrl: string, options: PgEventWriterOptions) {
    super();
    this.pool = new PgPool(databaseUrl, { ...options, applicationName: 'ingest-api-event-writer' });
  }

  protected query(sql: string, parameters: [string, Date, Date]): Promise<InsertedRow[]> {
    return this.pool.query<InsertedRow>(sql, parameters);
  }

  /** Closes the pool once statements in flight are done. Idempotent. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
