import type { DbClientOrTx, Event } from '../client/db-client';

export type DeliveryStatus = 'sent' | 'retrying' | 'failed' | 'dead' | 'blocked_consent' | 'parked' | 'filtered' | 'skipped';

/** One (event, destination) outcome to record. */
export interface DeliveryRecord {
  eventPk: string;
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

  /** The settled status of each event that has one at this destination. */
  async settledStatuses(eventPks: string[], destination: string): Promise<Map<string, DeliveryStatus>> {
    if (eventPks.length === 0) return new Map();
    const rows = await this.db.delivery.findMany({
      where: { eventPk: { in: eventPks.map(BigInt) }, destination, status: { in: [...SETTLED_STATUSES] } },
      select: { eventPk: true, status: true },
    });
    return new Map(rows.map((row) => [row.eventPk.toString(), row.status as DeliveryStatus]));
  }

  /** One multi-row upsert per call: each outcome lands durably before its offset is resolved. */
  async record(records: DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(pick: (r: DeliveryRecord) => T) => records.map(pick);
    await this.db.$executeRaw`
      INSERT INTO deliveries (event_pk, tenant_id, destination, status, attempts, last_status_code, last_error, next_attempt_at, sent_at)
      SELECT e, t, d, s::delivery_status, CASE WHEN a THEN 1 ELSE 0 END, c, m, n, CASE WHEN s = 'sent' THEN now() END
      FROM unnest(${column((r) => r.eventPk)}::bigint[], ${column((r) => r.tenantId)}::uuid[], ${column((r) => r.destination)}::text[],
                  ${column((r) => r.status)}::text[], ${column((r) => r.statusCode)}::int[], ${column((r) => r.error)}::text[],
                  ${column((r) => r.nextAttemptAt)}::timestamptz[], ${column((r) => r.attempted)}::boolean[]) AS x(e, t, d, s, c, m, n, a)
      ON CONFLICT (event_pk, destination) DO UPDATE SET
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

  /** The next page of deliveries a replay selects, after `afterId`, with their events (no page context). */
  replayablePage(query: ReplayableQuery, afterId: bigint, limit: number): Promise<ReplayableDelivery[]> {
    return this.db.delivery.findMany({
      where: {
        tenantId: query.tenantId,
        status: { in: query.statuses },
        ...(query.destination ? { destination: query.destination } : {}),
        ...(query.since ? { updatedAt: { gte: query.since } } : {}),
        id: { gt: afterId },
      },
      select: { id: true, destination: true, status: true, event: { omit: { context: true } } },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
