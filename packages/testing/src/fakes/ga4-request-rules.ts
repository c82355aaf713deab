import { isIP } from 'node:net';

/**
 * The GA4 Measurement Protocol's documented request rules, checked the way its validation
 * server (`/debug/mp/collect`) reports them: a list of `{fieldPath, description, validationCode}`,
 * empty when the request is valid. Written from the spec (shared reference adplatform-rules.md
 * §2.1–2.3), independently of the dispatcher's mapper, so a test can hold one against the other.
 *
 * Deliberately stricter than Google where Google is vague: unknown keys are refused (so a client
 * cannot invent keys such as `user_agent`), reserved names compare case-insensitively, "130 kB"
 * is 130 000 bytes, and only web streams (client_id) are accepted.
 */

export type Ga4ValidationCode =
  | 'VALUE_INVALID'
  | 'VALUE_REQUIRED'
  | 'NAME_INVALID'
  | 'NAME_RESERVED'
  | 'VALUE_OUT_OF_BOUNDS'
  | 'EXCEEDED_MAX_ENTITIES'
  | 'NAME_DUPLICATED';

export interface Ga4ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: Ga4ValidationCode;
}

export const GA4_RULES = {
  maxEvents: 25,
  maxParams: 25,
  maxUserProperties: 25,
  maxNameLength: 40,
  maxParamValueLength: 100,
  maxUserPropertyNameLength: 24,
  maxUserPropertyValueLength: 36,
  maxCustomItemParams: 10,
  maxBodyBytes: 130_000,
  maxAgeMicros: 72 * 60 * 60 * 1_000_000,
  /** Clock skew tolerated for timestamps "in the future" (the MP takes past events only). */
  futureToleranceMicros: 60 * 1_000_000,
  maxEmails: 3,
  maxPhones: 3,
  maxAddresses: 2,
} as const;

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const SHA256 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const DIGITS = /^\d+$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const TOP_LEVEL_KEYS = new Set([
  'client_id',
  'app_instance_id',
  'user_id',
  'timestamp_micros',
  'user_properties',
  'user_data',
  'consent',
  'non_personalized_ads',
  'user_location',
  'ip_override',
  'device',
  'validation_behavior',
  'events',
]);

/** support.google.com/analytics/answer/13316687, web (the list "is not exhaustive"). */
export const GA4_RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_impression', 'app_remove', 'app_store_refund', 'app_store_subscription_cancel', 'app_store_subscription_renew',
  'click', 'error', 'file_download', 'first_open', 'first_visit', 'form_start', 'form_submit', 'in_app_purchase',
  'page_view', 'scroll', 'session_start', 'user_engagement', 'view_complete', 'video_progress', 'video_start',
  'view_search_results',
]);
/** Reserved for custom params. session_id and engagement_time_msec are the MP's own Realtime params and checked by type instead. */
export const GA4_RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set(['gclid', 'session_number']);
const MP_DEFINED_PARAMS = new Set(['session_id', 'engagement_time_msec']);
export const GA4_RESERVED_PREFIXES: readonly string[] = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const RESERVED_USER_PROPERTIES = new Set(['first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install']);
const USER_PROPERTY_PREFIXES = ['_', 'firebase_', 'ga_', 'google_'];

const ITEM_KEYS = new Set([
  'item_id', 'item_name', 'affiliation', 'coupon', 'discount', 'index', 'item_brand', 'item_category', 'item_category2',
  'item_category3', 'item_category4', 'item_category5', 'item_list_id', 'item_list_name', 'item_variant', 'location_id',
  'price', 'quantity', 'promotion_id', 'promotion_name', 'creative_name', 'creative_slot',
]);
const ADDRESS_HASHED = ['sha256_first_name', 'sha256_last_name', 'sha256_street'];
const ADDRESS_PLAIN = ['city', 'region', 'postal_code', 'country'];

export interface Ga4RuleOptions {
  /** "Now" in microseconds, for the 72 h window. */
  nowMicros: number;
  /** Size of the raw body in bytes, when the caller has it; else the JSON re-serialisation is measured. */
  bodyBytes?: number;
}

type Push = (fieldPath: string, validationCode: Ga4ValidationCode, description: string) => void;

