import type { Logger } from '@attribution/core';
import type { PrismaClient } from '@attribution/db';

export interface PruneReport {
  tenants: number;
  deleted: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes each tenant's events older than its retention window (deliveries go with them by
 * cascade), in bounded batches so no statement holds locks for long and ingest is not stalled.
 * Running it twice is harmless: a batch that finds nothing ends that tenant's run.
 */
export class PruneService {
  constructor(
    private readonly config: { batchSize: number },
    private readonly deps: { db: PrismaClient; logger: Logger; now?: () => Date; shouldStop?: () => boolean },
  ) {}

  async pruneAll(): Promise<PruneReport> {
    const tenants = await this.deps.db.tenant.findMany({ select: { id: true, retentionDays: true }, orderBy: { id: 'asc' } });
    let deleted = 0;
    for (const tenant of tenants) {
      if (this.deps.shouldStop?.()) break;
      deleted += await this.pruneTenant(tenant.id, tenant.retentionDays);
    }
    return { tenants: tenants.length, deleted };
  }

  async pruneTenant(tenantId: string, retentionDays: number): Promise<number> {
    const started = Date.now();
    const cutoff = new Date((this.deps.now?.() ?? new Date()).getTime() - retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const count = await this.deps.db.$executeRaw`
        DELETE FROM events WHERE id IN (
          SELECT id FROM events WHERE tenant_id = ${tenantId}::uuid AND received_at < ${cutoff}
          LIMIT ${this.config.batchSize})`;
      deleted += count;
      if (count < this.config.batchSize || this.deps.shouldStop?.()) break;
    }
    this.deps.logger.info('prune_completed', {
      tenant_id: tenantId,
      deleted,
      retention_days: retentionDays,
      cutoff: cutoff.toISOString(),
      duration_ms: Date.now() - started,
    });
    return deleted;
  }
}
