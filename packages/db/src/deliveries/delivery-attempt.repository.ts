import type { DbClientOrTx, DeliveryAttempt } from '../client/db-client';

/**
 * The attempt history of deliveries, for operators: one row per outcome the dispatcher recorded
 * (DeliveryRepository.record writes them with the outcome itself). Reads only, always within one
 * tenant.
 */
export class DeliveryAttemptRepository {
  constructor(private readonly db: DbClientOrTx) {}

  /**
   * Every attempt of one of the tenant's events, to all its destinations, oldest first (in the
   * order they were recorded). Empty when the event has none or belongs to another tenant. An
   * event has a handful (its destinations times their retry tiers, plus operator replays), so
   * there is no paging. The event's receipt time names the one day partition to read.
   */
  forEvent(tenantId: string, event: { id: bigint; receivedAt: Date }): Promise<DeliveryAttempt[]> {
    return this.db.deliveryAttempt.findMany({ where: { eventPk: event.id, eventReceivedAt: event.receivedAt, tenantId }, orderBy: { id: 'asc' } });
  }
}
