import { hash } from 'node:crypto';
import { memoised } from './identifier-memo';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Lowercase hex because both Meta and Google compare hashes case-sensitively against lowercase hex. */
export function sha256Hex(value: string): string {
  // crypto.hash (Node >= 20.12, below our engines floor) digests a short string in one call,
  // without a Hash object to build; the digest is the same as createHash's.
  return memoised(`sha256\u0000${value}`, () => hash('sha256', value, 'hex'))!;
}

/** Strict: no trimming, so callers decide whether surrounding whitespace makes a value "not a hash". */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}
