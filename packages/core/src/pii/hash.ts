import { createHash } from 'node:crypto';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Lowercase hex because both Meta and Google compare hashes case-sensitively against lowercase hex. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Strict: no trimming, so callers decide whether surrounding whitespace makes a value "not a hash". */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}
