import { API_KEY_DISPLAY_PREFIX_LENGTH, hashApiKey, hashesEqual, parseApiKey, type ApiKeyKind, type ApiKeyRecord, type ApiKeyRepository } from '@attribution/db';
import { AuthenticationError } from './auth-errors';

export interface AuthenticatedTenant {
  tenantId: string;
  keyKind: ApiKeyKind;
  allowedOrigins: string[];
  defaultCountry: string | null;
}

/** Where keys are looked up (ApiKeyRepository in production). */
export type ApiKeyStore = Pick<ApiKeyRepository, 'findByHash'>;
export type { ApiKeyRecord };

interface CacheEntry {
  record: ApiKeyRecord | null;
  expiresAt: number;
}

/**
 * Resolves API keys to tenants with an in-memory cache in front of Postgres, so the hot path
 * does no lookup for a known key. Unknown keys are cached briefly too, so a flood of garbage
 * keys cannot turn into a flood of queries.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly config: { cacheTtlMs: number; negativeCacheTtlMs: number; maxEntries: number },
    private readonly deps: { store: ApiKeyStore; now?: () => number },
  ) {}

  async authenticate(rawKey: string | undefined): Promise<AuthenticatedTenant> {
    const parsed = parseApiKey(rawKey);
    if (!parsed) throw new AuthenticationError('Missing or malformed API key', rawKey ? 'malformed_key' : 'missing_key');
    const hash = hashApiKey(parsed.key);
    const record = await this.lookup(hash);
    const key = { prefix: parsed.key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH), kind: parsed.kind };
    if (!record || !hashesEqual(record.keyHash, hash) || record.kind !== parsed.kind) {
      throw new AuthenticationError('Unknown API key', 'unknown_key', key);
    }
    const known = { ...key, tenantId: record.tenant.id };
    if (record.revoked) throw new AuthenticationError('API key has been revoked', 'revoked_key', known);
    if (!record.tenant.active) throw new AuthenticationError('Tenant is disabled', 'tenant_disabled', known);
    return {
      tenantId: record.tenant.id,
      keyKind: record.kind,
      allowedOrigins: record.tenant.allowedOrigins,
      defaultCountry: record.tenant.defaultCountry,
    };
  }

  /** Drops cached keys (all of them when no hash is given), e.g. after a rotation. */
  invalidate(hash?: string): void {
    if (hash) this.cache.delete(hash);
    else this.cache.clear();
  }

  /** Drops every cached key of a tenant (its status, origins or country changed). */
  invalidateTenant(tenantId: string): void {
    for (const [hash, entry] of this.cache) if (entry.record?.tenant.id === tenantId) this.cache.delete(hash);
  }

  private async lookup(hash: string): Promise<ApiKeyRecord | null> {
    const now = (this.deps.now ?? Date.now)();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.record;
    const record = await this.deps.store.findByHash(hash);
    if (this.cache.size >= this.config.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    const ttl = record ? this.config.cacheTtlMs : this.config.negativeCacheTtlMs;
    this.cache.set(hash, { record, expiresAt: now + ttl });
    return record;
  }
}