/** Every rule the request breaks; `[]` means valid. */
export function ga4RequestProblems(body: unknown, options: Ga4RuleOptions): Ga4ValidationMessage[] {
  const messages: Ga4ValidationMessage[] = [];
  const push: Push = (fieldPath, validationCode, description) => messages.push({ fieldPath, description, validationCode });
  if (!isObject(body)) {
    push('', 'VALUE_INVALID', 'The request body must be a JSON object.');
    return messages;
  }
  const bytes = options.bodyBytes ?? Buffer.byteLength(JSON.stringify(body), 'utf8');
  if (bytes >= GA4_RULES.maxBodyBytes) push('', 'VALUE_OUT_OF_BOUNDS', `The request body is ${bytes} bytes; it must be under 130 kB.`);
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_KEYS.has(key)) push(key, 'NAME_INVALID', `Unknown field ${key}.`);
  }

  const clientId = body['client_id'];
  if (clientId === undefined) push('client_id', 'VALUE_REQUIRED', 'client_id is required for web streams.');
  else if (typeof clientId !== 'string' || clientId.trim() === '') push('client_id', 'VALUE_INVALID', 'client_id must be a non-empty string.');
  if (body['app_instance_id'] !== undefined) push('app_instance_id', 'VALUE_INVALID', 'app_instance_id is for app streams (firebase_app_id); this is a web stream.');

  const userId = body['user_id'];
  if (userId !== undefined && (typeof userId !== 'string' || userId === '' || LONE_SURROGATE.test(userId))) {
    push('user_id', 'VALUE_INVALID', 'user_id must be a non-empty string of UTF-8 characters.');
  }
  checkTimestamp(body['timestamp_micros'], 'timestamp_micros', options.nowMicros, push);
  if (body['user_properties'] !== undefined) checkUserProperties(body['user_properties'], push);
  if (body['user_data'] !== undefined) {
    if (userId === undefined) push('user_id', 'VALUE_REQUIRED', 'user_id must be present whenever user_data is provided.');
    checkUserData(body['user_data'], push);
  }
  if (body['consent'] !== undefined) checkConsent(body['consent'], push);
  if (body['non_personalized_ads'] !== undefined && typeof body['non_personalized_ads'] !== 'boolean') {
    push('non_personalized_ads', 'VALUE_INVALID', 'non_personalized_ads must be a boolean.');
  }
  const ip = body['ip_override'];
  if (ip !== undefined && (typeof ip !== 'string' || isIP(ip) === 0)) push('ip_override', 'VALUE_INVALID', 'ip_override must be an IPv4 or IPv6 address.');
  for (const key of ['user_location', 'device']) {
    if (body[key] !== undefined && !isObject(body[key])) push(key, 'VALUE_INVALID', `${key} must be an object.`);
  }
  const behaviour = body['validation_behavior'];
  if (behaviour !== undefined && behaviour !== 'RELAXED' && behaviour !== 'ENFORCE_RECOMMENDATIONS') {
    push('validation_behavior', 'VALUE_INVALID', 'validation_behavior must be RELAXED or ENFORCE_RECOMMENDATIONS.');
  }

  const events = body['events'];
  if (events === undefined) push('events', 'VALUE_REQUIRED', 'events is required.');
  else if (!Array.isArray(events) || events.length === 0) push('events', 'VALUE_INVALID', 'events must be a non-empty array.');
  else {
    if (events.length > GA4_RULES.maxEvents) push('events', 'EXCEEDED_MAX_ENTITIES', `At most ${GA4_RULES.maxEvents} events per request.`);
    events.forEach((event, i) => checkEvent(event, `events[${i}]`, push));
  }
  return messages;
}

export function isReservedPrefix(name: string, prefixes: readonly string[] = GA4_RESERVED_PREFIXES): boolean {
  const lower = name.toLowerCase();
  return prefixes.some((p) => lower.startsWith(p));
}

function checkTimestamp(value: unknown, path: string, nowMicros: number, push: Push): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    push(path, 'VALUE_INVALID', 'timestamp_micros must be a positive integer (microseconds).');
    return;
  }
  if (value < 1e15) push(path, 'VALUE_INVALID', 'timestamp_micros must be in microseconds (16 digits), not seconds or milliseconds.');
  else if (value < nowMicros - GA4_RULES.maxAgeMicros) push(path, 'VALUE_OUT_OF_BOUNDS', 'timestamp_micros is more than 72 hours in the past.');
  else if (value > nowMicros + GA4_RULES.futureToleranceMicros) push(path, 'VALUE_OUT_OF_BOUNDS', 'timestamp_micros is in the future.');
}

function checkName(name: unknown, path: string, push: Push, kind: 'event' | 'param'): name is string {
  if (typeof name !== 'string' || name === '') {
    push(path, 'VALUE_REQUIRED', `The ${kind} name is required.`);
    return false;
  }
  let ok = true;
  if (!NAME.test(name)) {
    push(path, 'NAME_INVALID', `${kind} name ${JSON.stringify(name)} must start with a letter and use only letters, digits and underscores.`);
    ok = false;
  }
  if (name.length > GA4_RULES.maxNameLength) {
    push(path, 'VALUE_OUT_OF_BOUNDS', `${kind} name ${JSON.stringify(name)} is longer than ${GA4_RULES.maxNameLength} characters.`);
    ok = false;
  }
  const lower = name.toLowerCase();
  const reserved = kind === 'event' ? GA4_RESERVED_EVENT_NAMES.has(lower) : GA4_RESERVED_PARAM_NAMES.has(lower);
  if (reserved || isReservedPrefix(name)) {
    push(path, 'NAME_RESERVED', `${kind} name ${JSON.stringify(name)} is reserved.`);
    ok = false;
  }
  return ok;
}

