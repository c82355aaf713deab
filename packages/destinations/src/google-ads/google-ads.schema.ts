/**
 * The Data Manager API request for Google Ads conversions, as Google's reference documents it
 * (developers.google.com/data-manager/api/reference/rest/v1/events/ingest, …/limits,
 * …/devguides/concepts/formatting): `POST {base}/events:ingest` with a JSON
 * `IngestEventsRequest`, bearer token of scope `https://www.googleapis.com/auth/datamanager`.
 */

export type ConsentStatus = 'CONSENT_GRANTED' | 'CONSENT_DENIED';

export interface DataManagerConsent {
  adUserData?: ConsentStatus;
  adPersonalization?: ConsentStatus;
}

export interface ProductAccount {
  accountType: 'GOOGLE_ADS';
  /** The Google Ads customer id, 10 digits, no hyphens. */
  accountId: string;
}

export interface Destination {
  operatingAccount: ProductAccount;
  loginAccount?: ProductAccount;
  /** The conversion action id. */
  productDestinationId: string;
}

export interface AdIdentifiers {
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
}

/** All four fields are required by the reference; names hashed, region and postal code plain. */
export interface AddressInfo {
  givenName: string;
  familyName: string;
  regionCode: string;
  postalCode: string;
}

/** Exactly one of the three. */
export type UserIdentifier = { emailAddress: string } | { phoneNumber: string } | { address: AddressInfo };

export type EventSource = 'WEB' | 'APP' | 'IN_STORE' | 'PHONE' | 'OTHER';

export interface DataManagerEvent {
  transactionId: string;
  /** RFC 3339. */
  eventTimestamp: string;
  adIdentifiers?: AdIdentifiers;
  userData?: { userIdentifiers: UserIdentifier[] };
  conversionValue?: number;
  currency?: string;
  eventSource?: EventSource;
  consent?: DataManagerConsent;
}

export interface IngestEventsRequest {
  destinations: Destination[];
  events: DataManagerEvent[];
  /** Hashed identifiers are lower-case hex. */
  encoding: 'HEX';
  /** Test mode: validated, never ingested. */
  validateOnly?: boolean;
}

/** A destination's settings, as `destination set google_ads` stores them (strings, from the CLI). */
export interface GoogleAdsSettings {
  customer_id: string;
  login_customer_id?: string;
  /** `Purchase=123456789,Lead=987654321`: the conversion action id per event name. */
  conversion_actions: string;
  requests_per_minute?: string;
}

export interface GoogleAdsCredentials {
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

/** Limits and quotas: "2,000 Event resources in the events list". */
export const GOOGLE_ADS_MAX_EVENTS_PER_REQUEST = 2000;
/** "10 user identifiers in the UserData for an Event". */
export const GOOGLE_ADS_MAX_USER_IDENTIFIERS = 10;
/** "300 requests per minute" per Google Cloud project (that is, per OAuth client). */
export const GOOGLE_ADS_DEFAULT_REQUESTS_PER_MINUTE = 300;
/** transaction_id: at most 512 characters (the dedup key). */
export const GOOGLE_ADS_MAX_TRANSACTION_ID = 512;
/**
 * A Google Ads conversion must fall within its conversion action's click-through window, at most
 * 90 days (Ads API EXPIRED_EVENT); the Data Manager reference states no age of its own.
 */
export const GOOGLE_ADS_MAX_EVENT_AGE_SECONDS = 90 * 24 * 60 * 60;
/** Browser clocks drift: a few minutes ahead is tolerated, more is refused before sending. */
export const GOOGLE_ADS_MAX_FUTURE_SECONDS = 10 * 60;

export const CUSTOMER_ID_PATTERN = /^\d{10}$/;
/** `Name=id` pairs, comma-separated; names as the event schema takes them (no `=` or `,`). */
export const CONVERSION_ACTIONS_PATTERN = /^[^=,]{1,100}=\d{1,19}(?:,[^=,]{1,100}=\d{1,19})*$/;
export const REQUESTS_PER_MINUTE_PATTERN = /^[1-9]\d{0,4}$/;

/** `Purchase=123,Lead=456` → Map { Purchase → 123, Lead → 456 }; names trimmed. */
export function parseConversionActions(text: string): Map<string, string> {
  const actions = new Map<string, string>();
  for (const pair of text.split(',')) {
    const at = pair.lastIndexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    const id = pair.slice(at + 1).trim();
    if (name && /^\d+$/.test(id)) actions.set(name, id);
  }
  return actions;
}
