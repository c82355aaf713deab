import { normaliseEmailMeta, toE164 } from './normalise';
import { nonEmpty } from './text';

/*
 * TikTok Events API 2.0 `user.email`, `user.phone`, `user.external_id`: each "must be hashed with
 * SHA-256" by the sender. What TikTok asks for before hashing (docs/destinations.md, TikTok
 * section, with the sources and what is unconfirmed):
 * - email: trimmed and lower-cased (the same rule as Meta's, so the same function);
 * - phone: E.164 *with* the leading "+" and the country code ("+12133734253");
 * - external_id: the advertiser's own id, hashed as given (only surrounding spaces removed).
 * Like every normaliser here: the exact string that gets hashed, or null when the value cannot
 * be a valid identifier (a bad value is dropped, never hashed as is).
 */

/** Trim and lower-case; an invalid address is dropped. */
export function normaliseEmailTiktok(raw: string): string | null {
  return normaliseEmailMeta(raw);
}

/**
 * E.164 with "+" and the country code. A national number is read in the tenant's country
 * (`defaultCountry`); without one it is dropped rather than hashed without its country code.
 */
export function normalisePhoneTiktok(raw: string, defaultCountry?: string | null): string | null {
  return toE164(raw, defaultCountry);
}

/**
 * The site's own id, case kept: TikTok asks for no transformation, and a case-sensitive id
 * lower-cased here would stop matching the same id sent by the TikTok pixel.
 */
export function normaliseExternalIdTiktok(raw: string): string | null {
  return nonEmpty(raw.trim());
}
