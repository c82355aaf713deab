import type { DbClientOrTx, Tenant } from '../client/db-client';
import { generateApiKey } from './api-key';

export interface NewTenant {
  name: string;
  retentionDays?: number;
  allowedOrigins?: string[];
  defaultCountry?: string | null;
  consentPolicy?: 'block' | 'allow';
}

export interface CreatedTenant {
  tenant: Tenant;
  /** Shown once; only their hashes are stored. */
  publicKey: string;
  secretKey: string;
}

export type TenantChanges = Partial<Pick<Tenant, 'retentionDays' | 'allowedOrigins' | 'status'>>;

/** Tenants: who sends events, how long they are kept, and what to do without a consent signal. */
export class TenantRepository {
  constructor(private readonly db: DbClientOrTx) {}

  /** Creates a tenant with its first public and secret key in one statement. */
  async create(input: NewTenant): Promise<CreatedTenant> {
    const publicKey = generateApiKey('public');
    const secretKey = generateApiKey('secret');
    const tenant = await this.db.tenant.create({
      data: {
        name: input.name,
        ...(input.retentionDays !== undefined ? { retentionDays: input.retentionDays } : {}),
        ...(input.allowedOrigins ? { allowedOrigins: input.allowedOrigins } : {}),
        ...(input.defaultCountry ? { defaultCountry: input.defaultCountry.toUpperCase() } : {}),
        ...(input.consentPolicy ? { consentPolicy: input.consentPolicy } : {}),
        apiKeys: {
          create: [publicKey, secretKey].map((k) => ({ kind: k.kind, keyHash: k.hash, displayPrefix: k.displayPrefix })),
        },
      },
    });
    return { tenant, publicKey: publicKey.key, secretKey: secretKey.key };
  }

  find(id: string): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { id } });
  }

  list(): Promise<Tenant[]> {
    return this.db.tenant.findMany({ orderBy: { createdAt: 'asc' } });
  }

  count(): Promise<number> {
    return this.db.tenant.count();
  }

  update(id: string, changes: TenantChanges): Promise<Tenant> {
    return this.db.tenant.update({ where: { id }, data: changes });
  }

  /** Every tenant's retention window, for the pruner. */
  retentionWindows(): Promise<Array<{ id: string; retentionDays: number }>> {
    return this.db.tenant.findMany({ select: { id: true, retentionDays: true }, orderBy: { id: 'asc' } });
  }

  /** Holds the tenant's row until the transaction ends, so two changes of one tenant take turns. */
  async lock(id: string): Promise<void> {
    await this.db.$executeRaw`SELECT 1 FROM tenants WHERE id = ${id}::uuid FOR UPDATE`;
  }
}
