import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { StoredEvent } from '@attribution/core';
import { googleIdentifiers } from '../google/google.identifiers';
import { storedHashes } from '../identifiers/identifier-profile';
import { metaIdentifiers } from '../meta/meta.identifiers';
import {
  GA4_AGE_SAFETY_MARGIN_SECONDS,
  GA4_MAX_ADDRESSES,
  GA4_MAX_EMAILS,
  GA4_MAX_EVENT_AGE_SECONDS,
  GA4_MAX_NAME_LENGTH,
  GA4_MAX_PARAMS,
  GA4_MAX_PARAM_VALUE_LENGTH,
  GA4_MAX_PHONES,
  GA4_NAME_PATTERN,
  GA4_RESERVED_EVENT_NAMES,
  GA4_RESERVED_PARAM_NAMES,
  SHA256_LOWER_HEX,
  hasReservedPrefix,
  type Ga4Address,
  type Ga4Consent,
  type Ga4Envelope,
  type Ga4Event,
  type Ga4Item,
  type Ga4ParamValue,
  type Ga4UserData,
} from './ga4.schema';

export type Ga4Mapping = { ok: true; envelope: Ga4Envelope; event: Ga4Event } | { ok: false; reason: string };

/**
 * The dispatcher's consent decision for this event at GA4 (Consent Mode ANDed with TCF), when the
 * caller has one. Without it the mapper reads the event's own Consent Mode values.
 */
export interface Ga4ConsentGrants {
  adUserData: boolean;
  adPersonalization: boolean;
}

/**
 * Meta-style standard event names (what the ingest API documents) to GA4 recommended events.
 * PageView has no entry: `page_view` is reserved for the Measurement Protocol.
 */
export const GA4_EVENT_NAMES: ReadonlyMap<string, string> = new Map([
  ['Purchase', 'purchase'],
  ['AddToCart', 'add_to_cart'],
  ['InitiateCheckout', 'begin_checkout'],
  ['Lead', 'generate_lead'],
  ['CompleteRegistration', 'sign_up'],
  ['ViewContent', 'view_item'],
  ['Search', 'search'],
  ['AddPaymentInfo', 'add_payment_info'],
  ['AddToWishlist', 'add_to_wishlist'],
]);

/** custom_data keys the mapper turns into GA4 params of its own; never forwarded under their own name. */
const CONSUMED_KEYS = new Set(['currency', 'value', 'order_id', 'content_ids', 'contents', 'search_string', 'session_id', 'engagement_time_msec']);

/** `_ga` cookie value (`GA1.1.<random>.<seconds>`) or the bare client id gtag's `get` returns. */
const GA_COOKIE = /^(?:GA\d+\.\d+\.)?(\d{1,20}\.\d{1,20})$/;
const DIGITS = /^\d{1,20}$/;
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
/** engagement_time_msec when the event does not say: 1 ms makes it count for Realtime without inventing engagement. */
const DEFAULT_ENGAGEMENT_MSEC = 1;

/**
 * Pure mapping from a stored event to one GA4 MP event plus its request-level envelope.
 * The MP answers 2xx even for malformed payloads (reference, "Response codes"), so everything
 * it would silently drop is checked or dropped here: names, limits, value types, user_data shape.
 */
export function mapToGa4(event: StoredEvent, nowSeconds: number, grants?: Ga4ConsentGrants): Ga4Mapping {
  if (event.eventTime < nowSeconds - (GA4_MAX_EVENT_AGE_SECONDS - GA4_AGE_SAFETY_MARGIN_SECONDS)) {
    return { ok: false, reason: 'event_time is older than 72 hours (GA4 Measurement Protocol limit)' };
  }
  const name = ga4EventName(event.eventName);
  if (!name.ok) return name;

  const envelope: Ga4Envelope = { client_id: ga4ClientId(event) };
  const consent = grants ? grantsToConsent(grants) : ga4Consent(event);
  const userData = consent?.ad_user_data === 'GRANTED' ? ga4UserData(storedHashes(event.userData, googleIdentifiers) as Record<string, unknown>) : undefined;
  const userId = userData ? ga4UserId(event) : undefined;
  // user_id "must be present whenever user_data is provided": no stable non-PII id, no user_data.
  if (userData && userId) {
    envelope.user_id = userId;
  }
  // Future times (clock drift; ingest allows 10 min) are clamped: MP timestamps are for past events.
  envelope.timestamp_micros = Math.min(event.eventTime, nowSeconds) * 1_000_000;
  if (consent) envelope.consent = consent;
  if (userData && userId) envelope.user_data = userData;
  if (event.ipAddress && isIP(event.ipAddress) !== 0) envelope.ip_override = event.ipAddress;

  return { ok: true, envelope, event: { name: name.name, params: ga4Params(event) } };
}

