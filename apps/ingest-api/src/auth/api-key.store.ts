import { DependencyUnavailableError } from '@attribution/core';
import { isConnectionError, type PrismaClient } from '@attribution/db';
import type { ApiKeyRecord, ApiKeyStore } from './api-key.service';

export class PrismaApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: PrismaClient) {}

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const key = await this.lookup(hash).catch((cause: unknown) => {
      // Postgres down is "retry later" (503), not a bad key.
      throw isConnectionError(cause) ? new DependencyUnavailableError('postgres', { cause }) : cause;
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

  private lookup(hash: string) {
    return this.db.apiKey.findUnique({
      where: { keyHash: hash },
      select: {
        keyHash: true,
        kind: true,
        revokedAt: true,
        tenant: { select: { id: true, status: true, allowedOrigins: true, defaultCountry: true } },
      },
    });
  }
}
