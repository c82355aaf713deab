import {
  normaliseCityMeta,
  normaliseCountryMeta,
  normaliseEmailMeta,
  normaliseExternalIdMeta,
  normaliseNameMeta,
  normalisePhoneMeta,
  normaliseStateMeta,
  normaliseZipMeta,
} from '@attribution/core';
import { compact, hashAll, plainOne, type IdentifierProfile } from '../identifiers/identifier-profile';

/** Meta CAPI `user_data` keys; every value is lowercase SHA-256 hex, deduplicated. */
export interface MetaHashedUserData {
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

/** Meta's customer information parameters, normalised as its CAPI reference says (adplatform-rules §1.2). */
export const metaIdentifiers: IdentifierProfile<MetaHashedUserData, 'meta'> = {
  key: 'meta',
  hash(input, options) {
    const phoneCountry = options.defaultCountry ?? null;
    const country = plainOne(input.country, normaliseCountryMeta);
    return compact<MetaHashedUserData>({
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
  },
  erasure: { email: 'em', phone: 'ph', external_id: 'external_id' },
};
