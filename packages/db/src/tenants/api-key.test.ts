import { generateApiKey, hashApiKey, hashesEqual, parseApiKey } from './api-key';

describe('api keys', () => {
  it('generates prefixed, unique, parseable keys whose hash is SHA-256 of the key', () => {
    const a = generateApiKey('secret');
    const b = generateApiKey('public');
    expect(a.key).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
    expect(b.key).toMatch(/^pk_/);
    expect(a.key).not.toBe(generateApiKey('secret').key);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(hashApiKey('sk_test')).toBe('12b2820cf1639904311da5771de1e5bb65c77073fdc7c555df395942df42896b');
    expect(parseApiKey(a.key)).toEqual({ kind: 'secret', key: a.key });
    expect(a.displayPrefix).toBe(a.key.slice(0, 10));
  });

  it('rejects malformed keys before any lookup', () => {
    for (const raw of [undefined, '', 'sk_short', 'xx_aaaaaaaaaaaaaaaaaaaaaaaa', 'sk_aaaaaaaaaaaaaaaaaaaaaa aa', `sk_${'a'.repeat(101)}`]) {
      expect(parseApiKey(raw)).toBeNull();
    }
  });

  it('compares hashes in constant time and only equal lengths', () => {
    const h = hashApiKey('sk_x');
    expect(hashesEqual(h, hashApiKey('sk_x'))).toBe(true);
    expect(hashesEqual(h, hashApiKey('sk_y'))).toBe(false);
    expect(hashesEqual(h, h.slice(0, 10))).toBe(false);
  });
});
