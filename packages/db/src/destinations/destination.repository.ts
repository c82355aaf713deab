import type { DbClientOrTx, Destination, Prisma } from '../client/db-client';

export interface DestinationWrite {
  settings: Record<string, string>;
  credentialsEncrypted: string;
  status: 'active' | 'needs_credentials';
  testMode: boolean;
  /** The destination's event rules, validated by the caller against the destinations package's schema. */
  eventRules: Prisma.InputJsonObject;
}

/** A tenant's routing: its consent policy and its destinations, as stored. */
export interface StoredRouting {
  consentPolicy: 'block' | 'allow';
  destinations: Destination[];
}

/**
 * Where a tenant's conversions go. `platform` is a registry id (packages/destinations); this
 * package stores it as a checked string and does not interpret it.
 */
export class DestinationRepository {
  constructor(private readonly db: DbClientOrTx) {}

  listForTenant(tenantId: string): Promise<Destination[]> {
    return this.db.destination.findMany({ where: { tenantId }, orderBy: { platform: 'asc' } });
  }

  find(tenantId: string, platform: string): Promise<Destination | null> {
    return this.db.destination.findUnique({ where: { tenantId_platform: { tenantId, platform } } });
  }

  /** The destination whose credentials were sealed last, of any tenant (to check a credentials key). */
  latestSealed(): Promise<Destination | null> {
    return this.db.destination.findFirst({ where: { credentialsEncrypted: { not: null } }, orderBy: { updatedAt: 'desc' } });
  }

  /** Creates or replaces a destination; call it in a transaction to see `previous` consistently. */
  async upsert(tenantId: string, platform: string, data: DestinationWrite): Promise<{ previous: Destination | null; destination: Destination }> {
    const previous = await this.find(tenantId, platform);
    const destination = await this.db.destination.upsert({
      where: { tenantId_platform: { tenantId, platform } },
      create: { tenantId, platform, ...data },
      update: data,
    });
    return { previous, destination };
  }

  /** False when there was no such destination. */
  async remove(tenantId: string, platform: string): Promise<boolean> {
    const { count } = await this.db.destination.deleteMany({ where: { tenantId, platform } });
    return count > 0;
  }

  /**
   * The platform refused the credentials: park this destination until an operator renews them.
   * With `seen` (the row's updated_at when the refused credentials were read), only if the row is
   * still that one: credentials an operator set meanwhile are not marked for the old ones' refusal.
   * True when the row was marked.
   */
  async markNeedsCredentials(tenantId: string, platform: string, seen?: Date): Promise<boolean> {
    const { count } = await this.db.destination.updateMany({ where: { tenantId, platform, ...(seen ? { updatedAt: seen } : {}) }, data: { status: 'needs_credentials' } });
    return count > 0;
  }

  /** Whether an operator set the destination again (active, changed) after `seen`. */
  async renewedSince(tenantId: string, platform: string, seen: Date): Promise<boolean> {
    const count = await this.db.destination.count({ where: { tenantId, platform, status: 'active', updatedAt: { gt: seen } } });
    return count > 0;
  }

  /** A missing tenant routes nowhere, under the default policy. */
  async routing(tenantId: string): Promise<StoredRouting> {
    const tenant = await this.db.tenant.findUnique({ where: { id: tenantId }, select: { consentPolicy: true, destinations: true } });
    return { consentPolicy: tenant?.consentPolicy ?? 'block', destinations: tenant?.destinations ?? [] };
  }
}
