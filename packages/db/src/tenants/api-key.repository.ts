import type { ApiKey, DbClientOrTx } from '../client/db-client';
import type { ApiKeyKind, GeneratedApiKey } from './api-key';

/** What authenticating a request needs to know about a key and its tenant. */
export interface ApiKeyRecord {
  keyHash: string;
  kind: ApiKeyKind;
  revoked: boolean;
  tenant: { id: string; active: boolean; allowedOrigins: string[]; defaultCountry: string | null };
}

/** API keys, stored by their SHA-256 only. */
export class ApiKeyRepository {
  constructor(private readonly db: DbClientOrTx) {}

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const key = await this.db.apiKey.findUnique({
      where: { keyHash: hash },
      select: {
        keyHash: true,
        kind: true,
        revokedAt: true,
        tenant: { select: { id: true, status: true, allowedOrigins: true, defaultCountry: true } },
      },
    });
    if (!key) return null;
    return {
      keyHash: key.keyHash,
      kind: key.kind,
      revoked: key.revokedAt !== null,
      tenant: {
        id: key.tenant.id,
        active: key.tenant.status === 'active',
        allowedOrigins: key.tenant.allowedOrigins,
        defaultCountry: key.tenant.defaultCountry,
      },
    };
  }

  listForTenant(tenantId: string): Promise<ApiKey[]> {
    return this.db.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { kind: 'asc' }] });
  }

  /**
   * Adds `fresh` and revokes the tenant's active keys of the same kinds. Run it in a transaction
   * with the tenant locked (TenantRepository.lock): the new keys exist before the old ones stop
   * working, and a failure leaves the old keys untouched.
   */
  async rotate(tenantId: string, fresh: GeneratedApiKey[], now = new Date()): Promise<{ created: ApiKey[]; revoked: ApiKey[] }> {
    const kinds = fresh.map((k) => k.kind);
    const old = await this.db.apiKey.findMany({ where: { tenantId, kind: { in: kinds }, revokedAt: null } });
    const created = await this.db.apiKey.createManyAndReturn({
      data: fresh.map((k) => ({ tenantId, kind: k.kind, keyHash: k.hash, displayPrefix: k.displayPrefix })),
    });
    await this.db.apiKey.updateMany({ where: { id: { in: old.map((k) => k.id) } }, data: { revokedAt: now } });
    return { created, revoked: old.map((k) => ({ ...k, revokedAt: now })) };
  }
}
