import { parseTrustProxy } from './trust-proxy';

describe('parseTrustProxy', () => {
  it('turns the variable into what Express takes: a boolean, a hop count, or addresses as given', () => {
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });
});
