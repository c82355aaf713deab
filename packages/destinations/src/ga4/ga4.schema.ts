/**
 * The GA4 Measurement Protocol request, as Google documents it (web streams only):
 * `POST /mp/collect?measurement_id=G-…&api_secret=…` with a JSON body.
 * Sources: shared reference "adplatform-rules.md" §2.1–2.3, citing
 * developers.google.com/analytics/devguides/collection/protocol/ga4/{reference,sending-events}
 * and support.google.com/analytics/answer/13316687 (naming rules).
 */

/** A destination's settings and credentials, as `destination set ga4` stores them. */
export interface Ga4Settings {
  measurement_id: string;
}

export interface Ga4Credentials {
  api_secret: string;
}

/** Consent Mode values as the MP takes them. The literal enum is UNCONFIRMED in official text (§2.3). */
export type Ga4ConsentValue = 'GRANTED' | 'DENIED';

export interface Ga4Consent {
  ad_user_data?: Ga4ConsentValue;
  ad_personalization?: Ga4ConsentValue;
}

/** Enhanced-conversions address: names/street hashed, city/region/postal code/country plain (§2.3). */
export interface Ga4Address {
  sha256_first_name?: string;
  sha256_last_name?: string;
  sha256_street?: string;
  city?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export interface Ga4UserData {
  sha256_email_address?: string[];
  sha256_phone_number?: string[];
  address?: Ga4Address[];
}

export interface Ga4Item {
  item_id: string;
  quantity?: number;
  price?: number;
}

export type Ga4ParamValue = string | number | Ga4Item[];

export interface Ga4Event {
  name: string;
  params: Record<string, Ga4ParamValue>;
}

/**
 * The request-level part of a body. Every field here applies to all the events of the request,
 * so only events whose envelopes are identical may share a request (see ga4.batch.ts).
 */
export interface Ga4Envelope {
  client_id: string;
  user_id?: string;
  timestamp_micros?: number;
  consent?: Ga4Consent;
  user_data?: Ga4UserData;
  ip_override?: string;
}

export interface Ga4Request extends Ga4Envelope {
  events: Ga4Event[];
}

/** "≤25 events per request" (sending-events §Limitations). Also the adapter's batch size. */
export const GA4_MAX_EVENTS_PER_REQUEST = 25;
/** "≤25 params per event". */
export const GA4_MAX_PARAMS = 25;
/** "Event and param names ≤40 chars, [A-Za-z0-9_], starting with a letter". */
export const GA4_MAX_NAME_LENGTH = 40;
/** "Param values ≤100 chars (≤500 on GA360)": we stay within the standard-property limit. */
export const GA4_MAX_PARAM_VALUE_LENGTH = 100;
/** "Body < 130 kB": read as 130 000 bytes (the stricter reading of kB), and strictly less. */
export const GA4_MAX_BODY_BYTES = 130_000;
/** "Timestamp within the last 72 h" (sending-events); the reference says "3 calendar days": 72 h is the stricter. */
export const GA4_MAX_EVENT_AGE_SECONDS = 72 * 60 * 60;
/**
 * We refuse events this much younger than the 72 h limit, so an event mapped just inside the
 * window does not cross it while in flight (or while a scripted retry waits).
 */
export const GA4_AGE_SAFETY_MARGIN_SECONDS = 5 * 60;
/** `user_data`: "sha256_email_address[] and sha256_phone_number[]: up to 3 values each; address[] (up to 2)". */
export const GA4_MAX_EMAILS = 3;
export const GA4_MAX_PHONES = 3;
export const GA4_MAX_ADDRESSES = 2;

export const GA4_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
export const SHA256_LOWER_HEX = /^[0-9a-f]{64}$/;
export const MEASUREMENT_ID_PATTERN = /^G-[A-Z0-9]{4,20}$/;

/**
 * Reserved web event names (support.google.com/analytics/answer/13316687, "not exhaustive").
 * Compared case-insensitively: stricter than Google, so "Page_View" can never slip through.
 */
export const GA4_RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_impression',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_renew',
  'click',
  'error',
  'file_download',
  'first_open',
  'first_visit',
  'form_start',
  'form_submit',
  'in_app_purchase',
  'page_view',
  'scroll',
  'session_start',
  'user_engagement',
  'view_complete',
  'video_progress',
  'video_start',
  'view_search_results',
]);

/** Reserved param names (§2.1). session_id and engagement_time_msec are MP's own Realtime params: we set them, a custom key never does. */
export const GA4_RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set(['gclid', 'session_id', 'session_number', 'engagement_time_msec']);

/** Reserved param prefixes (§2.1); also applied to event names (Firebase reserves firebase_, google_, ga_ for events). */
export const GA4_RESERVED_PREFIXES: readonly string[] = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];

export function hasReservedPrefix(name: string): boolean {
  const lower = name.toLowerCase();
  return GA4_RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}
