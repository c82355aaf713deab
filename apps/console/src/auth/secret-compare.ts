import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret an operator (or a form) sent with the expected one in constant time. Both
 * sides are hashed first, so neither the length nor the content of the expected value shows in
 * the time the comparison takes.
 */
export function secretsMatch(expected: string, candidate: unknown): boolean {
  if (typeof candidate !== 'string' || candidate === '') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(candidate));
}

/** 32 random bytes, URL-safe: session ids, CSRF tokens and generated admin tokens. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
