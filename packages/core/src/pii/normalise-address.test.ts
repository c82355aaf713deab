import { sha256Hex } from './hash';
import {
  normaliseCityGoogle,
  normaliseCityMeta,
  normaliseCountryGoogle,
  normaliseCountryMeta,
  normalisePostalCodeGoogle,
  normaliseRegionGoogle,
  normaliseStateMeta,
  normaliseZipMeta,
} from './normalise-address';

// Hashes computed independently: printf '%s' '<normalised>' | sha256sum
function expectHashed(actual: string | null, normalised: string, hash: string): void {
  expect(actual).toBe(normalised);
  expect(sha256Hex(actual ?? '')).toBe(hash);
}

describe('city', () => {
  it.each([
    ['São Paulo', 'sãopaulo', '3eda1428ae1aece064071f8d40f08fe2bc59ffa66c171a163caf15122ec4d7f0'],
    [' New York ', 'newyork', '350c754ba4d38897693aa077ef43072a859d23f613443133fecbbd90a3512ca5'],
    ['St. Louis', 'stlouis', '8ba24bdf99947996f3000259be455de791b06fcc0e802ce05031030df1ee8ea3'],
  ])('Meta: %j → %j (lowercase, no punctuation or spaces, accents kept)', (raw, normalised, hash) => {
    expectHashed(normaliseCityMeta(raw), normalised, hash);
  });

  it('Google: plain text, digits and symbols removed, spaces kept', () => {
    expect(normaliseCityGoogle('São Paulo')).toBe('são paulo');
    expect(normaliseCityGoogle('St. Louis')).toBe('st louis');
    expect(normaliseCityGoogle('Paris 15')).toBe('paris');
  });

  it.each(['', ' ', '--', '123'])('Google drops %j', (raw) => {
    expect(normaliseCityGoogle(raw)).toBeNull();
  });
});

describe('state / region', () => {
  it.each<[raw: string, country: string | null, normalised: string, hash: string]>([
    ['California', 'us', 'ca', '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126'],
    ['California', null, 'ca', '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126'],
    [' CA ', 'us', 'ca', '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126'],
    ['Québec', 'ca', 'qc', '997164d13810adf6cab52541447d083c4472e5ca6052cc6ddd9501318ac5730c'],
    ['Georgia', 'us', 'ga', 'f52d63231eb0dbaac689ec9147e4b131fc95ef92d5bc78135b22934b36d76bf4'],
    ['Georgia', 'ge', 'georgia', '1c18bc2214f67ae19bbaa640fc776f5a4a38c4021d421cdd8cd3d2bcad23da93'],
    ['Bayern', 'de', 'bayern', '52b07f18c831ba4b08ba0b8bc84c6e023a825dfd385d20d8dcbf410d11c546e7'],
    ['Nouvelle-Aquitaine', 'fr', 'nouvelleaquitaine', '478d0fe1f2409938f66f4031618a1a5626dd155a9469dde9455c7ec627d1c711'],
  ])('Meta: %j in %j → %j', (raw, country, normalised, hash) => {
    expectHashed(normaliseStateMeta(raw, country), normalised, hash);
  });

  it('Google: plain name, not mapped to a code', () => {
    expect(normaliseRegionGoogle('California')).toBe('california');
    expect(normaliseRegionGoogle('Nouvelle-Aquitaine')).toBe('nouvelleaquitaine');
    expect(normaliseRegionGoogle('New South Wales')).toBe('new south wales');
  });
});

describe('zip / postal code', () => {
  it.each<[raw: string, country: string | null, normalised: string, hash: string]>([
    ['M1 1AE', 'gb', 'm11ae', '1dc694c2070e697769fb959b50671d76cafd430d8ca191fbdd0affcaea344ac5'],
    ['94103-1234', 'us', '94103', '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789'],
    ['94103-1234', null, '94103', '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789'],
    ['941031234', null, '94103', '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789'],
    [' 94103 ', 'us', '94103', '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789'],
    ['10115', 'de', '10115', 'ac7bb74de6884ffce919c15fef4193749d4588026c643973946713ac46da540d'],
    ['01310-100', 'br', '01310100', '9a4a139dfbfcd2fc89a3cb4302dad65a35abd8d29a56c09a962b69c5cf3bca40'],
  ])('Meta: %j in %j → %j', (raw, country, normalised, hash) => {
    expectHashed(normaliseZipMeta(raw, country), normalised, hash);
  });

  it('Meta drops a US zip without 5 digits', () => {
    expect(normaliseZipMeta('9410', 'us')).toBeNull();
    expect(normaliseZipMeta(' - ', null)).toBeNull();
  });

  it('Google: only "." and "~" removed, then trimmed; sent plain', () => {
    expect(normalisePostalCodeGoogle(' M1 1AE ')).toBe('M1 1AE');
    expect(normalisePostalCodeGoogle('94103~')).toBe('94103');
    expect(normalisePostalCodeGoogle('94.103-1234')).toBe('94103-1234');
    expect(normalisePostalCodeGoogle(' .~ ')).toBeNull();
  });
});

describe('country', () => {
  it.each<[raw: string, meta: string, hash: string]>([
    ['United States', 'us', '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621'],
    ['US', 'us', '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621'],
    [' usa ', 'us', '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621'],
    ['United Kingdom', 'gb', '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677'],
    ['UK', 'gb', '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677'],
    ['Germany', 'de', '959a45d44e6fcf58361ed004681556fe50129f2109e817dec098c00c9e5d2578'],
    ['Austria', 'at', 'b1d6b91b67c2afa5e322988d9462638d354ddf8a1ef79dba987f815c22b4baee'],
    ['fr', 'fr', '67ad8f41a7bb0a18c45f3efd8f6a32bdcd832bcf8f3f2eb44006c03d53076e18'],
  ])('%j → Meta %j (hashed), Google uppercase (plain)', (raw, meta, hash) => {
    expectHashed(normaliseCountryMeta(raw), meta, hash);
    expect(normaliseCountryGoogle(raw)).toBe(meta.toUpperCase());
  });

  it.each([
    ['Bosnia and Herzegovina', 'BA'],
    ['Saint Lucia', 'LC'],
    ['The Netherlands', 'NL'],
    ["Côte d'Ivoire", 'CI'],
    ['Turkey', 'TR'],
    ['Czech Republic', 'CZ'],
  ])('maps the full name %j to %j', (raw, code) => {
    expect(normaliseCountryGoogle(raw)).toBe(code);
  });

  it.each(['Atlantis', 'ZZ', 'XK', 'U', '', 'Unit'])('gives null for %j instead of guessing from its letters', (raw) => {
    expect(normaliseCountryMeta(raw)).toBeNull();
    expect(normaliseCountryGoogle(raw)).toBeNull();
  });
});
