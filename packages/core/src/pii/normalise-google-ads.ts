import { toCountryCode } from './country-codes';
import { normaliseEmailGoogle, normaliseNameGoogle, toE164 } from './normalise';
import { nonEmpty } from './text';

/*
 * Google Ads through the Data Manager API, as its "Format user data" page says in its newest
 * version (developers.google.com/data-manager/api/devguides/concepts/formatting). Stricter than
 * the rules GA4's `google` profile follows (normalise.ts), which stay as they are: for
 * gmail.com / googlemail.com the `+suffix` of the local part goes too, and names lose their
 * prefixes and suffixes. Each function returns the exact string that gets hashed (or, for the
 * region and postal code, sent as is), or null when the value cannot be an identifier.
 */

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Lower-case, all whitespace removed; for gmail.com and googlemail.com every "." before the "@"
 * and a "+" with everything after it in the local part go ("cloudy.sanfrancisco+shopping@gmail.com"
 * → "cloudysanfrancisco@gmail.com"). Other domains keep their dots and "+tags".
 */
export function normaliseEmailGoogleAds(raw: string): string | null {
  const email = normaliseEmailGoogle(raw);
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return email;
  const local = email.slice(0, at).split('+')[0]!;
  return local === '' ? null : `${local}@${domain}`;
}

/** E.164 with the leading "+" and the country code, digits only after it ("+18005550100"). */
export function normalisePhoneGoogleAds(raw: string, defaultCountry?: string | null): string | null {
  return toE164(raw, defaultCountry);
}

// "Don't include prefixes such as Mrs." / "suffixes such as Jr.": the common honorifics and
// generational or academic suffixes, compared after punctuation is gone ("Mrs." → "mrs").
const NAME_PREFIXES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'madam', 'mme', 'mlle', 'herr', 'frau']);
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v', 'phd', 'md', 'esq', 'dds', 'mba']);

/** Lower-case, trimmed, no digits or punctuation (as GA4's rule), and no leading honorific. */
export function normaliseGivenNameGoogleAds(raw: string): string | null {
  const words = normaliseNameGoogle(raw)?.split(' ') ?? [];
  while (words.length > 1 && NAME_PREFIXES.has(words[0]!)) words.shift();
  return words.length === 0 ? null : words.join(' ');
}

/** Lower-case, trimmed, no digits or punctuation, and no trailing suffix ("Smith Jr." → "smith"). */
export function normaliseFamilyNameGoogleAds(raw: string): string | null {
  const words = normaliseNameGoogle(raw)?.split(' ') ?? [];
  while (words.length > 1 && NAME_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return words.length === 0 ? null : words.join(' ');
}

/** ISO 3166-1 alpha-2, upper-case ("US"); sent unhashed. Country names are mapped to their code. */
export function normaliseRegionCodeGoogleAds(raw: string): string | null {
  return toCountryCode(raw);
}

/**
 * Trimmed and otherwise as given ("94303", "94303-5300", "WC2H 8LG"); sent unhashed. Inner
 * spaces are squeezed to one, since a postal code never means two.
 */
export function normalisePostalCodeGoogleAds(raw: string): string | null {
  return nonEmpty(raw.trim().replace(/\s+/g, ' '));
}
