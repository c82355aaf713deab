import type { EventContext } from '@attribution/core';

/**
 * A referrer's query string and fragment can carry personal data (an email in a password-reset
 * link, a session token), and so can user:password@ in its authority: only origin and path are
 * kept, whatever the pixel already stripped.
 *
 * Done on the string rather than with `new URL()`: the schema's RFC 3986 check accepts a few
 * URIs the WHATWG parser throws on (port 99999, `%20` in the host), and this must never fail
 * after validation. In an RFC 3986 URI the first `?` or `#` starts the query or fragment, and
 * the userinfo ends at the only `@` before the path.
 */
export function referrerOriginAndPath(uri: string): string {
  const end = uri.search(/[?#]/);
  const withoutQuery = end === -1 ? uri : uri.slice(0, end);
  return withoutQuery.replace(/^(https?:\/\/)[^/]*@/i, '$1');
}

/** The context as stored: absent becomes `{}` (the column's meaning of "none"). */
export function toStoredContext(context: EventContext | undefined): EventContext {
  if (!context) return {};
  const { page_referrer: referrer, ...rest } = context;
  return referrer === undefined ? rest : { ...rest, page_referrer: referrerOriginAndPath(referrer) };
}
