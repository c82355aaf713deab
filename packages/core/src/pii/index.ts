export { isSha256Hex, sha256Hex } from './hash';
export { withIdentifierMemo } from './identifier-memo';
export {
  normaliseEmailGoogle,
  normaliseEmailMeta,
  normaliseExternalIdMeta,
  normaliseNameGoogle,
  normaliseNameMeta,
  normalisePhoneGoogle,
  normalisePhoneMeta,
  toE164,
} from './normalise';
export {
  normaliseCityGoogle,
  normaliseCityMeta,
  normaliseCountryGoogle,
  normaliseCountryMeta,
  normalisePostalCodeGoogle,
  normaliseRegionGoogle,
  normaliseStateMeta,
  normaliseZipMeta,
} from './normalise-address';
export { toCountryCode } from './country-codes';
export { normaliseEmailGoogleAds, normaliseFamilyNameGoogleAds, normaliseGivenNameGoogleAds, normalisePhoneGoogleAds, normalisePostalCodeGoogleAds, normaliseRegionCodeGoogleAds } from './normalise-google-ads';
export { normaliseEmailTiktok, normaliseExternalIdTiktok, normalisePhoneTiktok } from './normalise-tiktok';
