import {
  normaliseCityGoogle,
  normaliseCountryGoogle,
  normaliseEmailGoogle,
  normaliseNameGoogle,
  normalisePhoneGoogle,
  normalisePostalCodeGoogle,
  normaliseRegionGoogle,
} from '@attribution/core';
import { compact, hashAll, plainOne, type IdentifierProfile } from '../identifiers/identifier-profile';

export interface GoogleAddress {
  sha256_first_name?: string;
  sha256_last_name?: string;
  city?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

/** GA4 Measurement Protocol `user_data` (the same normalisation as Google Ads enhanced conversions). */
export interface GoogleUserData {
  sha256_email_address?: string[];
  sha256_phone_number?: string[];
  address?: GoogleAddress[];
}

// GA4 accepts at most 3 emails and 3 phone numbers per user_data.
const GOOGLE_MAX_PER_IDENTIFIER = 3;

/**
 * Google's user-provided data rules (adplatform-rules §2.3): hashed email, phone and names; city,
 * region, postal code and country in plain text, as Google requires.
 */
export const googleIdentifiers: IdentifierProfile<GoogleUserData, 'google'> = {
  key: 'google',
  hash(input, options) {
    const phoneCountry = options.defaultCountry ?? null;
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
      sha256_phone_number: hashAll(input.phone, (raw) => normalisePhoneGoogle(raw, phoneCountry)).slice(0, GOOGLE_MAX_PER_IDENTIFIER),
      address: Object.keys(address).length > 0 ? [address] : undefined,
    });
  },
  erasure: { email: 'sha256_email_address', phone: 'sha256_phone_number' },
};
