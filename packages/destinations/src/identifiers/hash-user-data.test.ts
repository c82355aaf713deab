import { identifierProfiles } from '../registry';
import { hashUserData } from './hash-user-data';

/** Every profile of the registry, with nothing in it. */
const NOTHING = Object.fromEntries(identifierProfiles().map((p) => [p.key, {}]));
import type { RawUserData } from './identifier-profile';

// Every hex literal here was computed outside the code under test: printf '%s' '<value>' | sha256sum
const H = {
  'jane.doe@gmail.com': '831f6494ad6be4fcb3a724c3d5fef22d3ceffa3c62ef3a7984e45a0ea177f982',
  'janedoe@gmail.com': 'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69',
  'first.last@example.com': 'ed54043dc26abe52005ca8de7f530026bb4773f53e7a6effc7a520944bab01ad',
  '14155552671': '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0',
  '+14155552671': 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928',
  '4155552671': 'e732f608bbbff0e451359dd805daf3a9540eb9b42cffe06120b784af9e8a6ac6',
  '49301234567': '2f9fbc550b12cbc0e6242384cc472bd1e4f058a8b773f189f7acb86d202655ce',
  '+49301234567': '74bd805bcc47f8603082430ca056311389e38b74fcdfbc32bcb5c6a9269ff3bf',
  '442079460958': '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
  '+442079460958': 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d',
  obrien: 'b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba',
  "o'brien": '65b87174be3b1b122e2b0929f0b84888637d31a4a83bb96a860bcff411f5e668',
  josé: 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866',
  sãopaulo: '3eda1428ae1aece064071f8d40f08fe2bc59ffa66c171a163caf15122ec4d7f0',
  sopaulo: '4a287883aa51936209f313e4c62d9b38b41b7df896dfdff33b98dc1a86607668',
  ca: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
  california: '7e8eea5cc60980270c9ceb75ce8c087d48d726110fd3d17921f774eefd8e18d8',
  m11ae: '1dc694c2070e697769fb959b50671d76cafd430d8ca191fbdd0affcaea344ac5',
  'm1 1ae': '44f487fd97c3c7916f0ab013622787d7c4d7667cf16905c9bf8def1ff35e0e8d',
  '94103': '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789',
  us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
  'united states': '981e5b396726008318fcca73b116e69d1680fdbe17a7fb078d10197731f1e700',
  gb: '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677',
  at: 'b1d6b91b67c2afa5e322988d9462638d354ddf8a1ef79dba987f815c22b4baee',
  au: '632cd2fea71dcde005af4e07f14b8bc1f68b63d9c1b373dc6048fb87e90af22b',
  'User-42': 'fafe5e551759817bdc65038b8cb1a8263b1a8b3b60c269d67ff0f8c57ae0f733',
  'user-42': '6d894aa3ee802549d7f340e7c1cf0d1c1cb14cd84f768d92ffaa6785337c4997',
  jane: '81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2',
  doe: '799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f',
} as const;

const PREHASHED = 'A3F1C9D2E4B5A6978812345678901234567890ABCDEFABCDEFABCDEF12345678';

describe('hashUserData: a full US record', () => {
  const out = hashUserData(
    {
      email: ' Jane.Doe@Gmail.com ',
      phone: '(415) 555-2671',
      first_name: 'Jane',
      last_name: 'Doe',
      city: 'San Francisco',
      state: 'California',
      zip: '94103-1234',
      country: 'United States',
      external_id: 'User-42',
    },
    { defaultCountry: 'US' },
  );

  it('gives Meta one hash per key, in Meta\'s format', () => {
    expect(out.meta).toEqual({
      em: [H['jane.doe@gmail.com']],
      ph: [H['14155552671']],
      fn: [H.jane],
      ln: [H.doe],
      ct: ['1a6bd4d9d79dc0a79b53795c70d3349fa9e38968a3fbefbfe8783efb1d2b6aac'],
      st: [H.ca],
      zp: [H['94103']],
      country: [H.us],
      external_id: [H['User-42']],
    });
  });

  it('gives Google hashed email/phone/names and a plain address', () => {
    expect(out.google).toEqual({
      sha256_email_address: [H['janedoe@gmail.com']],
      sha256_phone_number: [H['+14155552671']],
      address: [
        {
          sha256_first_name: H.jane,
          sha256_last_name: H.doe,
          city: 'san francisco',
          region: 'california',
          postal_code: '94103-1234',
          country: 'US',
        },
      ],
    });
  });
});

