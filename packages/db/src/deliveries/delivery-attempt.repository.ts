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
   * there is no paging.
   */
  forEvent(tenantId: string, eventPk: bigint): Promise<DeliveryAttempt[]> {
    return this.db.deliveryAttempt.findMany({ where: { eventPk, tenantId }, orderBy: { id: 'asc' } });
  }
}
