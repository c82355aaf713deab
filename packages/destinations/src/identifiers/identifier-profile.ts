import { isSha256Hex, sha256Hex, type UserData } from '@attribution/core';

/** Personal identifiers as the event schema takes them (`user_data`), before hashing. */
export type RawUserData = Pick<UserData, 'email' | 'phone' | 'first_name' | 'last_name' | 'city' | 'state' | 'zip' | 'country' | 'external_id'>;

export interface HashOptions {
  /** Tenant's ISO alpha-2 country, used for phone numbers written without a country code. */
  defaultCountry?: string | null;
}

/** Identifiers a GDPR erasure can look a person up by. */
export type ErasableIdentifier = 'email' | 'phone' | 'external_id';

/**
 * How one family of platforms wants identifiers normalised and hashed. Stored once per event,
 * under `user_data[key]`, at ingest: raw values never reach storage, and platforms that share a
 * profile (GA4 and Google Ads share Google's) share its hashes.
 */
export interface IdentifierProfile<T extends object = object, K extends string = string> {
  readonly key: K;
  /** Pure; drops every value that does not normalise, so the result never holds a raw identifier. */
  hash(input: RawUserData, options: HashOptions): T;
  /** Where an erasure finds each identifier's hash list in `user_data[key]`. */
  readonly erasure: Partial<Record<ErasableIdentifier, string>>;
}

export type Normalise = (raw: string) => string | null;

// A runtime guard, not only a type: user data arrives as JSON, and a stray number or object
// must be skipped rather than crash the pipeline on `.trim()`.
function asList(value: string | string[] | undefined): string[] {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** Pre-hashed input is trusted as already normalised by the caller for this platform. */
function hashOne(raw: string, normalise: Normalise): string | null {
  const trimmed = raw.trim();
  if (isSha256Hex(trimmed)) return trimmed.toLowerCase();
  const normalised = normalise(raw);
  return normalised === null ? null : sha256Hex(normalised);
}

/** Every value normalised and hashed, deduplicated; values that do not normalise are dropped. */
export function hashAll(value: string | string[] | undefined, normalise: Normalise): string[] {
  const hashes = asList(value).map((raw) => hashOne(raw, normalise));
  return [...new Set(hashes.filter((h): h is string => h !== null))];
}

/** A plain (unhashed) field: a hash cannot be turned back into the plain text asked for, so it is dropped. */
export function plainOne(value: string | undefined, normalise: Normalise): string | null {
  if (typeof value !== 'string' || isSha256Hex(value.trim())) return null;
  return normalise(value);
}

/** Omits keys without a value, so no empty list or `undefined` ever reaches a payload. */
export function compact<T extends object>(fields: { [K in keyof Required<T>]: Required<T>[K] | null | undefined }): T {
  // A loop, not entries/filter/fromEntries: it runs for every profile of every ingested event.
  const kept: Record<string, unknown> = {};
  for (const key in fields) {
    const value: unknown = fields[key];
    if (value !== null && value !== undefined && (!Array.isArray(value) || value.length > 0)) kept[key] = value;
  }
  return kept as T;
}

/** A stored event's hashes of one profile (empty when ingest stored none). */
export function storedHashes<T extends object>(userData: Readonly<Record<string, object | undefined>>, profile: IdentifierProfile<T>): Partial<T> {
  return (userData[profile.key] ?? {}) as Partial<T>;
}
