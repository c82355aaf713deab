import type { Logger } from '@attribution/core';
import { EventRepository, PARTITION_DAYS_AHEAD, PartitionRepository, TenantRepository, utcDayStart, type Db } from '@attribution/db';
import { withSpan } from '@attribution/runtime';
import { tryAcquirePruneLock } from './prune-lock';
import type { PrunerMetrics } from './pruner.metrics';

export interface PruneReport {
  /** false when another pruner held the lock and this run did nothing. */
  ran: boolean;
  tenants: number;
  /** Events deleted row by row (tenants whose retention is shorter than the longest). */
  deleted: number;
  /** Day partitions dropped whole (events and deliveries of days past the longest retention). */
  partitionsDropped: number;
}

export interface PruneServiceConfig {
  databaseUrl: string;
  batchSize: number;
  /** Pause between batches, to leave I/O to the ingest path on busy databases. */
  batchPauseMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention by whole UTC days (docs/database.md, "Partitioning"). A tenant's cutoff is 00:00 UTC
 * of the day `retention_days` before now: what was received before it goes. Each run:
 * 1. creates the day partitions of the coming week (inserts never wait for one);
 * 2. drops the partitions of the days before the longest retention's cutoff, whole (constant
 *    time, however many rows);
 * 3. deletes, for each tenant, its events (and their deliveries) before its own cutoff in bounded
 *    batches, oldest first: rows of tenants with a shorter retention, inside the partitions
 *    still kept, and stragglers in the default partition.
 * No statement holds locks for long and an interrupted run simply continues next time. One
 * pruner runs at a time across replicas (advisory lock).
 */
export class PruneService {
  private readonly tenants: TenantRepository;
  private readonly events: EventRepository;
  private readonly partitions: PartitionRepository;

  constructor(
    private readonly config: PruneServiceConfig,
    private readonly deps: { db: Db; logger: Logger; metrics?: PrunerMetrics; now?: () => Date; shouldStop?: () => boolean },
  ) {
    this.tenants = new TenantRepository(deps.db);
    this.events = new EventRepository(deps.db);
    this.partitions = new PartitionRepository(deps.db);
  }

  async pruneAll(): Promise<PruneReport> {
    const started = Date.now();
    const lock = await tryAcquirePruneLock(this.config.databaseUrl);
    if (!lock) {
      this.deps.logger.info('prune_skipped', { reason: 'another pruner holds the lock' });
      this.deps.metrics?.run('skipped_locked', 0);
      return { ran: false, tenants: 0, deleted: 0, partitionsDropped: 0 };
    }
    try {
      const now = this.deps.now?.() ?? new Date();
      const tenants = await this.tenants.retentionWindows();
      const partitionsDropped = await this.managePartitions(now, Math.max(0, ...tenants.map((t) => t.retentionDays)));
      let deleted = 0;
      for (const tenant of tenants) {
        if (this.deps.shouldStop?.()) break;
        // One span per tenant: its DELETE batches (pg spans) and prune_completed line join it.
        deleted += await withSpan('prune tenant', { attributes: { 'tenant.id': tenant.id, 'retention.days': tenant.retentionDays } }, async (span) => {
          const count = await this.pruneTenant(tenant.id, tenant.retentionDays, now);
          span.setAttribute('events.deleted', count);
          return count;
        });
      }
      this.deps.metrics?.run('success', (Date.now() - started) / 1000);
      return { ran: true, tenants: tenants.length, deleted, partitionsDropped };
    } catch (error) {
      this.deps.metrics?.run('failure', (Date.now() - started) / 1000);
      throw error;
    } finally {
      await lock.release();
    }
  }

  /** Steps 1 and 2; with no tenant at all, nothing is dropped (no retention is known). */
  private async managePartitions(now: Date, longestRetentionDays: number): Promise<number> {
    const started = Date.now();
    const today = utcDayStart(now);
    const created = await this.partitions.ensureDays(today, new Date(today.getTime() + PARTITION_DAYS_AHEAD * DAY_MS));
    const dropped = longestRetentionDays > 0 ? await this.partitions.dropDaysBefore(cutoffOf(now, longestRetentionDays)) : [];
    this.deps.metrics?.partitionsDropped(dropped.length);
    this.deps.logger.info('prune_partitions', {
      created,
      dropped: dropped.length,
      oldest_dropped: dropped[0]?.toISOString().slice(0, 10) ?? null,
      longest_retention_days: longestRetentionDays,
      duration_ms: Date.now() - started,
    });
    return dropped.length;
  }

  private async pruneTenant(tenantId: string, retentionDays: number, now: Date): Promise<number> {
    const started = Date.now();
    const cutoff = cutoffOf(now, retentionDays);
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

/** 00:00 UTC of the day `retentionDays` before `now`: events received before it are expired. */
function cutoffOf(now: Date, retentionDays: number): Date {
  return utcDayStart(new Date(now.getTime() - retentionDays * DAY_MS));
}
