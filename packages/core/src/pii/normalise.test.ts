import { sha256Hex } from './hash';
import {
  normaliseEmailGoogle,
  normaliseEmailMeta,
  normaliseExternalIdMeta,
  normaliseNameGoogle,
  normaliseNameMeta,
  normalisePhoneGoogle,
  normalisePhoneMeta,
  toE164,
} from './normalise';

// Hashes computed independently: printf '%s' '<normalised>' | sha256sum
type Vector = [raw: string, normalised: string, sha256: string];

function expectVector(normalise: (raw: string) => string | null, [raw, normalised, hash]: Vector): void {
  const actual = normalise(raw);
  expect(actual).toBe(normalised);
  expect(sha256Hex(actual ?? '')).toBe(hash);
}

describe('email', () => {
  it.each<Vector>([
    [' Jane.Doe@Gmail.com ', 'jane.doe@gmail.com', '831f6494ad6be4fcb3a724c3d5fef22d3ceffa3c62ef3a7984e45a0ea177f982'],
    ['first.last@example.com', 'first.last@example.com', 'ed54043dc26abe52005ca8de7f530026bb4773f53e7a6effc7a520944bab01ad'],
  ])('Meta: trims and lowercases only, gmail dots kept (%j)', (...vector) => {
    expectVector(normaliseEmailMeta, vector);
  });

  it.each<Vector>([
    [' Jane.Doe@Gmail.com ', 'janedoe@gmail.com', 'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69'],
    ['John.Smith@GoogleMail.com', 'johnsmith@googlemail.com',
      'b1dd4aa5ffe1507d6883708fdf4f7a88d176b107097b541c6975a70e2b8ffbb8'],
    ['first.last@example.com', 'first.last@example.com', 'ed54043dc26abe52005ca8de7f530026bb4773f53e7a6effc7a520944bab01ad'],
    ['jane doe @example.com', 'janedoe@example.com', 'c4d25e9c90ff23e9145397bc6fbd5385ca5fbe78211222ccbecd0b369ebb19a6'],
  ])('Google: removes spaces, and dots before @ for gmail/googlemail only (%j)', (...vector) => {
    expectVector(normaliseEmailGoogle, vector);
  });

  it.each(['jane.doe+promo@example.co.uk', "o'brien@example.ie", 'jane@bücher.de'])('accepts the real address %j', (raw) => {
    expect(normaliseEmailMeta(raw)).toBe(raw);
    expect(normaliseEmailGoogle(raw)).toBe(raw);
  });

  it('Meta rejects inner spaces, which its rule does not remove', () => {
    expect(normaliseEmailMeta('jane doe@example.com')).toBeNull();
  });

  it.each([
    '', '   ', 'n/a', 'jane', 'jane@', '@example.com', 'jane@example', 'a@b@example.com', 'jane@example..com',
    '...@gmail.com', '.jane@example.com', 'Jane <jane@example.com>', 'jane@exa_mple.com',
  ])('drops invalid email %j on both platforms', (raw) => {
    expect(normaliseEmailMeta(raw)).toBeNull();
    expect(normaliseEmailGoogle(raw)).toBeNull();
  });
});

describe('phone', () => {
  it.each<[raw: string, country: string | null, meta: string, metaHash: string, google: string, googleHash: string]>([
    ['(415) 555-2671', 'US', '14155552671', '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0',
      '+14155552671', 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928'],
    ['030 1234567', 'DE', '49301234567', '2f9fbc550b12cbc0e6242384cc472bd1e4f058a8b773f189f7acb86d202655ce',
      '+49301234567', '74bd805bcc47f8603082430ca056311389e38b74fcdfbc32bcb5c6a9269ff3bf'],
    ['+44 20 7946 0958', 'US', '442079460958', '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
      '+442079460958', 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d'],
    ['0044 20 7946 0958', 'US', '442079460958', '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
      '+442079460958', 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d'],
    ['07911 123456', 'gb', '447911123456', '40b5c38342a9c584ec707e8679b003f8c779c6aaa138c976ef94e049cc05208f',
      '+447911123456', '20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa'],
    ['+1 (415) 555-2671 ext. 12', null, '14155552671', '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0',
      '+14155552671', 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928'],
  ])('%j with default %j: Meta digits only, Google with "+"', (raw, country, meta, metaHash, google, googleHash) => {
    expectVector((r) => normalisePhoneMeta(r, country), [raw, meta, metaHash]);
    expectVector((r) => normalisePhoneGoogle(r, country), [raw, google, googleHash]);
  });

  it('keeps the number\'s own country code over the default', () => {
    expect(toE164('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(toE164('011 44 20 7946 0958', 'US')).toBe('+442079460958');
  });

  it.each<[string, string | null | undefined]>([
    ['(415) 555-2671', null],
    ['(415) 555-2671', undefined],
    ['(415) 555-2671', 'XX'],
    ['555-2671', 'US'],
    ['+1 555 555 5555', 'US'],
    ['12', 'US'],
    ['not a phone', 'US'],
    ['', 'US'],
  ])('drops %j with default %j (no country to complete it, or not a valid number)', (raw, country) => {
    expect(toE164(raw, country)).toBeNull();
    expect(normalisePhoneMeta(raw, country)).toBeNull();
    expect(normalisePhoneGoogle(raw, country)).toBeNull();
  });
});

describe('first / last name', () => {
  it.each<Vector>([
    ["O'Brien", 'obrien', 'b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba'],
    [' José ', 'josé', 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866'],
    ['Jose\u0301', 'josé', 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866'],
    ['MÜLLER', 'müller', '2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192'],
    ['Mary-Ann', 'maryann', '16b3f07f0ec2f9dd127b71dc2e6c791b7d93116a1c3bc99d057eaa7a8a077e73'],
  ])('%j is the same on both platforms', (...vector) => {
    expectVector(normaliseNameMeta, vector);
    expectVector(normaliseNameGoogle, vector);
  });

  it('Meta keeps digits (its rule only removes punctuation); Google removes them', () => {
    expectVector(normaliseNameMeta, ['John3', 'john3', '5c7ab9d20ef044dd6e61d66450d78b7e9c5d0eeb7634eb302adec394178ebd2a']);
    expectVector(normaliseNameGoogle, ['John3', 'john', '96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a']);
  });

  it('squeezes the spaces left behind by removed symbols', () => {
    expect(normaliseNameMeta('  Jean - Luc  ')).toBe('jean luc');
    expect(normaliseNameGoogle('Jean  Luc')).toBe('jean luc');
  });

  it.each(['', '   ', "'-.", '🙂'])('drops %j', (raw) => {
    expect(normaliseNameMeta(raw)).toBeNull();
    expect(normaliseNameGoogle(raw)).toBeNull();
  });
});

describe('external_id (Meta)', () => {
  it('trims only; case is kept because it is the site\'s own id', () => {
    const hash = 'fafe5e551759817bdc65038b8cb1a8263b1a8b3b60c269d67ff0f8c57ae0f733';
    expectVector(normaliseExternalIdMeta, [' User-42 ', 'User-42', hash]);
  });

  it('drops blank ids', () => {
    expect(normaliseExternalIdMeta('  ')).toBeNull();
  });
});
