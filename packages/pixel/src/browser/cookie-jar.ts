import { domainCandidates, readCookie } from './cookie-domain.rules';

export const getCookie = (name: string): string | undefined => readCookie(document.cookie, name);

/**
 * Updates a first-party cookie to `next(current value)` and returns the new value. It is written
 * only when it changed, so an unchanged cookie keeps its original expiry. It goes on the shortest
 * parent domain that keeps it, i.e. the registrable domain shared by every subdomain of the site:
 * browsers silently refuse public suffixes such as `co.uk`, so each candidate is tried until the
 * value reads back, and a host without one (localhost, an IP) gets a host-only cookie. Secure
 * cookies need a secure context.
 */
export function remember(name: string, next: (current?: string) => string | undefined, days: number): string | undefined {
  const current = getCookie(name);
  const value = next(current);
  if (value && value !== current) {
    for (const domain of [...domainCandidates(location.hostname), '']) {
      document.cookie = `${name}=${value};path=/;max-age=${days * 86400};SameSite=Lax${domain && ';domain=' + domain}${isSecureContext ? ';Secure' : ''}`;
      if (getCookie(name) === value) break;
    }
  }
  return value;
}
