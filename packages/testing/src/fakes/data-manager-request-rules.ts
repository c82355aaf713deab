/**
 * The Data Manager API's documented rules for an `IngestEventsRequest` to Google Ads, checked
 * the way Google applies them: fast-fail, one violation anywhere fails the whole request
 * (400 INVALID_ARGUMENT with a google.rpc.BadRequest of field violations). Sources: the REST
 * reference (events.ingest, Destination, ProductAccount, Event, AdIdentifiers, UserData,
 * AddressInfo, Consent, Encoding), "Limits and quotas" and "Format user data".
 */

export interface FieldViolation {
  field: string;
  description: string;
}

const TOP_LEVEL = new Set(['destinations', 'events', 'consent', 'validateOnly', 'encoding', 'encryptionInfo']);
const EVENT_KEYS = new Set(['destinationReferences', 'transactionId', 'eventTimestamp', 'lastUpdatedTimestamp', 'userData', 'consent', 'adIdentifiers', 'currency', 'conversionValue', 'eventSource', 'eventDeviceInfo', 'cartData', 'customVariables', 'experimentalFields', 'userProperties']);
const EVENT_SOURCES = new Set(['WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER']);
const CONSENT_VALUES = new Set(['CONSENT_GRANTED', 'CONSENT_DENIED', 'CONSENT_STATUS_UNSPECIFIED']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const HEX64 = /^[0-9a-f]{64}$/;
export const DATA_MANAGER_MAX_EVENTS = 2000;
export const DATA_MANAGER_MAX_DESTINATIONS = 10;
export const DATA_MANAGER_MAX_IDENTIFIERS = 10;
/** Google Ads' longest click-through window: older conversions cannot be recorded (EXPIRED_EVENT). */
export const DATA_MANAGER_MAX_AGE_MS = 90 * 24 * 3600 * 1000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function ingestRequestProblems(body: unknown, { nowMs }: { nowMs: number }): FieldViolation[] {
  const out: FieldViolation[] = [];
  const bad = (field: string, description: string) => out.push({ field, description });
  if (!isObj(body)) return [{ field: '', description: 'The request body must be a JSON object.' }];
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) bad(key, `Unknown field "${key}".`);
  if (body['validateOnly'] !== undefined && typeof body['validateOnly'] !== 'boolean') bad('validateOnly', 'Must be a boolean.');
  consentProblems(body['consent'], 'consent', bad);
  destinationsProblems(body['destinations'], bad);

  const events = body['events'];
  if (!Array.isArray(events) || events.length === 0) bad('events', 'At least one event is required.');
  else if (events.length > DATA_MANAGER_MAX_EVENTS) bad('events', `At most ${DATA_MANAGER_MAX_EVENTS} events per request.`);
  else {
    const encoding = body['encoding'];
    const hasUserData = events.some((e) => isObj(e) && e['userData'] !== undefined);
    if (hasUserData && encoding !== 'HEX' && encoding !== 'BASE64') bad('encoding', 'Required for UserData uploads: HEX or BASE64.');
    events.forEach((e, i) => eventProblems(e, `events[${i}]`, encoding === 'HEX', nowMs, bad));
  }
  return out;
}

function destinationsProblems(value: unknown, bad: (f: string, d: string) => void): void {
  if (!Array.isArray(value) || value.length === 0) return bad('destinations', 'At least one destination is required.');
  if (value.length > DATA_MANAGER_MAX_DESTINATIONS) return bad('destinations', `At most ${DATA_MANAGER_MAX_DESTINATIONS} destinations per request.`);
  value.forEach((d, i) => {
    const at = `destinations[${i}]`;
    if (!isObj(d)) return bad(at, 'Must be an object.');
    for (const key of Object.keys(d)) if (!['operatingAccount', 'loginAccount', 'linkedAccount', 'productDestinationId', 'reference'].includes(key)) bad(`${at}.${key}`, `Unknown field "${key}".`);
    accountProblems(d['operatingAccount'], `${at}.operatingAccount`, true, bad);
    accountProblems(d['loginAccount'], `${at}.loginAccount`, false, bad);
    if (typeof d['productDestinationId'] !== 'string' || !/^\d{1,19}$/.test(d['productDestinationId'])) bad(`${at}.productDestinationId`, 'Required: the conversion action id (digits).');
  });
}

function accountProblems(value: unknown, at: string, required: boolean, bad: (f: string, d: string) => void): void {
  if (value === undefined && !required) return;
  if (!isObj(value)) return bad(at, 'Required.');
  if (value['accountType'] !== 'GOOGLE_ADS') bad(`${at}.accountType`, 'Must be GOOGLE_ADS for a Google Ads conversion.');
  if (typeof value['accountId'] !== 'string' || !/^\d{10}$/.test(value['accountId'])) bad(`${at}.accountId`, 'Must be a 10-digit customer id without hyphens.');
}

function consentProblems(value: unknown, at: string, bad: (f: string, d: string) => void): void {
  if (value === undefined) return;
  if (!isObj(value)) return bad(at, 'Must be an object.');
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'adUserData' && key !== 'adPersonalization') bad(`${at}.${key}`, `Unknown field "${key}".`);
    else if (typeof v !== 'string' || !CONSENT_VALUES.has(v)) bad(`${at}.${key}`, 'Must be CONSENT_GRANTED or CONSENT_DENIED.');
  }
}

