import type { VendorRequirement } from './tcf';

/** The four Google Consent Mode v2 signals an event may carry. */
export type ConsentModeSignal = 'ad_storage' | 'analytics_storage' | 'ad_user_data' | 'ad_personalization';

/**
 * What a platform needs before an event may go to it, declared in its folder and read by the one
 * consent switch (`decideConsent`). docs/consent.md justifies each platform's choice.
 */
export interface ConsentRequirements {
  /** Consent Mode signals whose denial blocks the event. */
  readonly blockIfDenied: readonly ConsentModeSignal[];
  /** Without a TC string, these must be affirmatively granted (in this order). */
  readonly requireGranted: readonly ConsentModeSignal[];
  /** With a TC string: how the platform appears in the IAB TCF. */
  readonly tcf: TcfRequirement;
}

export type TcfRequirement =
  /** Not a TCF vendor (Meta): each purpose needs the user's consent; there is no vendor bit to read. */
  | { readonly kind: 'purposes'; readonly purposes: readonly number[] }
  /** A GVL vendor, with the legal bases it declared (see evaluateVendor). */
  | ({ readonly kind: 'vendor' } & VendorRequirement);
