import type { CredentialsKey } from './credentials';
import { toCredentialsKeyring, type CredentialsKeyring, type OpenedCredentials } from './credentials-keyring';

/**
 * Credentials are bound to their tenant and platform (GCM associated data), so a ciphertext
 * copied onto another tenant's row fails to decrypt instead of sending under their account.
 * Each function takes one key or a keyring (the current key seals; the previous one also opens).
 */
function context(tenantId: string, platform: string): { context: string } {
  return { context: `destination:${tenantId}:${platform}` };
}

export function sealDestinationCredentials(
  tenantId: string,
  platform: string,
  credentials: Record<string, unknown>,
  keys: CredentialsKey | CredentialsKeyring,
): string {
  return toCredentialsKeyring(keys).seal(credentials, context(tenantId, platform));
}

export function openDestinationCredentials(
  tenantId: string,
  platform: string,
  sealed: string,
  keys: CredentialsKey | CredentialsKeyring,
): Record<string, unknown> {
  return openSealedDestinationCredentials(tenantId, platform, sealed, keys).credentials;
}

/** The credentials, and whether they are already sealed under the current key (key rotation). */
export function openSealedDestinationCredentials(
  tenantId: string,
  platform: string,
  sealed: string,
  keys: CredentialsKey | CredentialsKeyring,
): OpenedCredentials<Record<string, unknown>> {
  return toCredentialsKeyring(keys).open(sealed, context(tenantId, platform));
}
