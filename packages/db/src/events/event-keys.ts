import type { DbClientOrTx, Delivery, Event } from '../client/db-client';

/**
 * Events, deliveries and delivery attempts are partitioned by the event's receipt day and have
 * no relations between them (docs/database.md, "Partitioning"), so reads that join them go by
 * key: an event is (id, received_at), and its deliveries carry both (event_pk,
 * event_received_at). Naming the receipt time lets PostgreSQL visit only those days.
 */
export interface EventKey {
  eventPk: bigint;
  eventReceivedAt: Date;
}

/** The events behind some deliveries, by events.id; an event that is gone (pruned, erased) is missing. */
export async function eventsByKey(db: DbClientOrTx, keys: EventKey[]): Promise<Map<bigint, Omit<Event, 'context'>>> {
  if (keys.length === 0) return new Map();
  const events = await db.event.findMany({
    where: { OR: keys.map((key) => ({ id: key.eventPk, receivedAt: key.eventReceivedAt })) },
    omit: { context: true },
  });
  return new Map(events.map((event) => [event.id, event]));
}

/** Each event with its deliveries (by destination), all within one tenant. */
export async function withDeliveries<E extends Pick<Event, 'id' | 'receivedAt'>>(
  db: DbClientOrTx,
  tenantId: string,
  events: E[],
): Promise<Array<E & { deliveries: Delivery[] }>> {
  if (events.length === 0) return [];
  const deliveries = await db.delivery.findMany({
    where: { tenantId, OR: events.map((event) => ({ eventPk: event.id, eventReceivedAt: event.receivedAt })) },
    orderBy: { destination: 'asc' },
  });
  const byEvent = new Map<bigint, Delivery[]>();
  for (const delivery of deliveries) byEvent.set(delivery.eventPk, [...(byEvent.get(delivery.eventPk) ?? []), delivery]);
  return events.map((event) => ({ ...event, deliveries: byEvent.get(event.id) ?? [] }));
}
