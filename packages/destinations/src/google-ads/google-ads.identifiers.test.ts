import { googleAdsIdentifiers } from './google-ads.identifiers';

// SHA-256 of the normalised strings, computed with `printf '%s' … | sha256sum`.
const H = {
  /** cloudysanfrancisco@gmail.com */
  gmail: '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4',
  /** user.name+nyc@example.com */
  other: 'f109a2a632fbcea5fc82049f50beed3d8621bf9034399f437fb622222acccdac',
  /** janedoe@googlemail.com */
  googlemail: '338abf9ef1c8793cadc7bcf51ed595338eb727ed9e06ce3d91d566d60b975937',
  /** +18005550100 */
  phone: 'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30',
  /** jane */
  jane: '81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2',
  /** smith */
  smith: '6627835f988e2c5e50533d491163072d3f4f41f5c8b04630150debb3722ca2dd',
};

const hash = (input: Parameters<typeof googleAdsIdentifiers.hash>[0], defaultCountry: string | null = null) => googleAdsIdentifiers.hash(input, { defaultCountry });

describe('google_ads identifier profile (Data Manager "Format user data")', () => {
  it('removes dots and the +suffix for gmail.com and googlemail.com only', () => {
    expect(hash({ email: ' Cloudy.SanFrancisco+shopping@gmail.com ' }).sha256_email).toEqual([H.gmail]);
    expect(hash({ email: 'Jane.Doe+news@GoogleMail.com' }).sha256_email).toEqual([H.googlemail]);
    expect(hash({ email: 'user.name+NYC@Example.com' }).sha256_email).toEqual([H.other]);
  });

  it('hashes the phone in E.164 with its +, read in the tenant country when national', () => {
    expect(hash({ phone: '(800) 555-0100' }, 'US').sha256_phone).toEqual([H.phone]);
    expect(hash({ phone: '+1 800 555 0100' }).sha256_phone).toEqual([H.phone]);
  });

  it('keeps a whole address: hashed names without prefix/suffix, plain region and postal code', () => {
    expect(hash({ first_name: 'Mrs. Jane', last_name: 'Smith Jr.', country: 'United States', zip: ' 94303-5300 ' })).toEqual({
      address: [{ sha256_given_name: H.jane, sha256_family_name: H.smith, region_code: 'US', postal_code: '94303-5300' }],
    });
  });

  it('drops an incomplete address (all four fields are required) and values that do not normalise', () => {
    expect(hash({ first_name: 'Jane', last_name: 'Smith', country: 'US' })).toEqual({});
    expect(hash({ email: 'not-an-email', phone: '12', country: 'Atlantis' })).toEqual({});
  });

  it('erases by email and phone', () => {
    expect(googleAdsIdentifiers.erasure).toEqual({ email: 'sha256_email', phone: 'sha256_phone' });
  });
});