describe('hashUserData: divergences from the platforms\' SDKs, pinned to the documentation', () => {
  const meta = (input: RawUserData, defaultCountry: string | null = null) => hashUserData(input, { defaultCountry }).meta;
  const google = (input: RawUserData, defaultCountry: string | null = null) =>
    hashUserData(input, { defaultCountry }).google;

  it("O'Brien: punctuation removed (legacy SDK hashes \"o'brien\")", () => {
    expect(meta({ last_name: "O'Brien" }).ln).toEqual([H.obrien]);
    expect(meta({ last_name: "O'Brien" }).ln).not.toContain(H["o'brien"]);
    expect(google({ last_name: "O'Brien" }).address).toEqual([{ sha256_last_name: H.obrien }]);
  });

  it('São Paulo: accents kept (capi-param-builder hashes "sopaulo")', () => {
    expect(meta({ city: 'São Paulo' }).ct).toEqual([H.sãopaulo]);
    expect(meta({ city: 'São Paulo' }).ct).not.toContain(H.sopaulo);
    expect(google({ city: 'São Paulo' }).address).toEqual([{ city: 'são paulo' }]);
  });

  it('California: mapped to "ca" (legacy SDK hashes "california")', () => {
    expect(meta({ state: 'California' }).st).toEqual([H.ca]);
    expect(meta({ state: 'California' }).st).not.toContain(H.california);
  });

  it('M1 1AE: inner space removed (capi-param-builder keeps it)', () => {
    expect(meta({ zip: 'M1 1AE', country: 'GB' }).zp).toEqual([H.m11ae]);
    expect(meta({ zip: 'M1 1AE', country: 'GB' }).zp).not.toContain(H['m1 1ae']);
    expect(google({ zip: 'M1 1AE', country: 'GB' }).address).toEqual([{ postal_code: 'M1 1AE', country: 'GB' }]);
  });

  it('United States: mapped to "us" (legacy SDK throws); unknown names are not truncated', () => {
    expect(meta({ country: 'United States' }).country).toEqual([H.us]);
    expect(meta({ country: 'Austria' }).country).toEqual([H.at]);
    expect(meta({ country: 'Austria' }).country).not.toContain(H.au);
    expect(meta({ country: 'Atlantis' })).toEqual({});
  });

  it('external_id: hashed with its case (legacy sends it raw, capi-param-builder lowercases it)', () => {
    const ids = meta({ external_id: ' User-42 ' }).external_id;
    expect(ids).toEqual([H['User-42']]);
    expect(ids).not.toContain(H['user-42']);
    expect(JSON.stringify(hashUserData({ external_id: 'User-42' }))).not.toContain('User-42');
  });

  it('gmail dots: kept for Meta, removed for Google', () => {
    expect(meta({ email: 'Jane.Doe@gmail.com' }).em).toEqual([H['jane.doe@gmail.com']]);
    expect(google({ email: 'Jane.Doe@gmail.com' }).sha256_email_address).toEqual([H['janedoe@gmail.com']]);
  });

  it('phone: Meta without "+", Google with it; a national number gets the tenant country', () => {
    expect(meta({ phone: '(415) 555-2671' }, 'US').ph).toEqual([H['14155552671']]);
    expect(google({ phone: '(415) 555-2671' }, 'US').sha256_phone_number).toEqual([H['+14155552671']]);
    expect(meta({ phone: '(415) 555-2671' }, 'US').ph).not.toContain(H['4155552671']);
    expect(meta({ phone: '030 1234567' }, 'DE').ph).toEqual([H['49301234567']]);
    expect(google({ phone: '030 1234567' }, 'DE').sha256_phone_number).toEqual([H['+49301234567']]);
    expect(meta({ phone: '+44 20 7946 0958' }, 'US').ph).toEqual([H['442079460958']]);
    expect(google({ phone: '+44 20 7946 0958' }, 'US').sha256_phone_number).toEqual([H['+442079460958']]);
  });

  it('phone without a country code and no tenant default: dropped, not hashed as is', () => {
    expect(hashUserData({ phone: '(415) 555-2671' }, {})).toEqual(NOTHING);
  });

  it('2/16/1997: date of birth is not an accepted field, so it is never emitted in any form', () => {
    const input = { email: 'jane@example.com', db: '2/16/1997' } as RawUserData;
    const json = JSON.stringify(hashUserData(input));
    expect(json).not.toContain('1997');
    expect(Object.keys(hashUserData(input).meta)).toEqual(['em']);
  });
});

