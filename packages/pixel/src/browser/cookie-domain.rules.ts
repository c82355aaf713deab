/**
 * Candidate domains for first-party cookies, shortest first, so that the first one the browser
 * accepts is the registrable domain: `co.uk` is refused (public suffix), `example.co.uk` sticks.
 * The bare top-level label is skipped because no browser accepts it. Hosts without a registrable
 * domain (`localhost`, IP addresses) get none: their cookies are host-only.
 */
export function domainCandidates(hostname: string): string[] {
  const labels = hostname.split('.');
  return /^[\d.]+$|:/.test(hostname) ? [] : labels.map((_, i) => labels.slice(i).join('.')).reverse().slice(1);
}

/**
 * One cookie's value from a `document.cookie` string; the first wins when a host-only and a
 * domain cookie share a name. The pixel only writes cookie-safe values (URL-encoded query
 * strings, ids), so values are read as they are. `name` must be regex-safe.
 */
export function readCookie(cookies: string, name: string): string | undefined {
  const match = new RegExp('(^|; *)' + name + '=([^;]*)').exec(cookies);
  return (match || [])[2];
}
