/**
 * An RFC 4122 version 4 UUID, for browsers without crypto.randomUUID (it only exists in secure
 * contexts, so plain-http pages need this). `randomByte` returns an integer in [0, 255].
 * In the template, each 0 and 1 becomes a random hex digit (XOR with a random nibble) and 8 the
 * variant digit (8, 9, a or b); the 4 stays: version 4.
 */
export function uuidV4(randomByte: () => number): string {
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
    (+digit ^ (randomByte() & (15 >> (+digit / 4)))).toString(16),
  );
}
