import { isIP } from 'node:net';

/**
 * TikTok Events API 2.0 (`POST /open_api/v1.3/event/track/`) request rules for web events, written
 * from TikTok's reference and partners' documentation independently of our mapper, and strict
 * where TikTok is vague: one invalid event fails the whole request (code 40002).
 */

export const TIKTOK_FAKE_MAX_EVENTS = 1000;
/** Test events are taken one per request (the conservative reading; TikTok documents no figure). */
export const TIKTOK_FAKE_MAX_TEST_EVENTS = 1;
const MAX_AGE_SECONDS = 7 * 24 * 60 * 60;
const MAX_AHEAD_SECONDS = 10 * 60;
const STANDARD_EVENTS = [
  'AddPaymentInfo', 'AddToCart', 'AddToWishlist', 'ClickButton', 'CompletePayment', 'CompleteRegistration', 'Contact',
  'Download', 'InitiateCheckout', 'PlaceAnOrder', 'Search', 'SubmitForm', 'Subscribe', 'ViewContent',
];
const STANDARD_BY_LOWER = new Map(STANDARD_EVENTS.map((name) => [name.toLowerCase(), name]));
const REQUEST_KEYS = new Set(['event_source', 'event_source_id', 'data', 'test_event_code']);
const EVENT_KEYS = new Set(['event', 'event_time', 'event_id', 'user', 'page', 'properties', 'limited_data_use']);
const HASHED = ['email', 'phone', 'external_id'];
const PLAIN = ['ttclid', 'ttp', 'ip', 'user_agent'];
const PROPERTY_KEYS = new Set(['currency', 'value', 'contents', 'content_type', 'query', 'description', 'order_id', 'shop_id']);
const SHA256 = /^[0-9a-f]{64}$/;
const HEXISH = /^[0-9a-f]{64}$/i;
export const TIKTOK_PIXEL_CODE = /^[A-Z0-9]{16,24}$/;
const TEST_CODE = /^[A-Za-z0-9_-]{1,64}$/;

export function isStandardTiktokEvent(name: string): boolean {
  return STANDARD_EVENTS.includes(name);
}

/** Problems with the request envelope (not its events); empty when it is well-formed. */
export function tiktokRequestProblems(body: unknown, options: { testEvents?: number } = {}): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['body must be a JSON object'];
  const b = body as Record<string, unknown>;
  const problems = Object.keys(b).filter((k) => !REQUEST_KEYS.has(k)).map((k) => `${k} is not a request parameter`);
  if (b['event_source'] !== 'web') problems.push('event_source must be "web"');
  if (typeof b['event_source_id'] !== 'string' || !TIKTOK_PIXEL_CODE.test(b['event_source_id'])) problems.push('event_source_id must be a pixel code');
  if (b['test_event_code'] !== undefined && (typeof b['test_event_code'] !== 'string' || !TEST_CODE.test(b['test_event_code']))) problems.push('test_event_code is invalid');
  const data = b['data'];
  if (!Array.isArray(data) || data.length === 0) problems.push('data must be a non-empty array');
  else if (data.length > TIKTOK_FAKE_MAX_EVENTS) problems.push(`data holds at most ${TIKTOK_FAKE_MAX_EVENTS} events`);
  else if (b['test_event_code'] !== undefined && data.length > (options.testEvents ?? TIKTOK_FAKE_MAX_TEST_EVENTS)) problems.push('test events are taken one per request');
  return problems;
}

/** Problems with one event of `data`; empty when TikTok would take it. */
export function tiktokEventProblems(event: unknown, index: number, nowSeconds: number): string[] {
  const at = (msg: string) => `data[${index}]: ${msg}`;
  if (!event || typeof event !== 'object' || Array.isArray(event)) return [at('must be an object')];
  const e = event as Record<string, unknown>;
  const problems = Object.keys(e).filter((k) => !EVENT_KEYS.has(k)).map((k) => at(`${k} is not an event parameter`));
  const name = e['event'];
  if (typeof name !== 'string' || name.trim() === '') problems.push(at('event is required'));
  else {
    const standard = STANDARD_BY_LOWER.get(name.toLowerCase());
    if (standard && standard !== name) problems.push(at(`event "${name}" must be spelled ${standard}`));
  }
  const time = e['event_time'];
  if (typeof time !== 'number' || !Number.isInteger(time)) problems.push(at('event_time must be an integer (unix seconds)'));
  else if (time > 1e11) problems.push(at('event_time must be in seconds, not milliseconds'));
  else if (time < nowSeconds - MAX_AGE_SECONDS) problems.push(at('event_time is more than 7 days in the past'));
  else if (time > nowSeconds + MAX_AHEAD_SECONDS) problems.push(at('event_time is in the future'));
  if (e['event_id'] !== undefined && (typeof e['event_id'] !== 'string' || e['event_id'] === '')) problems.push(at('event_id must be a non-empty string'));
  problems.push(...userProblems(e['user'], at), ...pageProblems(e['page'], at), ...propertyProblems(e['properties'], at));
  return problems;
}

