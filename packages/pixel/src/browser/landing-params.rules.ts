/**
 * Click ids and UTM parameters from a landing URL, and the first-party memory that lets a later
 * page (the Purchase) still carry them.
 */

/** What the event API takes: click ids in `user_data`, UTMs (`utm_*`) in `context`. */
export const TOUCH_KEYS = ['gclid', 'gbraid', 'wbraid', 'ttclid', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];

/**
 * The non-empty touch parameters of a query string (`?a=1&b=2`, or a stored cookie value; none
 * for undefined). Values longer than the API's 256 characters for a UTM are ignored: sent, they
 * would lose the whole event (real click ids are far shorter).
 */
export function readParams(query?: string): Record<string, string> {
  const params = new URLSearchParams(query);
  const values: Record<string, string> = {};
  for (const key of TOUCH_KEYS) {
    const value = params.get(key);
    if (value && value.length < 257) values[key] = value;
  }
  return values;
}

/**
 * The touch to remember, as a URL-encoded query string (safe in a cookie): the landing URL's
 * parameters when it has any (a new click or campaign replaces the previous touch as a whole, so
 * an old wbraid never travels with a new gclid, which Google refuses), else the stored one.
 */
export function touchValue(landingQuery: string, stored?: string): string | undefined {
  return new URLSearchParams(readParams(landingQuery)) + '' || stored;
}
