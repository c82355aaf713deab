import { generateApiKey } from '@attribution/db';
import { AuthenticationError } from './auth-errors';
import { ApiKeyService, type ApiKeyRecord, type ApiKeyStore } from './api-key.service';

function storeWith(records: ApiKeyRecord[]) {
  const lookups: string[] = [];
  const store: ApiKeyStore = {
    findByHash: async (hash) => {
      lookups.push(hash);
      return records.find((r) => r.keyHash === hash) ?? null;
    },
  };
  return { store, lookups };
}

const tenant = { id: 't1', active: true, allowedOrigins: [], defaultCountry: 'DE' };

describe('ApiKeyService', () => {
  const key = generateApiKey('secret');
  const record: ApiKeyRecord = { keyHash: key.hash, kind: 'secret', revoked: false, tenant };

  it('resolves a key to its tenant and serves repeats from the cache', async () => {
    const { store, lookups } = storeWith([record]);
    const service = new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, maxEntries: 10 }, { store });
    await expect(service.authenticate(key.key)).resolves.toEqual({ tenantId: 't1', keyKind: 'secret', allowedOrigins: [], defaultCountry: 'DE' });
    await service.authenticate(key.key);
    expect(lookups).toHaveLength(1);
  });

  it('looks again after invalidation, by key or by tenant', async () => {
    const { store, lookups } = storeWith([record]);
    const service = new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, maxEntries: 10 }, { store });
    await service.authenticate(key.key);
    service.invalidate(key.hash);
    await service.authenticate(key.key);
    service.invalidateTenant('t1');
    await service.authenticate(key.key);
    service.invalidateTenant('someone-else');
    await service.authenticate(key.key);
    expect(lookups).toHaveLength(3);
  });

  it('caches unknown keys briefly so garbage cannot flood the database', async () => {
    let now = 0;
    const { store, lookups } = storeWith([]);
    const service = new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, maxEntries: 10 }, { store, now: () => now });
    const unknown = generateApiKey('secret').key;
    await expect(service.authenticate(unknown)).rejects.toThrow('Unknown API key');
    await expect(service.authenticate(unknown)).rejects.toThrow(AuthenticationError);
    now = 1_001;
    await expect(service.authenticate(unknown)).rejects.toThrow(AuthenticationError);
    expect(lookups).toHaveLength(2);
  });

  it('refuses revoked keys, disabled tenants, a key of the wrong kind and malformed keys without a lookup', async () => {
    const pk = generateApiKey('public');
    const { store, lookups } = storeWith([
      { ...record, revoked: true },
      { keyHash: pk.hash, kind: 'secret', revoked: false, tenant: { ...tenant, active: false } },
    ]);
    const service = new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, maxEntries: 10 }, { store });
    await expect(service.authenticate(key.key)).rejects.toThrow('API key has been revoked');
    await expect(service.authenticate(pk.key)).rejects.toThrow('Unknown API key');
    await expect(service.authenticate('Bearer nonsense')).rejects.toThrow('Missing or malformed API key');
    expect(lookups).toHaveLength(2);
  });

  it('says why a key was refused and which key, by display prefix only', async () => {
    const pk = generateApiKey('public');
    const { store } = storeWith([{ ...record, revoked: true }]);
    const service = new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, maxEntries: 10 }, { store });
    const failure = (raw: string | undefined) => service.authenticate(raw).catch((error: AuthenticationError) => ({ reason: error.reason, key: error.key }));
    await expect(failure(key.key)).resolves.toEqual({ reason: 'revoked_key', key: { prefix: key.displayPrefix, kind: 'secret', tenantId: 't1' } });
    await expect(failure(pk.key)).resolves.toEqual({ reason: 'unknown_key', key: { prefix: pk.displayPrefix, kind: 'public' } });
    await expect(failure('jane@example.org')).resolves.toEqual({ reason: 'malformed_key', key: undefined });
    await expect(failure(undefined)).resolves.toEqual({ reason: 'missing_key', key: undefined });
  });

  it('stays bounded in memory', async () => {
    const { store } = storeWith([]);
    const service = new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 60_000, maxEntries: 3 }, { store });
    for (let i = 0; i < 10; i += 1) await service.authenticate(generateApiKey('secret').key).catch(() => undefined);
    expect((service as unknown as { cache: Map<string, unknown> }).cache.size).toBe(3);
  });
});
