/**
 * Express's `trust proxy` from an environment variable: it accepts booleans, hop counts or
 * address lists, and the environment gives us a string.
 */
export function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
