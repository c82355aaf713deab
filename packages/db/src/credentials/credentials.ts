/**
 * Destination credentials at rest: AES-256-GCM, random 96-bit IV, 128-bit auth tag.
 * Format: `v1:<iv>:<tag>:<ciphertext>` (standard base64 parts). The version prefix lets a
 * future format or key scheme coexist with stored rows.
 *
 * Optional `context` is bound as GCM associated data (pass e.g. `${tenantId}:${platform}`):
 * a ciphertext copied to another row then fails to decrypt instead of being used there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The configured key is missing or not 32 bytes (hex or base64). */
export class CredentialsKeyError extends Error {
  override readonly name = 'CredentialsKeyError';
}

/** Wrong key, wrong context, tampered or malformed ciphertext. Never includes plaintext. */
export class CredentialsDecryptionError extends Error {
  override readonly name = 'CredentialsDecryptionError';
}

export type CredentialsKey = string | Buffer;

export interface CredentialsCryptoOptions {
  /** Associated data bound to the ciphertext (must be identical to decrypt). */
  context?: string;
}

/** Parse a 32-byte key given as 64 hex characters or base64 (standard or url-safe). */
export function parseCredentialsKey(key: CredentialsKey): Buffer {
  if (Buffer.isBuffer(key)) {
    if (key.length !== KEY_BYTES) throw new CredentialsKeyError(`Credentials key must be ${KEY_BYTES} bytes`);
    return key;
  }
  const text = key.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new CredentialsKeyError(
    `Credentials key must be ${KEY_BYTES} bytes encoded as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`)`,
  );
}

export function encryptCredentials(
  credentials: Record<string, unknown>,
  key: CredentialsKey,
  opts: CredentialsCryptoOptions = {},
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', parseCredentialsKey(key), iv, { authTagLength: TAG_BYTES });
  if (opts.context !== undefined) cipher.setAAD(Buffer.from(opts.context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptCredentials<T extends Record<string, unknown> = Record<string, unknown>>(
  encrypted: string,
  key: CredentialsKey,
  opts: CredentialsCryptoOptions = {},
): T {
  const keyBytes = parseCredentialsKey(key);
  const parts = encrypted.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new CredentialsDecryptionError(`Unsupported credentials format (expected ${VERSION}:<iv>:<tag>:<ct>)`);
  }
  const [, ivB64, tagB64, ctB64] = parts as [string, string, string, string];
  const iv = Buffer.from(ivB64, 'base64');
  const tag = Buffer.from(tagB64, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new CredentialsDecryptionError('Malformed credentials ciphertext (bad IV or tag length)');
  }
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBytes, iv, { authTagLength: TAG_BYTES });
    if (opts.context !== undefined) decipher.setAAD(Buffer.from(opts.context, 'utf8'));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialsDecryptionError(
      'Cannot decrypt credentials: wrong key or context, or the ciphertext was modified',
    );
  }
  const parsed: unknown = JSON.parse(plaintext);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CredentialsDecryptionError('Decrypted credentials are not a JSON object');
  }
  return parsed as T;
}
