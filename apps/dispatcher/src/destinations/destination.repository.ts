import type { Logger } from '@attribution/core';
import { openDestinationCredentials, type PrismaClient } from '@attribution/db';
import type { DestinationConfig, Platform } from './destination';

export interface TenantRouting {
  consentPolicy: 'block' | 'allow';
  destinations: DestinationConfig[];
}

interface CacheEntry {
  routing: TenantRouting;
  expiresAt: number;
}

/**
 * A tenant's active destinations with decrypted credentials, cached briefly: the consumer asks
 * for every event, while credentials change a few times a year. A destination whose credentials
 * cannot be decrypted is left out and reported, never sent with garbage.
 */
export class DestinationRepository {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly config: { credentialsKey: string; cacheTtlMs: number },
    private readonly deps: { db: PrismaClient; logger: Logger },
  ) {}

  async routingFor(tenantId: string): Promise<TenantRouting> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > Date.now()) return cached.routing;
    const tenant = await this.deps.db.tenant.findUnique({
      where: { id: tenantId },
      select: { consentPolicy: true, destinations: true },
    });
    const routing: TenantRouting = {
      consentPolicy: tenant?.consentPolicy ?? 'block',
      destinations: (tenant?.destinations ?? []).flatMap((row) => this.open(tenantId, row)),
    };
    this.cache.set(tenantId, { routing, expiresAt: Date.now() + this.config.cacheTtlMs });
    return routing;
  }

  /** The platform refused the credentials: park this destination until an operator renews them. */
  async markNeedsCredentials(tenantId: string, platform: Platform): Promise<void> {
    await this.deps.db.destination.updateMany({ where: { tenantId, platform }, data: { status: 'needs_credentials' } });
    this.invalidate(tenantId);
  }

  invalidate(tenantId?: string): void {
    if (tenantId) this.cache.delete(tenantId);
    else this.cache.clear();
  }

  private open(
    tenantId: string,
    row: { platform: Platform; status: DestinationConfig['status']; settings: unknown; credentialsEncrypted: string | null },
  ): DestinationConfig[] {
    try {
      const credentials = row.credentialsEncrypted
        ? openDestinationCredentials(tenantId, row.platform, row.credentialsEncrypted, this.config.credentialsKey)
        : {};
      return [{ tenantId, platform: row.platform, status: row.status, settings: (row.settings ?? {}) as Record<string, unknown>, credentials }];
    } catch (error) {
      this.deps.logger.error('destination_credentials_unreadable', { tenant_id: tenantId, destination: row.platform, error });
      return [];
    }
  }
}
