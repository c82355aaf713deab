import { isSha256Hex, sha256Hex } from './hash';
import {
  normaliseEmailGoogle,
  normaliseEmailMeta,
  normaliseExternalIdMeta,
  normaliseNameGoogle,
  normaliseNameMeta,
  normalisePhoneGoogle,
  normalisePhoneMeta,
} from './normalise';
import {
  normaliseCityGoogle,
  normaliseCityMeta,
  normaliseCountryGoogle,
  normaliseCountryMeta,
  normalisePostalCodeGoogle,
  normaliseRegionGoogle,
  normaliseStateMeta,
  normaliseZipMeta,
} from './normalise-address';

export interface RawUserData {
  email?: string | string[];
  phone?: string | string[];
  first_name?: string;
  last_name?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  external_id?: string | string[];
}

/** Meta CAPI `user_data` keys; every value is lowercase SHA-256 hex, deduplicated. */
export interface MetaUserData {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
}

export interface GoogleAddress {
  sha256_first_name?: string;
  sha256_last_name?: string;
  city?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

/** GA4 Measurement Protocol `user_data` (same normalisation as Google Ads enhanced conversions). */
export interface GoogleUserData {
  sha256_email_address?: string[];
  sha256_phone_number?: string[];
  address?: GoogleAddress[];
}

export interface HashedUserData {
  meta: MetaUserData;
  google: GoogleUserData;
}

export interface HashUserDataOptions {
  /** Tenant's ISO alpha-2 country, used for phone numbers written without a country code. */
  defaultCountry?: string | null;
}

// GA4 accepts at most 3 emails and 3 phone numbers per user_data.
const GOOGLE_MAX_PER_IDENTIFIER = 3;

type Normalise = (raw: string) => string | null;

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

function hashAll(value: string | string[] | undefined, normalise: Normalise): string[] {
  const hashes = asList(value).map((raw) => hashOne(raw, normalise));
  return [...new Set(hashes.filter((h): h is string => h !== null))];
}

/** A hash cannot be turned back into the plain text Google wants for these fields: drop it. */
function plainOne(value: string | undefined, normalise: Normalise): string | null {
  if (typeof value !== 'string' || isSha256Hex(value.trim())) return null;
  return normalise(value);
}

/** Omits keys without a value, so no empty list or `undefined` ever reaches a payload. */
function compact<T extends object>(fields: { [K in keyof Required<T>]: Required<T>[K] | null | undefined }): T {
  const kept = Object.entries(fields).filter(
    ([, v]) => v !== null && v !== undefined && (!Array.isArray(v) || v.length > 0),
  );
  return Object.fromEntries(kept) as T;
}

function hashMeta(input: RawUserData, phoneCountry: string | null): MetaUserData {
  const country = plainOne(input.country, normaliseCountryMeta);
  return compact<MetaUserData>({
    em: hashAll(input.email, normaliseEmailMeta),
    ph: hashAll(input.phone, (raw) => normalisePhoneMeta(raw, phoneCountry)),
    fn: hashAll(input.first_name, normaliseNameMeta),
    ln: hashAll(input.last_name, normaliseNameMeta),
    ct: hashAll(input.city, normaliseCityMeta),
    st: hashAll(input.state, (raw) => normaliseStateMeta(raw, country)),
    zp: hashAll(input.zip, (raw) => normaliseZipMeta(raw, country)),
    country: hashAll(input.country, normaliseCountryMeta),
    external_id: hashAll(input.external_id, normaliseExternalIdMeta),
  });
}

function hashGoogle(input: RawUserData, phoneCountry: string | null): GoogleUserData {
  const phoneGoogle = (raw: string): string | null => normalisePhoneGoogle(raw, phoneCountry);
  const address = compact<GoogleAddress>({
    sha256_first_name: hashAll(input.first_name, normaliseNameGoogle)[0],
    sha256_last_name: hashAll(input.last_name, normaliseNameGoogle)[0],
    city: plainOne(input.city, normaliseCityGoogle),
    region: plainOne(input.state, normaliseRegionGoogle),
    postal_code: plainOne(input.zip, normalisePostalCodeGoogle),
    country: plainOne(input.country, normaliseCountryGoogle),
  });
  return compact<GoogleUserData>({
    sha256_email_address: hashAll(input.email, normaliseEmailGoogle).slice(0, GOOGLE_MAX_PER_IDENTIFIER),
    sha256_phone_number: hashAll(input.phone, phoneGoogle).slice(0, GOOGLE_MAX_PER_IDENTIFIER),
    address: Object.keys(address).length > 0 ? [address] : undefined,
  });
}

/**
 * Normalises and hashes personal identifiers for Meta CAPI and Google (GA4 MP / Ads enhanced
 * conversions). Pure. Values that do not normalise are dropped, so the result never holds
 * a raw identifier; Google's plain address fields (city, region, postal code, country) are
 * the only unhashed output, as Google requires.
 */
export function hashUserData(input: RawUserData, options: HashUserDataOptions = {}): HashedUserData {
  const phoneCountry = options.defaultCountry ?? null;
  return { meta: hashMeta(input, phoneCountry), google: hashGoogle(input, phoneCountry) };
}
