import { sha256Hex } from './hash';
import { normaliseEmailTiktok, normaliseExternalIdTiktok, normalisePhoneTiktok } from './normalise-tiktok';

// Hashes computed independently: printf '%s' '<normalised>' | sha256sum
type Vector = [raw: string, normalised: string, sha256: string];

function expectVector(normalise: (raw: string) => string | null, [raw, normalised, hash]: Vector): void {
  const actual = normalise(raw);
  expect(actual).toBe(normalised);
  expect(sha256Hex(actual ?? '')).toBe(hash);
}

describe('TikTok email', () => {
  it.each<Vector>([
    // 'jane.doe@example.com'
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com', '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d'],
  ])('trims and lower-cases, dots kept (%j)', (...vector) => {
    expectVector(normaliseEmailTiktok, vector);
  });

  it.each(['', '  ', 'jane', 'jane@', 'Jane <jane@example.com>'])('drops the invalid address %j', (raw) => {
    expect(normaliseEmailTiktok(raw)).toBeNull();
  });
});

describe('TikTok phone', () => {
  it.each<[raw: string, country: string | null, ...Vector]>([
    // '+14155552671': E.164 keeps the "+", so the hash differs from Meta's digits-only '14155552671'
    ['(415) 555-2671', 'US', '(415) 555-2671', '+14155552671', 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928'],
    ['+1 415 555 2671', null, '+1 415 555 2671', '+14155552671', 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928'],
    // '+4915123456789': a German mobile written nationally, read in the tenant's country
    ['0151 23456789', 'DE', '0151 23456789', '+4915123456789', '663a4322addcdcc2be9435bfd2505066dc1048b89d33e48f363119f18bdd71e8'],
    // '+442079460958': "00" is the international prefix
    ['0044 20 7946 0958', 'US', '0044 20 7946 0958', '+442079460958', 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d'],
  ])('%j in %s → E.164 with "+"', (_raw, country, ...vector) => {
    expectVector((raw) => normalisePhoneTiktok(raw, country), vector);
    expect(sha256Hex(vector[1])).not.toBe('758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0');
  });

  it('drops a national number without a country to read it in, and junk', () => {
    expect(normalisePhoneTiktok('(415) 555-2671')).toBeNull();
    expect(normalisePhoneTiktok('12', 'US')).toBeNull();
    expect(normalisePhoneTiktok('call me', 'US')).toBeNull();
  });
});

describe('TikTok external_id', () => {
  it.each<Vector>([
    // 'User-42': case kept
    [' User-42 ', 'User-42', 'fafe5e551759817bdc65038b8cb1a8263b1a8b3b60c269d67ff0f8c57ae0f733'],
  ])('is hashed as given, only trimmed (%j)', (...vector) => {
    expectVector(normaliseExternalIdTiktok, vector);
    // 'user-42' would be a different id
    expect(sha256Hex(normaliseExternalIdTiktok(vector[0]) ?? '')).not.toBe('6d894aa3ee802549d7f340e7c1cf0d1c1cb14cd84f768d92ffaa6785337c4997');
  });

  it('drops an empty id', () => {
    expect(normaliseExternalIdTiktok('   ')).toBeNull();
  });
});