function checkEvent(event: unknown, path: string, push: Push): void {
  if (!isObject(event)) {
    push(path, 'VALUE_INVALID', 'Each event must be an object.');
    return;
  }
  for (const key of Object.keys(event)) {
    if (key !== 'name' && key !== 'params') push(`${path}.${key}`, 'NAME_INVALID', `Unknown event field ${key}.`);
  }
  checkName(event['name'], `${path}.name`, push, 'event');
  const params = event['params'];
  if (params === undefined) return;
  if (!isObject(params)) {
    push(`${path}.params`, 'VALUE_INVALID', 'params must be an object.');
    return;
  }
  const names = Object.keys(params);
  if (names.length > GA4_RULES.maxParams) push(`${path}.params`, 'EXCEEDED_MAX_ENTITIES', `At most ${GA4_RULES.maxParams} params per event.`);
  for (const name of names) {
    const at = `${path}.params.${name}`;
    const value = params[name];
    if (MP_DEFINED_PARAMS.has(name)) {
      checkRealtimeParam(name, value, at, push);
      continue;
    }
    if (!checkName(name, at, push, 'param')) continue;
    if (name === 'items') checkItems(value, at, push);
    else checkParamValue(value, at, push);
  }
  const currency = params['currency'];
  if (currency !== undefined && (typeof currency !== 'string' || !CURRENCY.test(currency))) {
    push(`${path}.params.currency`, 'VALUE_INVALID', 'currency must be an ISO 4217 code in 3 uppercase letters.');
  }
  const value = params['value'];
  if (value !== undefined) {
    if (typeof value !== 'number') push(`${path}.params.value`, 'VALUE_INVALID', 'value must be a number.');
    if (currency === undefined) push(`${path}.params.currency`, 'VALUE_REQUIRED', 'currency is required when value is set.');
  }
}

function checkRealtimeParam(name: string, value: unknown, at: string, push: Push): void {
  if (name === 'session_id') {
    const ok = (typeof value === 'string' && DIGITS.test(value) && value.length <= 20) || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
    if (!ok) push(at, 'VALUE_INVALID', 'session_id must be the numeric GA session id.');
  } else {
    const ok = (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && DIGITS.test(value));
    if (!ok) push(at, 'VALUE_INVALID', 'engagement_time_msec must be a non-negative integer.');
  }
}

function checkParamValue(value: unknown, at: string, push: Push): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) push(at, 'VALUE_INVALID', 'Numeric params must be finite.');
  } else if (typeof value === 'string') {
    if (value.length > GA4_RULES.maxParamValueLength) push(at, 'VALUE_OUT_OF_BOUNDS', `Param values must be at most ${GA4_RULES.maxParamValueLength} characters.`);
  } else {
    push(at, 'VALUE_INVALID', 'Param values must be strings or numbers (items is the only array).');
  }
}

function checkItems(value: unknown, at: string, push: Push): void {
  if (!Array.isArray(value)) {
    push(at, 'VALUE_INVALID', 'items must be an array of objects.');
    return;
  }
  value.forEach((item, i) => {
    const path = `${at}[${i}]`;
    if (!isObject(item)) {
      push(path, 'VALUE_INVALID', 'Each item must be an object.');
      return;
    }
    if (item['item_id'] === undefined && item['item_name'] === undefined) push(path, 'VALUE_REQUIRED', 'Each item needs item_id or item_name.');
    const custom = Object.keys(item).filter((k) => !ITEM_KEYS.has(k));
    if (custom.length > GA4_RULES.maxCustomItemParams) push(path, 'EXCEEDED_MAX_ENTITIES', `At most ${GA4_RULES.maxCustomItemParams} custom item params.`);
    for (const key of Object.keys(item)) {
      if (!ITEM_KEYS.has(key)) checkName(key, `${path}.${key}`, push, 'param');
      checkParamValue(item[key], `${path}.${key}`, push);
    }
    for (const key of ['price', 'quantity', 'discount', 'index']) {
      if (item[key] !== undefined && typeof item[key] !== 'number') push(`${path}.${key}`, 'VALUE_INVALID', `${key} must be a number.`);
    }
  });
}

