import type { Logger } from '@attribution/core';
import { EventRepository, TenantRepository, type Db } from '@attribution/db';
import { withSpan } from '@attribution/runtime';
import { tryAcquirePruneLock } from './prune-lock';
import type { PrunerMetrics } from './pruner.metrics';

export interface PruneReport {
  /** false when another pruner held the lock and this run did nothing. */
  ran: boolean;
  tenants: number;
  deleted: number;
}

export interface PruneServiceConfig {
  databaseUrl: string;
  batchSize: number;
  /** Pause between batches, to leave I/O to the ingest path on busy databases. */
  batchPauseMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes each tenant's events older than its retention window (deliveries follow by cascade)
 * in bounded batches, oldest first, so no statement holds locks for long and an interrupted run
 * simply continues next time. One pruner runs at a time across replicas (advisory lock).
 */
export class PruneService {
  private readonly tenants: TenantRepository;
  private readonly events: EventRepository;

  constructor(
    private readonly config: PruneServiceConfig,
    private readonly deps: { db: Db; logger: Logger; metrics?: PrunerMetrics; now?: () => Date; shouldStop?: () => boolean },
  ) {
    this.tenants = new TenantRepository(deps.db);
    this.events = new EventRepository(deps.db);
  }

  async pruneAll(): Promise<PruneReport> {
    const started = Date.now();
    const lock = await tryAcquirePruneLock(this.config.databaseUrl);
    if (!lock) {
      this.deps.logger.info('prune_skipped', { reason: 'another pruner holds the lock' });
      this.deps.metrics?.run('skipped_locked', 0);
      return { ran: false, tenants: 0, deleted: 0 };
    }
    try {
      const tenants = await this.tenants.retentionWindows();
      let deleted = 0;
      for (const tenant of tenants) {
        if (this.deps.shouldStop?.()) break;
        // One span per tenant: its DELETE batches (pg spans) and prune_completed line join it.
        deleted += await withSpan('prune tenant', { attributes: { 'tenant.id': tenant.id, 'retention.days': tenant.retentionDays } }, async (span) => {
          const count = await this.pruneTenant(tenant.id, tenant.retentionDays);
          span.setAttribute('events.deleted', count);
          return count;
        });
      }
      this.deps.metrics?.run('success', (Date.now() - started) / 1000);
      return { ran: true, tenants: tenants.length, deleted };
    } catch (error) {
      this.deps.metrics?.run('failure', (Date.now() - started) / 1000);
      throw error;
    } finally {
      await lock.release();
    }
  }

  private async pruneTenant(tenantId: string, retentionDays: number): Promise<number> {
    const started = Date.now();
    const cutoff = new Date((this.deps.now?.() ?? new Date()).getTime() - retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const count = await this.events.deleteExpired(tenantId, cutoff, this.config.batchSize);
      deleted += count;
      if (count > 0) this.deps.metrics?.rowsDeleted(tenantId, count);
      if (count < this.config.batchSize || this.deps.shouldStop?.()) break;
      if (this.config.batchPauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.config.batchPauseMs));
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