function eventProblems(e: unknown, at: string, hex: boolean, nowMs: number, bad: (f: string, d: string) => void): void {
  if (!isObj(e)) return bad(at, 'Must be an object.');
  for (const key of Object.keys(e)) if (!EVENT_KEYS.has(key)) bad(`${at}.${key}`, `Unknown field "${key}".`);
  const ts = e['eventTimestamp'];
  if (typeof ts !== 'string' || !RFC3339.test(ts) || Number.isNaN(Date.parse(ts))) bad(`${at}.eventTimestamp`, 'Required, in RFC 3339 format.');
  else if (Date.parse(ts) > nowMs + 10 * 60_000) bad(`${at}.eventTimestamp`, 'Must not be in the future.');
  else if (Date.parse(ts) < nowMs - DATA_MANAGER_MAX_AGE_MS) bad(`${at}.eventTimestamp`, 'Older than the longest click-through window (90 days).');
  const tx = e['transactionId'];
  if (tx !== undefined && (typeof tx !== 'string' || tx === '' || tx.length > 512)) bad(`${at}.transactionId`, 'Must be a non-empty string of at most 512 characters.');
  if (e['conversionValue'] !== undefined && (typeof e['conversionValue'] !== 'number' || e['conversionValue'] < 0)) bad(`${at}.conversionValue`, 'Must be a non-negative number.');
  if (e['currency'] !== undefined && (typeof e['currency'] !== 'string' || !/^[A-Z]{3}$/.test(e['currency']))) bad(`${at}.currency`, 'Must be an ISO 4217 code.');
  if (e['eventSource'] !== undefined && !EVENT_SOURCES.has(e['eventSource'] as string)) bad(`${at}.eventSource`, 'Unknown EventSource.');
  consentProblems(e['consent'], `${at}.consent`, bad);

  const ids = e['adIdentifiers'];
  let braid = false;
  let click = false;
  if (ids !== undefined) {
    if (!isObj(ids)) bad(`${at}.adIdentifiers`, 'Must be an object.');
    else {
      for (const [key, v] of Object.entries(ids)) {
        if (!['gclid', 'gbraid', 'wbraid', 'sessionAttributes', 'landingPageDeviceInfo'].includes(key)) bad(`${at}.adIdentifiers.${key}`, `Unknown field "${key}".`);
        else if (typeof v !== 'string' || v === '') bad(`${at}.adIdentifiers.${key}`, 'Must be a non-empty string.');
      }
      if (ids['gbraid'] !== undefined && ids['wbraid'] !== undefined) bad(`${at}.adIdentifiers`, 'gbraid and wbraid cannot both be set.');
      if (ids['gclid'] !== undefined && (ids['gbraid'] !== undefined || ids['wbraid'] !== undefined)) bad(`${at}.adIdentifiers`, 'gbraid/wbraid must be unset when gclid is set.');
      braid = ids['gbraid'] !== undefined || ids['wbraid'] !== undefined;
      click = braid || ids['gclid'] !== undefined;
    }
  }
  const identifiers = userDataProblems(e['userData'], `${at}.userData`, hex, bad);
  if (braid && identifiers > 0) bad(`${at}.userData`, 'User identifiers must be unset with gbraid or wbraid.');
  if (!click && identifiers === 0) bad(at, 'A Google Ads conversion needs a click id or a user identifier.');
}

/** The number of (well-formed or not) identifiers, after recording their problems. */
function userDataProblems(value: unknown, at: string, hex: boolean, bad: (f: string, d: string) => void): number {
  if (value === undefined) return 0;
  if (!isObj(value) || !Array.isArray(value['userIdentifiers'])) {
    bad(at, 'userIdentifiers is required.');
    return 0;
  }
  const list = value['userIdentifiers'] as unknown[];
  if (list.length === 0) bad(`${at}.userIdentifiers`, 'At least one identifier.');
  if (list.length > DATA_MANAGER_MAX_IDENTIFIERS) bad(`${at}.userIdentifiers`, `At most ${DATA_MANAGER_MAX_IDENTIFIERS} user identifiers.`);
  const hashed = (v: unknown, f: string) => {
    if (typeof v !== 'string' || (hex && !HEX64.test(v))) bad(f, 'Must be a SHA-256 hash, lower-case hex (encoding HEX).');
  };
  list.forEach((id, i) => {
    const f = `${at}.userIdentifiers[${i}]`;
    const keys = isObj(id) ? Object.keys(id) : [];
    if (keys.length !== 1 || !['emailAddress', 'phoneNumber', 'address'].includes(keys[0]!)) return bad(f, 'Exactly one of emailAddress, phoneNumber or address.');
    const v = (id as Obj)[keys[0]!];
    if (keys[0] !== 'address') return hashed(v, `${f}.${keys[0]}`);
    if (!isObj(v)) return bad(`${f}.address`, 'Must be an AddressInfo.');
    hashed(v['givenName'], `${f}.address.givenName`);
    hashed(v['familyName'], `${f}.address.familyName`);
    if (typeof v['regionCode'] !== 'string' || !/^[A-Z]{2}$/.test(v['regionCode'])) bad(`${f}.address.regionCode`, 'Required: ISO 3166-1 alpha-2, not hashed.');
    if (typeof v['postalCode'] !== 'string' || v['postalCode'].trim() === '' || HEX64.test(v['postalCode'])) bad(`${f}.address.postalCode`, 'Required, not hashed.');
  });
  return list.length;
}
