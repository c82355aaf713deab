import type { DbClientOrTx, Event } from '../client/db-client';

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
}

export interface ReplayableDelivery {
  id: bigint;
  destination: string;
  status: string;
  event: Omit<Event, 'context'>;
}

/**
 * The (event, destination) row is the idempotency record of the dispatcher: Kafka delivers at
 * least once, and this table turns that into at most one successful send per destination.
 */
export class DeliveryRepository {
  constructor(private readonly db: DbClientOrTx) {}

  /**
   * The settled status of each event that has one at this destination. The events' receipt
   * times bound the day partitions searched (the planner skips the others).
   */
  async settledStatuses(events: Array<{ id: string; receivedAt: string }>, destination: string): Promise<Map<string, DeliveryStatus>> {
    if (events.length === 0) return new Map();
    const times = events.map((e) => Date.parse(e.receivedAt));
    const rows = await this.db.delivery.findMany({
      where: {
        eventPk: { in: events.map((e) => BigInt(e.id)) },
        eventReceivedAt: { gte: new Date(Math.min(...times)), lte: new Date(Math.max(...times)) },
        destination,
        status: { in: [...SETTLED_STATUSES] },
      },
      select: { eventPk: true, status: true },
    });
    return new Map(rows.map((row) => [row.eventPk.toString(), row.status as DeliveryStatus]));
  }

  /** One multi-row upsert per call: each outcome lands durably before its offset is resolved. */
  async record(records: DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(pick: (r: DeliveryRecord) => T) => records.map(pick);
    await this.db.$executeRaw`
      INSERT INTO deliveries (event_pk, event_received_at, tenant_id, destination, status, attempts, last_status_code, last_error, next_attempt_at, sent_at)
      SELECT e, r, t, d, s::delivery_status, CASE WHEN a THEN 1 ELSE 0 END, c, m, n, CASE WHEN s = 'sent' THEN now() END
      FROM unnest(${column((r) => r.eventPk)}::bigint[], ${column((r) => r.eventReceivedAt)}::timestamptz[], ${column((r) => r.tenantId)}::uuid[],
                  ${column((r) => r.destination)}::text[], ${column((r) => r.status)}::text[], ${column((r) => r.statusCode)}::int[],
                  ${column((r) => r.error)}::text[], ${column((r) => r.nextAttemptAt)}::timestamptz[], ${column((r) => r.attempted)}::boolean[])
           AS x(e, r, t, d, s, c, m, n, a)
      ON CONFLICT (event_pk, destination, event_received_at) DO UPDATE SET
        status = EXCLUDED.status,
        attempts = deliveries.attempts + EXCLUDED.attempts,
        last_status_code = EXCLUDED.last_status_code,
        last_error = EXCLUDED.last_error,
        next_attempt_at = EXCLUDED.next_attempt_at,
        sent_at = COALESCE(EXCLUDED.sent_at, deliveries.sent_at),
        updated_at = now()`;
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
          id: { gt: after },
        },
        select: { id: true, eventPk: true, eventReceivedAt: true, destination: true, status: true },
        orderBy: { id: 'asc' },
        take: limit,
      });
      if (page.length === 0) return [];
      const events = await this.db.event.findMany({
        where: { OR: page.map((d) => ({ id: d.eventPk, receivedAt: d.eventReceivedAt })) },
        omit: { context: true },
      });
      const byPk = new Map(events.map((event) => [event.id, event]));
      const rows = page.flatMap(({ id, eventPk, destination, status }) => {
        const event = byPk.get(eventPk);
        return event ? [{ id, destination, status, event }] : [];
      });
      // A full page of orphans is not the end: read on.
      if (rows.length > 0 || page.length < limit) return rows;
      after = page.at(-1)!.id;
    }
  }
}
