import { maskIp } from './mask-ip';

describe('maskIp', () => {
  it('keeps only the network of an address', () => {
    expect(maskIp('203.0.113.9')).toBe('203.0.113.0/24');
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::/48');
    expect(maskIp('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(maskIp(null)).toBeNull();
    expect(maskIp('jane@example.com')).toBe('not an IP address');
  });
});