export function ga4EventName(eventName: string): { ok: true; name: string } | { ok: false; reason: string } {
  if (eventName === 'PageView') {
    return { ok: false, reason: 'PageView is not sent to GA4: page_view is a reserved Measurement Protocol event (the GA4 tag records page views)' };
  }
  const name = GA4_EVENT_NAMES.get(eventName) ?? sanitiseName(eventName);
  if (!name) return { ok: false, reason: `event name "${eventName.slice(0, 100)}" has no characters GA4 accepts` };
  if (GA4_RESERVED_EVENT_NAMES.has(name.toLowerCase()) || hasReservedPrefix(name)) {
    return { ok: false, reason: `event name "${name}" is reserved by GA4` };
  }
  return { ok: true, name };
}

/** `[A-Za-z0-9_]` only (others become `_`), starting with a letter, at most 40 characters. Case is kept. */
export function sanitiseName(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, GA4_MAX_NAME_LENGTH);
}

/**
 * The GA client id when the browser sent its `_ga` cookie, else a pseudonymous id that is stable
 * for the same browser or customer: SHA-256 over the tenant id and, in order of preference, the
 * Meta browser cookie `fbp`, the (already hashed) external id, or the event id (a one-event
 * visitor, the last resort). It is shaped like a gtag client id (`<uint32>.<uint32>`, 64 bits of
 * the hash) and cannot be turned back into its input. IP + user agent is deliberately not used:
 * that would be fingerprinting.
 */
export function ga4ClientId(event: StoredEvent): string {
  const cookie = event.clickIds.ga_client_id?.trim();
  const parsed = cookie ? GA_COOKIE.exec(cookie) : null;
  if (parsed?.[1]) return parsed[1];
  const externalId = externalIdHash(event);
  const source = event.clickIds.fbp ? `fbp:${event.clickIds.fbp}` : externalId ? `xid:${externalId}` : `event:${event.eventId}`;
  const hex = createHash('sha256').update(`ga4-client-id\u0000${event.tenantId}\u0000${source}`, 'utf8').digest('hex');
  return `${parseInt(hex.slice(0, 8), 16)}.${parseInt(hex.slice(8, 16), 16)}`;
}

/**
 * A User-ID that is not personal data: SHA-256 over the tenant id and the customer's external
 * id as hashed at ingest. Undefined without an external id: contact details (email, phone) are
 * never turned into a User-ID.
 */
export function ga4UserId(event: StoredEvent): string | undefined {
  const externalId = externalIdHash(event);
  if (!externalId) return undefined;
  return createHash('sha256').update(`ga4-user-id\u0000${event.tenantId}\u0000${externalId}`, 'utf8').digest('hex');
}

/** Consent Mode v2 `granted`/`denied` to the MP's `GRANTED`/`DENIED` (literal values UNCONFIRMED, §2.3). */
export function ga4Consent(event: StoredEvent): Ga4Consent | undefined {
  const consent: Ga4Consent = {};
  const { ad_user_data: adUserData, ad_personalization: adPersonalization } = event.consent ?? {};
  if (adUserData) consent.ad_user_data = adUserData === 'granted' ? 'GRANTED' : 'DENIED';
  if (adPersonalization) consent.ad_personalization = adPersonalization === 'granted' ? 'GRANTED' : 'DENIED';
  return Object.keys(consent).length > 0 ? consent : undefined;
}

function grantsToConsent(grants: Ga4ConsentGrants): Ga4Consent {
  return { ad_user_data: grants.adUserData ? 'GRANTED' : 'DENIED', ad_personalization: grants.adPersonalization ? 'GRANTED' : 'DENIED' };
}

/**
 * The pre-hashed Google identifiers from ingest, re-checked because they come back from JSON:
 * only lowercase SHA-256 hex in the sha256_* keys, plain text in city/region/postal_code,
 * an alpha-2 country; at most 3 emails, 3 phones, 2 addresses.
 */
export function ga4UserData(google: Record<string, unknown> | undefined): Ga4UserData | undefined {
  if (!google) return undefined;
  const userData: Ga4UserData = {};
  const emails = hashes(google['sha256_email_address']).slice(0, GA4_MAX_EMAILS);
  const phones = hashes(google['sha256_phone_number']).slice(0, GA4_MAX_PHONES);
  const addresses = (Array.isArray(google['address']) ? google['address'] : [])
    .map(address)
    .filter((a): a is Ga4Address => a !== undefined)
    .slice(0, GA4_MAX_ADDRESSES);
  if (emails.length > 0) userData.sha256_email_address = emails;
  if (phones.length > 0) userData.sha256_phone_number = phones;
  if (addresses.length > 0) userData.address = addresses;
  return Object.keys(userData).length > 0 ? userData : undefined;
}

