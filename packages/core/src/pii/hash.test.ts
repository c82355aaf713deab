import { isSha256Hex, sha256Hex } from './hash';

// Expected digests computed outside the code under test: printf '%s' '<value>' | sha256sum
describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['josé', 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866'],
    ['müller', '2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192'],
  ])('hashes the UTF-8 bytes of %j as lowercase hex', (value, expected) => {
    expect(sha256Hex(value)).toBe(expected);
  });
});

describe('isSha256Hex', () => {
  it('accepts 64 hex characters in either case', () => {
    expect(isSha256Hex('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')).toBe(true);
    expect(isSha256Hex('BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD')).toBe(true);
  });

  it.each([
    ['too short', 'ba7816bf8f01cfea414140de5dae2223'],
    ['too long', `${'a'.repeat(64)}0`],
    ['not hex', `${'a'.repeat(63)}g`],
    ['padded', ` ${'a'.repeat(64)}`],
    ['empty', ''],
  ])('rejects %s', (_label, value) => {
    expect(isSha256Hex(value)).toBe(false);
  });
});
