import { isIPv4, isIPv6 } from 'node:net';

/**
 * An IP address as the console shows it: its network only (/24 for IPv4, /48 for IPv6), enough
 * to tell traffic apart, not to point at one visitor. The full address stays for the platforms.
 */
export function maskIp(ip: string | null): string | null {
  if (!ip) return null;
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(ip)) {
    const [head = ''] = ip.split('::');
    const groups = [...head.split(':').filter(Boolean), '0', '0', '0'].slice(0, 3);
    return `${groups.join(':')}::/48`;
  }
  return 'not an IP address';
}
