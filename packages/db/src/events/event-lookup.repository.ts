import type { DbClientOrTx, Delivery, Event } from '../client/db-client';
import { withDeliveries } from './event-keys';

/** A stored event with its outcome at each destination, as an operator reviews it. */
export type EventWithDeliveries = Event & { deliveries: Delivery[] };

/**
 * Reads of one tenant's events for review (the operator console): every query names the tenant,
 * for the events and for their deliveries, so one tenant's page can never show another's rows.
 */
export class EventLookupRepository {
  constructor(private readonly db: DbClientOrTx) {}

  /** The tenant's newest events, newest first (the (tenant_id, received_at) index). */
  async recent(tenantId: string, limit: number): Promise<EventWithDeliveries[]> {
    const events = await this.db.event.findMany({ where: { tenantId }, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], take: limit });
    return withDeliveries(this.db, tenantId, events);
  }

  /**
   * One event by the client's event id; null when this tenant has none. The id is unique per
   * tenant within the duplicate window (docs/database.md, "Keys and idempotency"); should a client
   * reuse one later, the newest copy is the one shown.
   */
  async byEventId(tenantId: string, eventId: string): Promise<EventWithDeliveries | null> {
    const event = await this.db.event.findFirst({ where: { tenantId, eventId }, orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }] });
    return event ? ((await withDeliveries(this.db, tenantId, [event]))[0] ?? null) : null;
  }
}
