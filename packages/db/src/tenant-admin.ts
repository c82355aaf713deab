import { generateApiKey } from '@attribution/core';
import type { PrismaClient, Tenant } from './client';

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

/** Creates a tenant with its first public and secret key in one transaction. */
export async function createTenantWithKeys(db: PrismaClient, input: NewTenant): Promise<CreatedTenant> {
  const publicKey = generateApiKey('public');
  const secretKey = generateApiKey('secret');
  const tenant = await db.tenant.create({
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
