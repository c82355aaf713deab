import type { Logger } from '@attribution/core';
import type { Db } from '@attribution/db';
import type { DispatcherMetrics } from './dispatcher.metrics';

/** One destination as the alerts see it: its stored status and how many deliveries wait parked. */
export interface DestinationStateRow {
  tenantId: string;
  destination: string;
  status: 'active' | 'needs_credentials';
  parked: number;
}

/**
 * Every destination of every tenant in one grouped query. The parked count is a correlated
 * subquery per destination so it walks the (tenant_id, status) index over that tenant's parked
 * rows only; a join grouped over `deliveries` would scan the whole table on every refresh.
 */
export async function readDestinationStates(db: Db): Promise<DestinationStateRow[]> {
  const rows = await db.$queryRaw<Array<{ tenant_id: string; platform: string; status: string; parked: bigint }>>`
    SELECT d.tenant_id::text AS tenant_id, d.platform, d.status::text AS status,
           (SELECT count(*) FROM deliveries p
             WHERE p.tenant_id = d.tenant_id AND p.status = 'parked' AND p.destination = d.platform) AS parked
      FROM destinations d`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    destination: r.platform,
    status: r.status === 'active' ? 'active' : 'needs_credentials',
    parked: Number(r.parked),
  }));
}

/**
 * Refreshes attribution_destination_state and attribution_deliveries_parked every `intervalMs`
 * (the alerts wait 15 and 30 minutes, so 30 s is plenty). A failed read keeps the last values
 * (DatabaseUnreachable covers the outage) and is logged once until a read succeeds again.
 */
export function pollDestinationStates(
  deps: { db: Db; metrics: DispatcherMetrics; logger: Logger },
  intervalMs = 30_000,
): { stop(): void; refreshed: Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;
  const refresh = async () => {
    try {
      deps.metrics.destinationStates(await readDestinationStates(deps.db));
      failing = false;
    } catch (error) {
      if (!failing) deps.logger.warn('destination_state_poll_failed', { error });
      failing = true;
    }
    if (stopped) return;
    timer = setTimeout(() => void refresh(), intervalMs);
    timer.unref();
  };
  const refreshed = refresh();
  return {
    refreshed,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