function checkUserProperties(value: unknown, push: Push): void {
  if (!isObject(value)) {
    push('user_properties', 'VALUE_INVALID', 'user_properties must be an object.');
    return;
  }
  const names = Object.keys(value);
  if (names.length > GA4_RULES.maxUserProperties) push('user_properties', 'EXCEEDED_MAX_ENTITIES', `At most ${GA4_RULES.maxUserProperties} user properties.`);
  for (const name of names) {
    const at = `user_properties.${name}`;
    if (!NAME.test(name)) push(at, 'NAME_INVALID', 'User property names must start with a letter and use only letters, digits and underscores.');
    if (name.length > GA4_RULES.maxUserPropertyNameLength) push(at, 'VALUE_OUT_OF_BOUNDS', `User property names are at most ${GA4_RULES.maxUserPropertyNameLength} characters.`);
    if (RESERVED_USER_PROPERTIES.has(name.toLowerCase()) || isReservedPrefix(name, USER_PROPERTY_PREFIXES)) push(at, 'NAME_RESERVED', `User property ${name} is reserved.`);
    const entry = value[name];
    const v = isObject(entry) ? entry['value'] : undefined;
    if (typeof v === 'string' ? v.length > GA4_RULES.maxUserPropertyValueLength : typeof v !== 'number') {
      push(`${at}.value`, 'VALUE_OUT_OF_BOUNDS', `User property values are {value} with a number or a string of at most ${GA4_RULES.maxUserPropertyValueLength} characters.`);
    }
  }
}

function checkUserData(value: unknown, push: Push): void {
  if (!isObject(value)) {
    push('user_data', 'VALUE_INVALID', 'user_data must be an object.');
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) push('user_data', 'VALUE_INVALID', 'user_data must hold at least one identifier.');
  for (const key of keys) {
    if (!['sha256_email_address', 'sha256_phone_number', 'address'].includes(key)) push(`user_data.${key}`, 'NAME_INVALID', `Unknown user_data field ${key}.`);
  }
  for (const [key, max] of [['sha256_email_address', GA4_RULES.maxEmails], ['sha256_phone_number', GA4_RULES.maxPhones]] as const) {
    const list = value[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) {
      push(`user_data.${key}`, 'VALUE_INVALID', `${key} must be a non-empty array.`);
      continue;
    }
    if (list.length > max) push(`user_data.${key}`, 'EXCEEDED_MAX_ENTITIES', `At most ${max} values in ${key}.`);
    list.forEach((v, i) => {
      if (typeof v !== 'string' || !SHA256.test(v)) push(`user_data.${key}[${i}]`, 'VALUE_INVALID', 'Must be a SHA-256 hash in 64 lowercase hex characters.');
    });
  }
  const addresses = value['address'];
  if (addresses === undefined) return;
  if (!Array.isArray(addresses) || addresses.length === 0) {
    push('user_data.address', 'VALUE_INVALID', 'address must be a non-empty array.');
    return;
  }
  if (addresses.length > GA4_RULES.maxAddresses) push('user_data.address', 'EXCEEDED_MAX_ENTITIES', `At most ${GA4_RULES.maxAddresses} addresses.`);
  addresses.forEach((address, i) => {
    const path = `user_data.address[${i}]`;
    if (!isObject(address) || Object.keys(address).length === 0) {
      push(path, 'VALUE_INVALID', 'Each address must be a non-empty object.');
      return;
    }
    for (const [key, v] of Object.entries(address)) {
      const at = `${path}.${key}`;
      if (ADDRESS_HASHED.includes(key)) {
        if (typeof v !== 'string' || !SHA256.test(v)) push(at, 'VALUE_INVALID', 'Must be a SHA-256 hash in 64 lowercase hex characters.');
      } else if (ADDRESS_PLAIN.includes(key)) {
        if (typeof v !== 'string' || v.trim() === '') push(at, 'VALUE_INVALID', `${key} must be a non-empty string.`);
        else if (SHA256.test(v)) push(at, 'VALUE_INVALID', `${key} is sent in plain text, not hashed.`);
        else if (key === 'country' && !COUNTRY.test(v)) push(at, 'VALUE_INVALID', 'country must be an ISO 3166-1 alpha-2 code.');
      } else {
        push(at, 'NAME_INVALID', `Unknown address field ${key}.`);
      }
    }
  });
}

function checkConsent(value: unknown, push: Push): void {
  if (!isObject(value)) {
    push('consent', 'VALUE_INVALID', 'consent must be an object.');
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'ad_user_data' && key !== 'ad_personalization') push(`consent.${key}`, 'NAME_INVALID', `Unknown consent field ${key}.`);
    else if (v !== 'GRANTED' && v !== 'DENIED') push(`consent.${key}`, 'VALUE_INVALID', `${key} must be GRANTED or DENIED.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
