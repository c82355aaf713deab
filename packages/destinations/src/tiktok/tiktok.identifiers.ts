import { normaliseEmailTiktok, normaliseExternalIdTiktok, normalisePhoneTiktok } from '@attribution/core';
import { compact, hashAll, type IdentifierProfile } from '../identifiers/identifier-profile';

/** TikTok Events API `user` matching keys; every value is lowercase SHA-256 hex, deduplicated. */
export interface TiktokHashedUserData {
  email?: string[];
  phone?: string[];
  external_id?: string[];
}

/**
 * TikTok's hashed matching keys, normalised as TikTok asks (packages/core `normalise-tiktok.ts`):
 * email trimmed and lower-cased, phone E.164 with "+", external_id as given. Names and address
 * fields are not TikTok matching keys, so none are kept.
 */
export const tiktokIdentifiers: IdentifierProfile<TiktokHashedUserData, 'tiktok'> = {
  key: 'tiktok',
  hash(input, options) {
    const phoneCountry = options.defaultCountry ?? null;
    return compact<TiktokHashedUserData>({
      email: hashAll(input.email, normaliseEmailTiktok),
      phone: hashAll(input.phone, (raw) => normalisePhoneTiktok(raw, phoneCountry)),
      external_id: hashAll(input.external_id, normaliseExternalIdTiktok),
    });
  },
  erasure: { email: 'email', phone: 'phone', external_id: 'external_id' },
};
