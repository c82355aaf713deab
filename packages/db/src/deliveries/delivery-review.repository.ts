import type { DbClientOrTx, Event } from '../client/db-client';
import { eventsByKey } from '../events/event-keys';

/** Which dead or parked deliveries of one tenant an operator looks at. */
export interface StuckDeliveryFilter {
  tenantId: string;
  statuses: Array<'dead' | 'parked'>;
  destination?: string;
  /** Part of the recorded reason (last_error), case-insensitive. */
  reason?: string;
  /** Reached their status at or after this time. */
  since?: Date;
  /** Reached their status before this time. */
  until?: Date;
  /** Only these deliveries (an operator's selection). */
  ids?: bigint[];
}

export interface StuckDelivery {
  id: bigint;
  destination: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastRequestId: string | null;
  updatedAt: Date;
  event: Pick<Event, 'id' | 'eventId' | 'eventName' | 'eventTime' | 'receivedAt'>;
}

/** Deliveries of one destination, counted by status, for one hour of received events. */
export interface HourlyOutcome {
  destination: string;
  /** Start of the hour (UTC) in which the events were received. */
  hour: Date;
  status: string;
  count: number;
}

/**
 * Reads of one tenant's deliveries for review (the operator console): what is stuck, and how
 * each destination fared hour by hour. Every query is scoped to the tenant.
 */
export class DeliveryReviewRepository {
  constructor(private readonly db: DbClientOrTx) {}

  /** Newest first; at most `limit` (the tenant_id, status index). One whose event is gone is left out. */
  async stuck(filter: StuckDeliveryFilter, limit: number): Promise<StuckDelivery[]> {
    const updatedAt = { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) };
    const rows = await this.db.delivery.findMany({
      where: {
        tenantId: filter.tenantId,
        status: { in: filter.statuses },
        ...(filter.destination ? { destination: filter.destination } : {}),
        ...(filter.reason ? { lastError: { contains: filter.reason, mode: 'insensitive' } } : {}),
        ...(filter.since || filter.until ? { updatedAt } : {}),
        ...(filter.ids ? { id: { in: filter.ids } } : {}),
      },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: {
        id: true,
        destination: true,
        status: true,
        attempts: true,
        lastStatusCode: true,
        lastError: true,
        lastRequestId: true,
        updatedAt: true,
        eventPk: true,
        eventReceivedAt: true,
      },
    });
    const events = await eventsByKey(this.db, rows);
    return rows.flatMap(({ eventPk, eventReceivedAt: _, ...delivery }) => {
      const event = events.get(eventPk);
      return event ? [{ ...delivery, event: { id: event.id, eventId: event.eventId, eventName: event.eventName, eventTime: event.eventTime, receivedAt: event.receivedAt } }] : [];
    });
  }

  /**
   * Outcomes of the events received since `since`, per destination, hour and status. Bucketed by
   * the event's receipt, so the (tenant_id, received_at) index of events selects the rows and
   * the deliveries' (event_pk, destination, event_received_at) key joins them, day by day: no
   * index on deliveries' times, which
   * the dispatcher would pay for on every outcome it records.
   */
  async hourlyOutcomes(tenantId: string, since: Date): Promise<HourlyOutcome[]> {
    const rows = await this.db.$queryRaw<Array<{ destination: string; hour: Date; status: string; count: number }>>`
      SELECT d.destination, date_trunc('hour', e.received_at, 'UTC') AS hour, d.status::text AS status, count(*)::int AS count
      FROM events e JOIN deliveries d ON d.event_pk = e.id AND d.event_received_at = e.received_at AND d.tenant_id = e.tenant_id
      WHERE e.tenant_id = ${tenantId}::uuid AND e.received_at >= ${since}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    return rows;
  }
}
