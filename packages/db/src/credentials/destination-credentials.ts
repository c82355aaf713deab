import { decryptCredentials, encryptCredentials, type CredentialsKey } from './credentials';

/**
 * Credentials are bound to their tenant and platform (GCM associated data), so a ciphertext
 * copied onto another tenant's row fails to decrypt instead of sending under their account.
 */
function context(tenantId: string, platform: string): string {
  return `destination:${tenantId}:${platform}`;
}

export function sealDestinationCredentials(
  tenantId: string,
  platform: string,
  credentials: Record<string, unknown>,
  key: CredentialsKey,
): string {
  return encryptCredentials(credentials, key, { context: context(tenantId, platform) });
}

export function openDestinationCredentials(
  tenantId: string,
  platform: string,
  sealed: string,
  key: CredentialsKey,
): Record<string, unknown> {
  return decryptCredentials(sealed, key, { context: context(tenantId, platform) });
}