function userProblems(user: unknown, at: (msg: string) => string): string[] {
  if (!user || typeof user !== 'object' || Array.isArray(user)) return [at('user is required')];
  const u = user as Record<string, unknown>;
  const problems: string[] = [];
  if (Object.keys(u).length === 0) problems.push(at('user needs at least one matching key'));
  for (const key of Object.keys(u)) if (!HASHED.includes(key) && !PLAIN.includes(key)) problems.push(at(`user.${key} is not a user parameter`));
  for (const key of HASHED) {
    if (u[key] === undefined) continue;
    const values = Array.isArray(u[key]) ? (u[key] as unknown[]) : [u[key]];
    if (values.length === 0 || values.some((v) => typeof v !== 'string' || !SHA256.test(v))) problems.push(at(`user.${key} must be SHA-256 lowercase hex`));
  }
  for (const key of PLAIN) {
    const value = u[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') problems.push(at(`user.${key} must be a non-empty string`));
    else if (HEXISH.test(value)) problems.push(at(`user.${key} must not be hashed`));
  }
  if (typeof u['ip'] === 'string' && isIP(u['ip']) === 0) problems.push(at('user.ip must be a plain IPv4 or IPv6 address'));
  if (typeof u['ttclid'] === 'string' && /\s/.test(u['ttclid'])) problems.push(at('user.ttclid must be the ttclid parameter as it came'));
  return problems;
}

function pageProblems(page: unknown, at: (msg: string) => string): string[] {
  if (page === undefined) return [];
  if (!page || typeof page !== 'object' || Array.isArray(page)) return [at('page must be an object')];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(page as Record<string, unknown>)) {
    if (key !== 'url' && key !== 'referrer') problems.push(at(`page.${key} is not a page parameter`));
    else if (typeof value !== 'string' || !/^https?:\/\//.test(value)) problems.push(at(`page.${key} must be an http(s) URL`));
  }
  return problems;
}

function propertyProblems(properties: unknown, at: (msg: string) => string): string[] {
  if (properties === undefined) return [];
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return [at('properties must be an object')];
  const p = properties as Record<string, unknown>;
  const problems = Object.keys(p).filter((k) => !PROPERTY_KEYS.has(k)).map((k) => at(`properties.${k} is not a property`));
  if (p['currency'] !== undefined && (typeof p['currency'] !== 'string' || !/^[A-Z]{3}$/.test(p['currency']))) problems.push(at('properties.currency must be an ISO 4217 code'));
  if (p['value'] !== undefined) {
    if (typeof p['value'] !== 'number' || !Number.isFinite(p['value']) || p['value'] < 0) problems.push(at('properties.value must be a number'));
    if (p['currency'] === undefined) problems.push(at('properties.value needs properties.currency'));
  }
  if (p['content_type'] !== undefined && p['content_type'] !== 'product' && p['content_type'] !== 'product_group') problems.push(at('properties.content_type must be product or product_group'));
  if (p['contents'] !== undefined) {
    if (!Array.isArray(p['contents'])) problems.push(at('properties.contents must be an array'));
    else p['contents'].forEach((c, i) => problems.push(...contentProblems(c, (msg) => at(`properties.contents[${i}]${msg}`))));
  }
  return problems;
}

function contentProblems(content: unknown, at: (msg: string) => string): string[] {
  if (!content || typeof content !== 'object' || Array.isArray(content)) return [at(' must be an object')];
  const c = content as Record<string, unknown>;
  const problems: string[] = [];
  if (c['content_id'] !== undefined && typeof c['content_id'] !== 'string') problems.push(at('.content_id must be a string'));
  if (c['quantity'] !== undefined && (typeof c['quantity'] !== 'number' || !Number.isInteger(c['quantity']) || c['quantity'] < 1)) problems.push(at('.quantity must be a positive integer'));
  if (c['price'] !== undefined && (typeof c['price'] !== 'number' || !Number.isFinite(c['price']))) problems.push(at('.price must be a number'));
  return problems;
}
