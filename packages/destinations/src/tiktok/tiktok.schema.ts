/**
 * The TikTok Events API 2.0 request, `POST {base}/event/track/` with the `Access-Token` header,
 * for web events of one pixel (docs/destinations.md, TikTok section, has the sources).
 */

/** Matching keys: `email`, `phone`, `external_id` SHA-256 hex from ingest; the rest verbatim. */
export interface TiktokUser {
  email?: string;
  phone?: string;
  external_id?: string;
  /** The TikTok click id from the landing URL (`E.C.P.…`). */
  ttclid?: string;
  /** The `_ttp` cookie the TikTok pixel sets. */
  ttp?: string;
  ip?: string;
  user_agent?: string;
}

export interface TiktokContent {
  content_id?: string;
  content_name?: string;
  quantity?: number;
  price?: number;
}

export interface TiktokProperties {
  currency?: string;
  value?: number;
  contents?: TiktokContent[];
  content_type?: 'product' | 'product_group';
  /** The text a visitor searched for. */
  query?: string;
}

export interface TiktokEvent {
  event: string;
  /** Unix seconds. */
  event_time: number;
  /** Deduplicated with the pixel's copy on (pixel, event, event_id). */
  event_id: string;
  user: TiktokUser;
  page?: { url?: string; referrer?: string };
  properties?: TiktokProperties;
}

export interface TiktokTrackRequest {
  event_source: 'web';
  /** The pixel code. */
  event_source_id: string;
  data: TiktokEvent[];
  test_event_code?: string;
}

/** What TikTok answers, HTTP 200 included: `code` 0 is success. */
export interface TiktokResponse {
  code?: number;
  message?: string;
  request_id?: string;
}

/** A destination's settings, as `destination set tiktok` stores them. */
export interface TiktokSettings {
  pixel_code: string;
  /** Events Manager → Test events: sent only while the destination is in test mode. */
  test_event_code?: string;
}

export interface TiktokCredentials {
  access_token: string;
}

/** Pixel codes as Events Manager shows them: upper-case letters and digits, 20 in every example seen. */
export const PIXEL_CODE_PATTERN = /^[A-Z0-9]{16,24}$/;

/** Events per request (partners document 1000; one bad event fails the whole request). */
export const TIKTOK_MAX_BATCH = 1000;
/** Test events go one per request: partners send them unbatched, and TikTok documents no batch size for them. */
export const TIKTOK_MAX_TEST_BATCH = 1;
/** UNCONFIRMED for web events: 7 days, the stricter of the figures seen (docs/destinations.md). */
export const TIKTOK_MAX_EVENT_AGE_SECONDS = 7 * 24 * 60 * 60;
/** Event and event_id are deduplicated within 48 hours of the first copy. */
export const TIKTOK_DEDUP_WINDOW_SECONDS = 48 * 60 * 60;

/** TikTok's standard web events: only these optimise ad delivery; other names are custom events. */
export const TIKTOK_STANDARD_EVENTS = [
  'AddPaymentInfo',
  'AddToCart',
  'AddToWishlist',
  'ClickButton',
  'CompletePayment',
  'CompleteRegistration',
  'Contact',
  'Download',
  'InitiateCheckout',
  'PlaceAnOrder',
  'Search',
  'SubmitForm',
  'Subscribe',
  'ViewContent',
] as const;
