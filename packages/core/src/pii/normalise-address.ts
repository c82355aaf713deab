import { toCountryCode } from './country-codes';
import { usOrCaRegionCode } from './region-codes';
import { NOT_LETTER_OR_DIGIT, NOT_LETTER_OR_SPACE, lowerNfc, nonEmpty, squeezeSpaces } from './text';

/*
 * Address fields. Meta hashes all of them; Google sends city, region, postal code and country
 * in plain text. `country` parameters take the already-normalised lowercase alpha-2 code (or
 * null when unknown) because the state and zip rules depend on the country.
 */

/**
 * Meta: lowercase; no punctuation, special characters or spaces. Digits are kept because
 * Meta's rule does not list them (Google's does), and letters keep their accents (UTF-8).
 */
export function normaliseCityMeta(raw: string): string | null {
  return nonEmpty(lowerNfc(raw).replace(NOT_LETTER_OR_DIGIT, ''));
}

/** Google city and region: remove digits and symbols, lowercase, trim. Sent unhashed. */
export function normaliseCityGoogle(raw: string): string | null {
  return squeezeSpaces(lowerNfc(raw).replace(NOT_LETTER_OR_SPACE, ''));
}

export const normaliseRegionGoogle = normaliseCityGoogle;

/**
 * Meta: US states (and CA provinces) as their lowercase 2-letter code, others lowercase with
 * no punctuation or spaces. Names are only mapped when the country is US, CA or unknown: a
 * region elsewhere that shares a state's name must keep its own name, not become "ga".
 */
export function normaliseStateMeta(raw: string, country: string | null): string | null {
  const code = country === null || country === 'us' || country === 'ca' ? usOrCaRegionCode(raw) : null;
  return code ?? nonEmpty(lowerNfc(raw).replace(NOT_LETTER_OR_DIGIT, ''));
}

const US_ZIP = /^\d{5}(?:\d{4})?$/;

/**
 * Meta: lowercase, no spaces, no dash. US zips keep only the first 5 digits; a zip counts as
 * US when the country is US or, with no country, when it has the ZIP / ZIP+4 shape. Elsewhere
 * the whole code stays, so the UK "M1 1AE" becomes "m11ae" as in Meta's example.
 */
export function normaliseZipMeta(raw: string, country: string | null): string | null {
  const compact = lowerNfc(raw).replace(/[\s\p{Pd}]/gu, '');
  if (country === 'us' || (country === null && US_ZIP.test(compact))) {
    return /^\d{5}/.exec(compact)?.[0] ?? null;
  }
  return nonEmpty(compact);
}

/** Google: remove "." and "~", trim; nothing else (case and inner spaces kept). Sent unhashed. */
export function normalisePostalCodeGoogle(raw: string): string | null {
  return nonEmpty(raw.replace(/[.~]/g, '').trim());
}

/** Meta: lowercase ISO 3166-1 alpha-2. */
export function normaliseCountryMeta(raw: string): string | null {
  return toCountryCode(raw)?.toLowerCase() ?? null;
}

/** Google: ISO 3166-1 alpha-2 in its canonical uppercase form. Sent unhashed. */
export function normaliseCountryGoogle(raw: string): string | null {
  return toCountryCode(raw);
}
