import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type ApiKeyKind = 'public' | 'secret';

const PREFIX: Record<ApiKeyKind, string> = { public: 'pk_', secret: 'sk_' };
const KEY_SHAPE = /^(pk|sk)_[A-Za-z0-9_-]{20,100}$/;

export interface GeneratedApiKey {
  kind: ApiKeyKind;
  /** Shown once to the operator; never stored. */
  key: string;
  hash: string;
  /** Enough to recognise a key in listings without revealing it. */
  displayPrefix: string;
}

/** `pk_` or `sk_` and 7 random characters: names a key in listings and logs, far too short to use. */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 10;

export function generateApiKey(kind: ApiKeyKind): GeneratedApiKey {
  const key = `${PREFIX[kind]}${randomBytes(24).toString('base64url')}`;
  return { kind, key, hash: hashApiKey(key), displayPrefix: key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH) };
}

/** Keys are high-entropy random strings, so an unsalted SHA-256 is a safe lookup handle. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Cheap shape check before any lookup, so garbage never reaches the database. */
export function parseApiKey(raw: string | undefined): { kind: ApiKeyKind; key: string } | null {
  if (!raw || !KEY_SHAPE.test(raw)) return null;
  return { kind: raw.startsWith('pk_') ? 'public' : 'secret', key: raw };
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