function address(value: unknown): Ga4Address | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const a = value as Record<string, unknown>;
  const out: Ga4Address = {};
  for (const key of ['sha256_first_name', 'sha256_last_name', 'sha256_street'] as const) {
    const v = a[key];
    if (typeof v === 'string' && SHA256_LOWER_HEX.test(v)) out[key] = v;
  }
  for (const key of ['city', 'region', 'postal_code'] as const) {
    const v = a[key];
    if (typeof v === 'string' && v.trim() !== '' && v.length <= GA4_MAX_PARAM_VALUE_LENGTH && !SHA256_LOWER_HEX.test(v)) out[key] = v;
  }
  const country = a['country'];
  if (typeof country === 'string' && COUNTRY.test(country)) out.country = country;
  return Object.keys(out).length > 0 ? out : undefined;
}

function hashes(value: unknown): string[] {
  const list: unknown[] = Array.isArray(value) ? value : [];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && SHA256_LOWER_HEX.test(v)))];
}

/**
 * The site's own customer id as ingest hashed it for Meta (trimmed, case kept): GA4 has no
 * profile field for it, and it is the one stable, non-contact identifier to derive ids from.
 */
function externalIdHash(event: StoredEvent): string | undefined {
  return hashes(storedHashes(event.userData, metaIdentifiers).external_id)[0];
}

/**
 * Event params: the ones GA4 defines first (currency, value, transaction_id, items, search_term,
 * session_id, engagement_time_msec), then the remaining custom_data keys that satisfy the
 * limits (valid, non-reserved name; string ≤ 100 chars or finite number), up to 25 in all.
 * Anything else is dropped, not truncated: a cut value would be a wrong value.
 */
export function ga4Params(event: StoredEvent): Record<string, Ga4ParamValue> {
  const data = event.customData;
  const params: Record<string, Ga4ParamValue> = {};
  const currency = typeof data.currency === 'string' ? data.currency.toUpperCase() : undefined;
  if (currency && CURRENCY.test(currency)) {
    params['currency'] = currency;
    // GA4: value without currency is not attributed revenue; it is only sent with one.
    if (typeof data.value === 'number' && Number.isFinite(data.value)) params['value'] = data.value;
  }
  if (isParamString(data.order_id)) params['transaction_id'] = data.order_id;
  const items = ga4Items(data['contents'], data.content_ids);
  if (items.length > 0) params['items'] = items;
  if (isParamString(data['search_string'])) params['search_term'] = data['search_string'];
  const sessionId = data['session_id'];
  if ((typeof sessionId === 'string' && DIGITS.test(sessionId)) || (typeof sessionId === 'number' && Number.isSafeInteger(sessionId) && sessionId >= 0)) {
    params['session_id'] = String(sessionId);
  }
  const engagement = data['engagement_time_msec'];
  params['engagement_time_msec'] = typeof engagement === 'number' && Number.isSafeInteger(engagement) && engagement > 0 ? engagement : DEFAULT_ENGAGEMENT_MSEC;

  for (const [key, value] of Object.entries(data)) {
    if (Object.keys(params).length >= GA4_MAX_PARAMS) break;
    if (CONSUMED_KEYS.has(key) || Object.hasOwn(params, key) || !isCustomParamName(key)) continue;
    if (isParamString(value) || (typeof value === 'number' && Number.isFinite(value))) params[key] = value;
  }
  return params;
}

export function isCustomParamName(name: string): boolean {
  return (
    name.length <= GA4_MAX_NAME_LENGTH &&
    GA4_NAME_PATTERN.test(name) &&
    !GA4_RESERVED_PARAM_NAMES.has(name.toLowerCase()) &&
    !hasReservedPrefix(name) &&
    name !== 'items'
  );
}

function isParamString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= GA4_MAX_PARAM_VALUE_LENGTH;
}

/** Meta's `contents` ([{id, quantity, item_price}]) when present, else `content_ids`. Ids over 100 chars are dropped. */
function ga4Items(contents: unknown, contentIds: unknown): Ga4Item[] {
  const items: Ga4Item[] = [];
  if (Array.isArray(contents)) {
    for (const content of contents) {
      if (!content || typeof content !== 'object') continue;
      const c = content as Record<string, unknown>;
      const id = typeof c['id'] === 'string' ? c['id'] : typeof c['id'] === 'number' ? String(c['id']) : undefined;
      if (!isParamString(id)) continue;
      const item: Ga4Item = { item_id: id };
      const quantity = c['quantity'];
      if (typeof quantity === 'number' && Number.isSafeInteger(quantity) && quantity > 0) item.quantity = quantity;
      const price = c['item_price'];
      if (typeof price === 'number' && Number.isFinite(price)) item.price = price;
      items.push(item);
    }
    if (items.length > 0) return items;
  }
  if (Array.isArray(contentIds)) {
    for (const id of contentIds) if (isParamString(id)) items.push({ item_id: id });
  }
  return items;
}