describe('hashUserData: pre-hashed values', () => {
  it('passes 64-hex values through lowercased for every hashed key', () => {
    const lower = PREHASHED.toLowerCase();
    const out = hashUserData({
      email: ` ${PREHASHED} `,
      phone: PREHASHED,
      first_name: PREHASHED,
      last_name: PREHASHED,
      city: PREHASHED,
      state: PREHASHED,
      zip: PREHASHED,
      country: PREHASHED,
      external_id: PREHASHED,
    });
    expect(out.meta).toEqual({
      em: [lower], ph: [lower], fn: [lower], ln: [lower], ct: [lower], st: [lower], zp: [lower], country: [lower],
      external_id: [lower],
    });
    expect(out.google).toEqual({
      sha256_email_address: [lower],
      sha256_phone_number: [lower],
      address: [{ sha256_first_name: lower, sha256_last_name: lower }],
    });
  });

  it('does not treat an MD5-length hex string as a hash', () => {
    expect(hashUserData({ email: 'd41d8cd98f00b204e9800998ecf8427e' })).toEqual(NOTHING);
  });
});

describe('hashUserData: shape', () => {
  it('returns empty objects, not empty arrays or undefined keys, when nothing survives', () => {
    const out = hashUserData({ email: ['n/a', ''], phone: 'unknown', first_name: ' ', country: 'Atlantis' });
    expect(out).toEqual(NOTHING);
    expect(JSON.stringify(out)).toBe(JSON.stringify(NOTHING));
  });

  it('drops invalid values but keeps the valid ones next to them', () => {
    const out = hashUserData({ email: ['not-an-email', 'first.last@example.com'], phone: ['12', '+1 415 555 2671'] });
    expect(out.meta).toEqual({ em: [H['first.last@example.com']], ph: [H['14155552671']] });
  });

  it('deduplicates values that normalise to the same string', () => {
    const out = hashUserData({ email: ['Jane.Doe@gmail.com', ' jane.doe@GMAIL.com', 'janedoe@gmail.com'] });
    expect(out.meta.em).toEqual([H['jane.doe@gmail.com'], H['janedoe@gmail.com']]);
    expect(out.google.sha256_email_address).toEqual([H['janedoe@gmail.com']]);
  });

  it('keeps at most 3 emails and 3 phones for Google, all of them for Meta', () => {
    const emails = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
    const phones = ['+1 415 555 2671', '+1 415 555 2672', '+1 415 555 2673', '+1 415 555 2674'];
    const out = hashUserData({ email: emails, phone: phones });
    expect(out.meta.em).toHaveLength(4);
    expect(out.meta.ph).toHaveLength(4);
    expect(out.google.sha256_email_address).toHaveLength(3);
    expect(out.google.sha256_phone_number).toHaveLength(3);
  });

  it('accepts a lowercase default country and ignores an unsupported one', () => {
    expect(hashUserData({ phone: '(415) 555-2671' }, { defaultCountry: 'us' }).meta.ph).toEqual([H['14155552671']]);
    expect(hashUserData({ phone: '(415) 555-2671' }, { defaultCountry: 'XX' }).meta).toEqual({});
  });

  it('ignores non-string values that slip past the types', () => {
    const input = { email: [42, null, 'first.last@example.com'], phone: { n: 1 } } as unknown as RawUserData;
    const out = hashUserData(input);
    expect(out.meta).toEqual({ em: [H['first.last@example.com']] });
    expect(out.google).toEqual({ sha256_email_address: [H['first.last@example.com']] });
    // Every other profile keeps the one email too, and nothing from the other values.
    for (const profile of identifierProfiles()) expect(Object.values((out as unknown as Record<string, object>)[profile.key]!)).toHaveLength(1);
  });
});
