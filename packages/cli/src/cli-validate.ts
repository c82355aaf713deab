/**
 * Validation of option values. Each returns the normalised value or throws a ValidationError
 * (exit 2) naming the option. Secrets and personal data are never echoed in messages.
 */
import { toCountryCode } from '@attribution/core';
import { PLATFORM_IDS } from '@attribution/destinations';
import { ValidationError } from './cli-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function tenantIdOption(raw: string): string {
  if (!UUID.test(raw.trim())) throw new ValidationError(`option '--tenant <id>': '${raw}' is not a tenant id (a UUID, see \`attribution tenant list\`)`);
  return raw.trim().toLowerCase();
}

export function integerOption(option: string, raw: string, min: number, max: number): number {
  const value = Number(raw.trim());
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`option '--${option}': must be a whole number from ${min} to ${max} (got '${raw}')`);
  }
  return value;
}

export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

export function retentionOption(option: string, raw: string): number {
  return integerOption(option, raw, RETENTION_DAYS.min, RETENTION_DAYS.max);
}

/**
 * An allowed origin as browsers send it in the `Origin` header: scheme, host and optional
 * port; no path, query, fragment or credentials. Returned in that canonical form
 * (lowercase host, default port dropped), since the ingest-api compares them exactly.
 */
export function originOption(raw: string): string {
  const text = raw.trim();
  const bad = (why: string, echo = true) =>
    new ValidationError(`option '--origin': ${echo ? `'${raw}'` : 'a value'} is not an origin (${why}); expected scheme://host[:port], e.g. https://shop.example`);
  if (!/^https?:\/\//i.test(text)) throw bad('scheme must be http or https');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (url.username || url.password) throw bad('no credentials allowed', false);
  if (url.search || url.hash || text.includes('?') || text.includes('#')) throw bad('no query or fragment allowed');
  if (url.pathname !== '/' || /^https?:\/\/[^/]+\/./i.test(text)) throw bad('no path allowed');
  if (url.hostname.includes('*')) throw bad('wildcards are not supported');
  return url.origin;
}

export function originsOption(raws: string[]): string[] {
  return [...new Set(raws.map(originOption))];
}

/** ISO 3166-1 alpha-2 (officially assigned codes only), returned uppercase. */
export function countryOption(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || toCountryCode(code) !== code) {
    throw new ValidationError(`option '--default-country': '${raw}' is not an ISO 3166-1 alpha-2 country code (e.g. US, DE, GB)`);
  }
  return code;
}

/** An ISO 8601 date or date-time (`2026-11-01`, `2026-11-01T12:00:00Z`). */
export function isoDateOption(option: string, raw: string): Date {
  const text = raw.trim();
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) || Number.isNaN(date.getTime())) {
    throw new ValidationError(`option '--${option}': '${raw}' is not an ISO 8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)`);
  }
  return date;
}

export function tenantNameOption(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 200) throw new ValidationError(`option '--name': must be 1 to 200 characters`);
  return name;
}

/** A value checked against a pattern; `secret` values are never echoed. */
export function patternOption(option: string, raw: string, pattern: RegExp, expected: string, secret = false): string {
  const value = raw.trim();
  if (!pattern.test(value)) {
    throw new ValidationError(`option '--${option}': ${secret ? 'the value given' : `'${raw}'`} is not ${expected}`);
  }
  return value;
}

/**
 * Rows in the order the destinations registry lists its platforms (the order operators see
 * everywhere), then anything this version does not know, by name. Stable.
 */
export function inRegistryOrder<T>(rows: T[], platformOf: (row: T) => string): T[] {
  const rank = (row: T) => {
    const index = (PLATFORM_IDS as readonly string[]).indexOf(platformOf(row));
    return index === -1 ? PLATFORM_IDS.length : index;
  };
  return [...rows].sort((a, b) => rank(a) - rank(b) || platformOf(a).localeCompare(platformOf(b)));
}
