import {
  normaliseEmailGoogleAds,
  normaliseFamilyNameGoogleAds,
  normaliseGivenNameGoogleAds,
  normalisePhoneGoogleAds,
  normalisePostalCodeGoogleAds,
  normaliseRegionCodeGoogleAds,
} from '@attribution/core';
import { compact, hashAll, plainOne, type IdentifierProfile } from '../identifiers/identifier-profile';

/** One address as the Data Manager API takes it: names hashed, region and postal code plain. */
export interface GoogleAdsAddress {
  sha256_given_name: string;
  sha256_family_name: string;
  region_code: string;
  postal_code: string;
}

/** What ingest stores under `user_data.google_ads`. */
export interface GoogleAdsUserData {
  sha256_email?: string[];
  sha256_phone?: string[];
  address?: GoogleAdsAddress[];
}

/**
 * Google Ads' user-provided data rules (Data Manager "Format user data", newest version): its own
 * profile rather than GA4's `google`, whose older rules keep gmail `+suffixes` and name titles.
 * An address is kept only whole: the reference marks given name, family name, region code and
 * postal code all required.
 */
export const googleAdsIdentifiers: IdentifierProfile<GoogleAdsUserData, 'google_ads'> = {
  key: 'google_ads',
  hash(input, options) {
    const phoneCountry = options.defaultCountry ?? null;
    const address = {
      sha256_given_name: hashAll(input.first_name, normaliseGivenNameGoogleAds)[0],
      sha256_family_name: hashAll(input.last_name, normaliseFamilyNameGoogleAds)[0],
      region_code: plainOne(input.country, normaliseRegionCodeGoogleAds),
      postal_code: plainOne(input.zip, normalisePostalCodeGoogleAds),
    };
    const whole = Object.values(address).every((v) => typeof v === 'string');
    return compact<GoogleAdsUserData>({
      sha256_email: hashAll(input.email, normaliseEmailGoogleAds),
      sha256_phone: hashAll(input.phone, (raw) => normalisePhoneGoogleAds(raw, phoneCountry)),
      address: whole ? [address as GoogleAdsAddress] : undefined,
    });
  },
  erasure: { email: 'sha256_email', phone: 'sha256_phone' },
};
