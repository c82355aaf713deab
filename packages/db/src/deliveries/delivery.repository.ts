import type { DbClientOrTx, Delivery, Event } from '../client/db-client';
import type { PgPool } from '../client/pg-pool';
import { eventsByKey } from '../events/event-keys';
import { DeliveryStatus as DELIVERY_STATUS } from '../generated/prisma/enums';

export type DeliveryStatus = 'sent' | 'retrying' | 'failed' | 'dead' | 'blocked_consent' | 'parked' | 'filtered' | 'skipped';

/** One (event, destination) outcome to record. */
export interface DeliveryRecord {
  eventPk: string;
  /** The event's received_at (ISO 8601, as on the bus): the day partition the delivery lives in. */
  eventReceivedAt: string;
  tenantId: string;
  destination: string;
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  /** The platform's id of the request behind this outcome, when its answer carried one. */
  requestId: string | null;
  nextAttemptAt: Date | null;
  /** Whether this outcome came from a call to the platform (counts as an attempt). */
  attempted: boolean;
}

/** Statuses after which a redelivered message must not cause another send. */
export const SETTLED_STATUSES: readonly DeliveryStatus[] = ['sent', 'failed', 'dead', 'blocked_consent', 'parked', 'filtered', 'skipped'];

export interface ReplayableQuery {
  tenantId: string;
  statuses: Array<'dead' | 'parked'>;
  destination?: string;
  /** Only deliveries that reached their status at or after this time. */
  since?: Date;
  /** Only these deliveries (an operator's selection); still only the tenant's, in those statuses. */
  ids?: bigint[];
}

export interface ReplayableDelivery {
  id: bigint;
  destination: string;
  status: string;
  event: Omit<Event, 'context'>;
}

/** Every status a delivery row can have, `pending` included (the listing filters on them). */
export const DELIVERY_STATUSES: ReadonlyArray<Delivery['status']> = Object.values(DELIVERY_STATUS);

/** The largest page `list` returns. */
export const MAX_DELIVERY_PAGE = 1000;

/** Where a page of the listing ends: the next page starts after this row. */
export interface DeliveryListPosition {
  updatedAt: Date;
  id: bigint;
}

export interface DeliveryListQuery {
  tenantId: string;
  status?: Delivery['status'];
  destination?: string;
  /** Only deliveries whose status changed at or after this time (updated_at). */
  since?: Date;
  /** Only deliveries whose status changed before this time. */
  until?: Date;
  /** The `next` of the previous page. */
  after?: DeliveryListPosition;
  /** 1..MAX_DELIVERY_PAGE. */
  limit: number;
}

export type ListedDelivery = Delivery & { event: { eventId: string; eventName: string } };

const SETTLED_LIST = SETTLED_STATUSES.join(',');

// Lists travel as one comma-separated text each: no array binding (ids are digits, platforms and
// statuses plain words). The events' receipt times bound the day partitions searched ($4, $5).
const SETTLED_SQL = `
SELECT event_pk::text AS event_pk, destination, status::text AS status FROM deliveries
WHERE event_pk = ANY(string_to_array($1, ',')::bigint[]) AND destination = ANY(string_to_array($2, ','))
  AND status::text = ANY(string_to_array($3, ','))
  AND event_received_at >= $4::timestamptz AND event_received_at <= $5::timestamptz`;

/** A record as the upsert's JSON rows carry it (column names). */
function toRecordRow(r: DeliveryRecord) {
  return { e: r.eventPk, w: r.eventReceivedAt, t: r.tenantId, d: r.destination, s: r.status, c: r.statusCode, m: r.error, r: r.requestId, n: r.nextAttemptAt, a: r.attempted };
}

/** An attempt keeps this much of the reason (delivery_attempts_message_check). */
export const ATTEMPT_MESSAGE_MAX_LENGTH = 500;

// One statement for both tables: the data-modifying CTE appends each outcome to the attempt
// history while the outer INSERT upserts the outcome itself, both from the same rows, parsed once
// (a CTE read twice is materialised), so the history costs no round trip of its own.
const RECORD_SQL = `
WITH x AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(e bigint, w timestamptz, t uuid, d text, s text, c int, m text, r text, n timestamptz, a boolean)
), history AS (
  INSERT INTO delivery_attempts (event_pk, event_received_at, tenant_id, destination, status, attempted, status_code, message, platform_request_id, next_attempt_at)
  SELECT e, w, t, d, s::delivery_status, a, c, left(m, ${ATTEMPT_MESSAGE_MAX_LENGTH}), r, n FROM x
)
INSERT INTO deliveries (event_pk, event_received_at, tenant_id, destination, status, attempts, last_status_code, last_error, last_request_id, next_attempt_at, sent_at)
SELECT e, w, t, d, s::delivery_status, CASE WHEN a THEN 1 ELSE 0 END, c, m, r, n, CASE WHEN s = 'sent' THEN now() END
FROM x
ON CONFLICT (event_pk, destination, event_received_at) DO UPDATE SET
  status = EXCLUDED.status,
  attempts = deliveries.attempts + EXCLUDED.attempts,
  last_status_code = EXCLUDED.last_status_code,
  last_error = EXCLUDED.last_error,
  last_request_id = EXCLUDED.last_request_id,
  next_attempt_at = EXCLUDED.next_attempt_at,
  sent_at = COALESCE(EXCLUDED.sent_at, deliveries.sent_at),
  updated_at = now()`;

/**
 * The (event, destination) row is the idempotency record of the dispatcher: Kafka delivers at
 * least once, and this table turns that into at most one successful send per destination.
 */
