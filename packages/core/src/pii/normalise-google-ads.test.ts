import { normaliseEmailGoogle, normaliseNameGoogle } from './normalise';
import {
  normaliseEmailGoogleAds,
  normaliseFamilyNameGoogleAds,
  normaliseGivenNameGoogleAds,
  normalisePhoneGoogleAds,
  normalisePostalCodeGoogleAds,
  normaliseRegionCodeGoogleAds,
} from './normalise-google-ads';

describe('normaliseEmailGoogleAds (Data Manager "Format user data")', () => {
  it.each([
    // Google's own two examples.
    ['cloudy.sanfrancisco+shopping@gmail.com', 'cloudysanfrancisco@gmail.com'],
    ['user.name+NYC@Example.com', 'user.name+nyc@example.com'],
    ['  Jane.Doe+News@GoogleMail.com ', 'janedoe@googlemail.com'],
    ['j a n e@gmail.com', 'jane@gmail.com'],
    ['jane.doe@gmail.com.au', 'jane.doe@gmail.com.au'],
    ['jane+a+b@gmail.com', 'jane@gmail.com'],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseEmailGoogleAds(raw)).toBe(expected);
  });

  it('drops what cannot be an address, including a gmail local part that is only a +tag', () => {
    expect(normaliseEmailGoogleAds('+promo@gmail.com')).toBeNull();
    expect(normaliseEmailGoogleAds('not an email')).toBeNull();
    expect(normaliseEmailGoogleAds('')).toBeNull();
  });

  it("leaves GA4's older rule alone: the google profile keeps the +suffix", () => {
    expect(normaliseEmailGoogle('cloudy.sanfrancisco+shopping@gmail.com')).toBe('cloudysanfrancisco+shopping@gmail.com');
  });
});

describe('normalisePhoneGoogleAds', () => {
  it('is E.164 with the plus sign and the country code', () => {
    expect(normalisePhoneGoogleAds('(800) 555-0100', 'US')).toBe('+18005550100');
    expect(normalisePhoneGoogleAds('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalisePhoneGoogleAds('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalisePhoneGoogleAds('12')).toBeNull();
  });
});

describe('names without prefixes and suffixes', () => {
  it.each([
    ['Mrs. Jane', 'jane'],
    [' Dr Jane ', 'jane'],
    ['Mary Ann', 'mary ann'],
    ['José', 'josé'],
    // A name that is only a title is kept: there is nothing else to call the person by.
    ['Mr', 'mr'],
  ])('given name %j → %j', (raw, expected) => {
    expect(normaliseGivenNameGoogleAds(raw)).toBe(expected);
  });

  it.each([
    ['Smith Jr.', 'smith'],
    ['King III', 'king'],
    ['García Márquez', 'garcía márquez'],
    ["O'Brien", 'obrien'],
  ])('family name %j → %j', (raw, expected) => {
    expect(normaliseFamilyNameGoogleAds(raw)).toBe(expected);
  });

  it('drops a name with no letters', () => {
    expect(normaliseGivenNameGoogleAds('123 .')).toBeNull();
    expect(normaliseFamilyNameGoogleAds('')).toBeNull();
  });

  it("leaves GA4's rule alone: it keeps the title", () => {
    expect(normaliseNameGoogle('Mrs. Jane')).toBe('mrs jane');
  });
});

describe('region and postal code (sent in plain text)', () => {
  it('region code is ISO 3166-1 alpha-2, upper-case', () => {
    expect(normaliseRegionCodeGoogleAds(' us ')).toBe('US');
    expect(normaliseRegionCodeGoogleAds('United Kingdom')).toBe('GB');
    expect(normaliseRegionCodeGoogleAds('Atlantis')).toBeNull();
  });

  it('postal code is trimmed and otherwise kept', () => {
    expect(normalisePostalCodeGoogleAds(' 94303-5300 ')).toBe('94303-5300');
    expect(normalisePostalCodeGoogleAds('WC2H  8LG')).toBe('WC2H 8LG');
    expect(normalisePostalCodeGoogleAds('   ')).toBeNull();
  });
});
