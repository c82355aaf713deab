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

const COLUMNS = EVENT_INSERT_COLUMNS.map((c) => c.column).join(', ');
const RECORD = EVENT_INSERT_COLUMNS.map((c) => `${c.column} ${c.sqlType}`).join(', ');

/**
 * Any number of rows in one statement with one parameter: a JSON array that PostgreSQL turns
 * into rows. The statement text never changes (one cached plan, no parameter limit), and
 * JSON.stringify is the cheapest way to serialise a batch in Node (measured: about 2-4x less
 * CPU per row than 13 unnest() arrays, which the driver escapes element by element). A JSON
 * null becomes SQL NULL (`consent` keeps its "no signal" meaning). `ON CONFLICT DO NOTHING`
 * makes a repeated (tenant, event id) a duplicate, also inside one statement; RETURNING lists
 * exactly the new rows.
 */
export const INSERT_EVENTS_SQL = `
INSERT INTO events (${COLUMNS})
SELECT ${COLUMNS}
FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD})
ON CONFLICT (tenant_id, event_id) DO NOTHING
RETURNING tenant_id::text AS tenant_id, event_id`;

/** The single parameter of INSERT_EVENTS_SQL. */
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
  protected abstract query(sql: string, parameter: string): Promise<InsertedRow[]>;

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
    return this.query(INSERT_EVENTS_SQL, toInsertParameter(rows));
  }
}

/** Through the app's Prisma client (and its pool). */
export class PrismaEventWriter extends SqlEventWriter {
  constructor(private readonly db: Db) {
    super();
  }

  protected query(sql: string, parameter: string): Promise<InsertedRow[]> {
    return this.db.$queryRawUnsafe<InsertedRow[]>(sql, parameter);
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

  protected query(sql: string, parameter: string): Promise<InsertedRow[]> {
    return this.pool.query<InsertedRow>(sql, [parameter]);
  }

  /** Closes the pool once statements in flight are done. Idempotent. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