export class DeliveryRepository {
  /**
   * `hotPath`: a node-postgres pool for the dispatcher's two statements per batch (settled
   * statuses, outcome upsert); Prisma's own work per statement cost the dispatcher about a tenth
   * of its CPU (docs/benchmarks.md, issue 15). Without it, the same SQL runs through Prisma.
   */
  constructor(
    private readonly db: DbClientOrTx,
    private readonly hotPath?: PgPool,
  ) {}

  private run<R extends Record<string, unknown>>(sql: string, parameters: unknown[]): Promise<R[]> {
    return this.hotPath ? this.hotPath.query<R>(sql, parameters) : this.db.$queryRawUnsafe<R[]>(sql, ...parameters);
  }

  /**
   * Per destination, the settled status of each event that has one there: one query for all of
   * a tenant's destinations. Every destination asked for has a map, empty when nothing is settled.
   */
  async settledStatuses(events: Array<{ id: string; receivedAt: string }>, destinations: string[]): Promise<Map<string, Map<string, DeliveryStatus>>> {
    const byDestination = new Map(destinations.map((d) => [d, new Map<string, DeliveryStatus>()]));
    if (events.length === 0 || destinations.length === 0) return byDestination;
    const times = events.map((e) => Date.parse(e.receivedAt));
    const bounds = [new Date(Math.min(...times)).toISOString(), new Date(Math.max(...times)).toISOString()];
    const rows = await this.run<{ event_pk: string; destination: string; status: DeliveryStatus }>(SETTLED_SQL, [
      events.map((e) => e.id).join(','),
      destinations.join(','),
      SETTLED_LIST,
      ...bounds,
    ]);
    for (const row of rows) byDestination.get(row.destination)?.set(row.event_pk, row.status);
    return byDestination;
  }

  /**
   * One multi-row upsert per call, plus one delivery_attempts row per record in the same
   * statement: each outcome lands durably before its offset is resolved. The rows travel as one
   * JSON parameter, as the ingest writer's do: one short statement text and one string to bind,
   * whatever the number of rows.
   */
  async record(records: DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.run(RECORD_SQL, [JSON.stringify(records.map(toRecordRow))]);
  }

  /** How many of a tenant's deliveries are in each (destination, status). */
  async countsByStatus(tenantId: string): Promise<Array<{ destination: string; status: string; count: number }>> {
    const groups = await this.db.delivery.groupBy({
      by: ['destination', 'status'],
      where: { tenantId },
      _count: { _all: true },
      orderBy: [{ destination: 'asc' }, { status: 'asc' }],
    });
    return groups.map((g) => ({ destination: g.destination, status: g.status, count: g._count._all }));
  }

  count(tenantId: string, destination: string, status: DeliveryStatus): Promise<number> {
    return this.db.delivery.count({ where: { tenantId, destination, status } });
  }

  /**
   * The next page of deliveries a replay selects, after `afterId`, with their events (no page
   * context). Events and deliveries have no relation (partitioned tables), so the events are
   * read by their key; a delivery whose event is gone (pruned or erased meanwhile) is left out.
   */
  async replayablePage(query: ReplayableQuery, afterId: bigint, limit: number): Promise<ReplayableDelivery[]> {
    for (let after = afterId; ; ) {
      const page = await this.db.delivery.findMany({
        where: {
          tenantId: query.tenantId,
          status: { in: query.statuses },
          ...(query.destination ? { destination: query.destination } : {}),
          ...(query.since ? { updatedAt: { gte: query.since } } : {}),
          id: { gt: after, ...(query.ids ? { in: query.ids } : {}) },
        },
        select: { id: true, eventPk: true, eventReceivedAt: true, destination: true, status: true },
        orderBy: { id: 'asc' },
        take: limit,
      });
      if (page.length === 0) return [];
      const events = await eventsByKey(this.db, page);
      const rows = page.flatMap(({ id, eventPk, destination, status }) => {
        const event = events.get(eventPk);
        return event ? [{ id, destination, status, event }] : [];
      });
      // A full page of orphans is not the end: read on.
      if (rows.length > 0 || page.length < limit) return rows;
      after = page.at(-1)!.id;
    }
  }

  /**
   * One page of a tenant's deliveries, the most recent status change first (ties by id), with
   * each one's event id and name. `next` is where the following page starts, null after the
   * last. A delivery whose status changes while an operator pages moves to the first page; one
   * whose event is gone (pruned or erased meanwhile) is left out.
   */
  async list(query: DeliveryListQuery): Promise<{ deliveries: ListedDelivery[]; next: DeliveryListPosition | null }> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_DELIVERY_PAGE) {
      throw new RangeError(`a page holds 1 to ${MAX_DELIVERY_PAGE} deliveries, not ${query.limit}`);
    }
    const { after } = query;
    const rows = await this.db.delivery.findMany({
      where: {
        tenantId: query.tenantId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.destination ? { destination: query.destination } : {}),
        updatedAt: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lt: query.until } : {}) },
        ...(after ? { OR: [{ updatedAt: { lt: after.updatedAt } }, { updatedAt: after.updatedAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      // One more than asked: whether there is a next page, without counting.
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const events = await eventsByKey(this.db, page);
    const deliveries = page.flatMap((delivery) => {
      const event = events.get(delivery.eventPk);
      return event ? [{ ...delivery, event: { eventId: event.eventId, eventName: event.eventName } }] : [];
    });
    const last = page.at(-1);
    return { deliveries, next: rows.length > query.limit && last ? { updatedAt: last.updatedAt, id: last.id } : null };
  }
}
