import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { memoised } from './identifier-memo';
import { NOT_LETTER_DIGIT_OR_SPACE, NOT_LETTER_OR_SPACE, lowerNfc, nonEmpty, squeezeSpaces } from './text';

/*
 * Contact identifiers. Every function takes one raw value and returns the exact string that
 * gets hashed, or null when the value cannot be a valid identifier: a bad value is dropped,
 * never hashed as is (the hash of garbage matches nobody) and never stored raw.
 */

// Pragmatic, not RFC 5322: an unquoted local part (no whitespace or address delimiters, no
// dot at either end) and a dotted domain of letters, digits and hyphens (IDN letters too).
// Stricter rejects real addresses; looser hashes form junk like "Jane <jane@example.com>".
const EMAIL = /^(?!\.)[^\s@<>()[\]\\,;:"]+(?<!\.)@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u;
const MAX_EMAIL_LENGTH = 254;
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

function validEmail(candidate: string): string | null {
  return candidate.length <= MAX_EMAIL_LENGTH && EMAIL.test(candidate) ? candidate : null;
}

/** Meta: trim and lowercase only. Meta does not strip gmail dots, so neither do we. */
export function normaliseEmailMeta(raw: string): string | null {
  return validEmail(lowerNfc(raw).trim());
}

/** Google: also drop all spaces, and dots in the local part for gmail.com / googlemail.com only. */
export function normaliseEmailGoogle(raw: string): string | null {
  const email = validEmail(lowerNfc(raw).replace(/\s+/gu, ''));
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return email;
  return validEmail(`${email.slice(0, at).replace(/\./g, '')}@${domain}`);
}

/**
 * E.164 with "+". A national number is read in `defaultCountry` (the tenant's), which is what
 * the platforms' SDKs skip: they hash "4155552671" without a country code and it never matches.
 * "00" is rewritten to "+" because libphonenumber only knows each country's own exit code
 * (011 in the US), and a national number never starts with "00".
 */
export function toE164(raw: string, defaultCountry?: string | null): string | null {
  // The costliest normalisation (libphonenumber), and every platform wants the same E.164.
  return memoised(`e164\u0000${defaultCountry ?? ''}\u0000${raw}`, () => parseE164(raw, defaultCountry));
}

function parseE164(raw: string, defaultCountry?: string | null): string | null {
  const text = raw.trim().replace(/^00/, '+');
  const country = defaultCountry?.trim().toUpperCase();
  const parsed = parsePhoneNumberFromString(
    text,
    country !== undefined && isSupportedCountry(country) ? country : undefined,
  );
  return parsed?.isValid() === true ? parsed.number : null;
}

/** Meta: digits only, country code included (E.164 without "+"). */
export function normalisePhoneMeta(raw: string, defaultCountry?: string | null): string | null {
  return toE164(raw, defaultCountry)?.slice(1) ?? null;
}

/** Google: E.164 with the leading "+" (its documented sample hashes "+15555555555"). */
export function normalisePhoneGoogle(raw: string, defaultCountry?: string | null): string | null {
  return toE164(raw, defaultCountry);
}

/**
 * Meta: lowercase, no punctuation, UTF-8 letters kept. Symbols go too ("punctuation" in the
 * POSIX sense). Digits and inner spaces stay because Meta's rule does not remove them.
 */
export function normaliseNameMeta(raw: string): string | null {
  return squeezeSpaces(lowerNfc(raw).replace(NOT_LETTER_DIGIT_OR_SPACE, ''));
}

/** Google: remove digits and symbols, lowercase, trim. */
export function normaliseNameGoogle(raw: string): string | null {
  return squeezeSpaces(lowerNfc(raw).replace(NOT_LETTER_OR_SPACE, ''));
}

/**
 * Meta asks for "the same format on every channel", so the only safe change is trimming.
 * Not lowercased: it is the site's own id and may be case-sensitive; lowercasing here (as
 * capi-param-builder does) would stop it matching any channel that sends the id as is.
 */
export function normaliseExternalIdMeta(raw: string): string | null {
  return nonEmpty(raw.trim());
}
