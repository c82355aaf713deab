import type { PrismaClient } from '@attribution/db';
import type { ApiKeyRecord, ApiKeyStore } from './api-key.service';

export class PrismaApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: PrismaClient) {}

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
}
