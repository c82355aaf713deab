import { isNotModified } from './conditional-get';

describe('isNotModified', () => {
  const etag = '"0123456789abcdef-br"';

  it.each([
    ['"0123456789abcdef-br"', true],
    ['W/"0123456789abcdef-br"', true],
    ['"other", "0123456789abcdef-br"', true],
    ['"other",W/"0123456789abcdef-br" , "x"', true],
    ['*', true],
    [' * ', true],
    ['"0123456789abcdef"', false],
    ['"0123456789abcdef-gzip"', false],
    ['0123456789abcdef-br', false],
    ['"0123456789ABCDEF-BR"', false],
    ['"0123456789abcdef-br', false],
    ['', false],
    [undefined, false],
  ])('If-None-Match %j → %s', (header, expected) => {
    expect(isNotModified(header, etag)).toBe(expected);
  });
});
