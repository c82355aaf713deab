/**
 * Destination credentials at rest: AES-256-GCM, random 96-bit IV, 128-bit auth tag.
 * Format: `v2:<key id>:<iv>:<tag>:<ciphertext>` (standard base64 parts). The key id names the
 * key that sealed the value, so during a key rotation a reader with two keys knows which to use
 * and the rotation knows what is left to re-seal. `v1:<iv>:<tag>:<ciphertext>` (no key id, the
 * format before rotation existed) is still opened; only `v2` is written.
 *
 * Optional `context` is bound as GCM associated data (pass e.g. `${tenantId}:${platform}`):
 * a ciphertext copied to another row then fails to decrypt instead of being used there. In v2
 * the key id is bound too, so an edited key id fails like any other tampering.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

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

/** A sealed value's parts; `keyId` is null for a v1 envelope. */
interface Envelope {
  keyId: string | null;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
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

/**
 * A key's public name: 16 hex characters of HMAC-SHA256(key, label). Derived with the key as the
 * HMAC key, so it says nothing about the key, and the same key always gets the same id.
 */
export function credentialsKeyId(key: CredentialsKey): string {
  return createHmac('sha256', parseCredentialsKey(key)).update('attribution destination credentials key id').digest('hex').slice(0, 16);
}

function associatedData(keyId: string | null, context: string | undefined): Buffer | null {
  if (keyId === null) return context === undefined ? null : Buffer.from(context, 'utf8');
  return Buffer.from(`v2:${keyId}${context === undefined ? '' : `:${context}`}`, 'utf8');
}

function parseEnvelope(sealed: string): Envelope {
  const parts = sealed.split(':');
  const v2 = parts.length === 5 && parts[0] === 'v2' && KEY_ID_PATTERN.test(parts[1]!);
  if (!v2 && !(parts.length === 4 && parts[0] === 'v1')) {
    throw new CredentialsDecryptionError('Unsupported credentials format (expected v2:<key id>:<iv>:<tag>:<ct> or v1:<iv>:<tag>:<ct>)');
  }
  const [ivB64, tagB64, ctB64] = parts.slice(v2 ? 2 : 1) as [string, string, string];
  const envelope = { keyId: v2 ? parts[1]! : null, iv: Buffer.from(ivB64, 'base64'), tag: Buffer.from(tagB64, 'base64'), ciphertext: Buffer.from(ctB64, 'base64') };
  if (envelope.iv.length !== IV_BYTES || envelope.tag.length !== TAG_BYTES) {
    throw new CredentialsDecryptionError('Malformed credentials ciphertext (bad IV or tag length)');
  }
  return envelope;
}

/** The id of the key that sealed `sealed`, or null for a v1 value (which does not say). */
export function sealedCredentialsKeyId(sealed: string): string | null {
  return parseEnvelope(sealed).keyId;
}

export function encryptCredentials(
  credentials: Record<string, unknown>,
  key: CredentialsKey,
  opts: CredentialsCryptoOptions = {},
): string {
  const keyBytes = parseCredentialsKey(key);
  const keyId = credentialsKeyId(keyBytes);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyBytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(keyId, opts.context)!);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v2', keyId, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptCredentials<T extends Record<string, unknown> = Record<string, unknown>>(
  encrypted: string,
  key: CredentialsKey,
  opts: CredentialsCryptoOptions = {},
): T {
  const keyBytes = parseCredentialsKey(key);
  const envelope = parseEnvelope(encrypted);
  if (envelope.keyId !== null && envelope.keyId !== credentialsKeyId(keyBytes)) {
    throw new CredentialsDecryptionError(`Cannot decrypt credentials: sealed with another key (key id ${envelope.keyId})`);
  }
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBytes, envelope.iv, { authTagLength: TAG_BYTES });
    const aad = associatedData(envelope.keyId, opts.context);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(envelope.tag);
    plaintext = Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]).toString('utf8');
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
