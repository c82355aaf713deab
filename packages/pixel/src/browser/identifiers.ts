// In this order for the bundle's gzip size (see tracking.ts).
import { readParams, touchValue } from './landing-params.rules';
import { uuidV4 } from './event-id.rules';
import { ttp } from './tiktok-cookie.rules';
import { getCookie, remember } from './cookie-jar';
import { nextFbc, nextFbp } from './meta-cookies.rules';

// Read when the script runs: that is the landing, and its time is the click time of an fbclid.
const landingQuery = location.search;
const landedAt = Date.now();

type Fields = Record<string, string | undefined>;

export const newId = (): string =>
  crypto.randomUUID ? crypto.randomUUID() : uuidV4(() => crypto.getRandomValues(new Uint8Array(1))[0]!);

/**
 * Fills the identifiers of an event (`user_data` and `context` fields), writing the cookies that
 * need it. Without storage consent nothing is read from or written to the device: only the
 * landing URL's click ids and UTMs go out (they are in the page URL the API receives anyway).
 * The touch, _fbc and _fbp last 90 days (Google's click-id window, Meta's convention); the visitor
 * id 390 days, under the 13 months European regulators accept for an audience-measurement cookie.
 * TikTok's `_ttp` is only read, under the same consent as `_fbp`: TikTok's own pixel writes it.
 */
export function identifiers(storageAllowed: boolean, user: Fields, context: Fields): void {
  const found = readParams(
    storageAllowed ? remember('_att_touch', (stored) => touchValue(landingQuery, stored), 90) : touchValue(landingQuery),
  );
  for (const key in found) (/^utm_/.test(key) ? context : user)[key] = found[key];
  if (storageAllowed) {
    user['fbc'] = remember('_fbc', (stored) => nextFbc(stored, landingQuery, landedAt), 90);
    user['fbp'] = remember('_fbp', (stored) => nextFbp(stored, Date.now(), Math.random), 90);
    context['visitor_id'] = remember('_att_vid', (stored) => stored || newId(), 390);
    user['ttp'] = ttp(getCookie('_ttp'));
  }
}
