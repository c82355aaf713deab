/**
 * Consent: what the page's signals (IAB TCF, Google Consent Mode, the site's own call) allow the
 * pixel to store, and the Consent Mode state it reports with each event.
 */

export type ConsentMode = Partial<Record<(typeof CONSENT_MODE_KEYS)[number], 'granted' | 'denied'>>;
/** `required` (the default): store nothing until a signal grants storage. `not_required`: store unless one denies. */
export type ConsentPolicy = 'required' | 'not_required';

/** The part of IAB TCF v2.2's TCData (the CMP's answer) the pixel reads. */
export interface TcData {
  gdprApplies?: boolean;
  tcString?: string;
  purpose?: { consents?: Record<number, boolean | undefined> };
}

/** What the event API accepts as `consent`; anything else in a gtag call (e.g. `wait_for_update`) would be refused. */
const CONSENT_MODE_KEYS = ['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization'] as const;

/**
 * Consent Mode state from gtag's `dataLayer` (entries are `arguments` objects:
 * `['consent', 'default' | 'update', {...}]`, applied in order), then the site's own `consent`
 * calls in order. Only the keys and values the API accepts are kept.
 */
export function consentMode(dataLayer: unknown, siteCalls: readonly unknown[]): ConsentMode {
  const mode: Record<string, unknown> = {};
  const apply = (settings: unknown): void => {
    for (const key of CONSENT_MODE_KEYS) {
      const value = settings && (settings as Record<string, unknown>)[key];
      if (value === 'granted' || value === 'denied') mode[key] = value;
    }
  };
  for (const entry of (Array.isArray(dataLayer) ? dataLayer : []) as ArrayLike<unknown>[]) {
    if (entry && entry[0] === 'consent' && /^(default|update)$/.test(entry[1] as string)) apply(entry[2]);
  }
  siteCalls.forEach(apply);
  return mode as ConsentMode;
}

/**
 * Whether first-party identifiers may be written and read. A denial from any source wins; with
 * `required` (or no policy), some source must also grant: TCF purpose 1, a CMP saying the GDPR
 * does not apply, or `ad_storage` granted. A TCF answer without purpose 1 counts as a denial
 * unless the GDPR is known not to apply.
 */
export function storageAllowed(policy: ConsentPolicy | undefined, mode: ConsentMode, tcf: TcData | undefined): boolean {
  const consents = tcf && tcf.purpose && tcf.purpose.consents;
  const tcfGrants = tcf && (tcf.gdprApplies === false || (consents && consents[1]));
  if (mode.ad_storage === 'denied' || (tcf && !tcfGrants)) return false;
  return !!(policy === 'not_required' || tcfGrants || mode.ad_storage === 'granted');
}
