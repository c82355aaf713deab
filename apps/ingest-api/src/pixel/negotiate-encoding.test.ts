import { negotiateEncoding } from './negotiate-encoding';

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br', 'br'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', 'identity'],
    ['identity', 'identity'],
    ['*', 'br'],
    // q-values rank, ties go to the smaller body.
    ['gzip;q=1.0, br;q=0.8', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['gzip;q=0.3', 'gzip'],
    ['identity;q=1, gzip;q=0.5', 'identity'],
    ['gzip;q=0.5, identity;q=0.5', 'gzip'],
    ['br ; q=0.9 , gzip ; q=0.2', 'br'],
    // q=0 rules a coding out, also through the wildcard.
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*;q=0, gzip', 'gzip'],
    ['*;q=0, identity', 'identity'],
    ['br;q=0.000, *', 'gzip'],
    ['gzip, *;q=0', 'gzip'],
    // Nothing acceptable at all: identity anyway, a script that loads beats a 406.
    ['identity;q=0, *;q=0', 'identity'],
    // A malformed q-value drops its entry instead of being guessed at.
    ['br;q=2, gzip', 'gzip'],
    ['br;q=abc', 'identity'],
    ['br;q=0.1234, gzip;q=0.1', 'gzip'],
    [',,;q=1, gzip', 'gzip'],
  ])('%j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
