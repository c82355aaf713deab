import type { DbClientOrTx, Delivery, Event } from '../client/db-client';

/** A stored event with its outcome at each destination, as an operator reviews it. */
export type EventWithDeliveries = Event & { deliveries: Delivery[] };

/**
 * Reads of one tenant's events for review (the operator console): every query names the tenant,
 * for the events and for their deliveries, so one tenant's page can never show another's rows.
 */
export class EventLookupRepository {
  constructor(private readonly db: DbClientOrTx) {}

  /** The tenant's newest events, newest first (the (tenant_id, received_at) index). */
  recent(tenantId: string, limit: number): Promise<EventWithDeliveries[]> {
    return this.db.event.findMany({
      where: { tenantId },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: { deliveries: { where: { tenantId }, orderBy: { destination: 'asc' } } },
    });
  }

  /** One event by the client's event id (unique per tenant); null when this tenant has none. */
  byEventId(tenantId: string, eventId: string): Promise<EventWithDeliveries | null> {
    return this.db.event.findUnique({
      where: { tenantId_eventId: { tenantId, eventId } },
      include: { deliveries: { where: { tenantId }, orderBy: { destination: 'asc' } } },
    });
  }
}
