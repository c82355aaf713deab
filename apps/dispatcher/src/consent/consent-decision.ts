import type { Consent } from '@attribution/core';
import type { Platform } from '../destinations/destination';
import { evaluateGoogle, evaluatePurposeConsents, META_TCF_PURPOSES, readTcString, type TcSummary } from './tcf';

/**
 * The safety switch: no consent, no send. One pure decision per event and destination.
 *
 * Inputs: Google Consent Mode v2 signals (`ad_storage`, `analytics_storage`, `ad_user_data`,
 * `ad_personalization`: 'granted' | 'denied' | absent) and an optional IAB TCF v2.2/v2.3 string.
 * A value other than 'granted' counts as 'denied' (never guess consent). An empty `tcf_string`
 * counts as absent; any other value that does not decode into a well-formed TCF v2 string
 * (whitespace, a v1 string, a non-string, a forged range bomb) blocks with `invalid TCF string`.
 *
 * 0. No signal at all (no consent object, or no Consent Mode value and no TC string): the tenant's
 *    `consent_policy` decides; 'block' (the default, and anything unknown) → `no consent signal`.
 *
 * Both sources are ANDed: a denial from either blocks (the stricter wins); an absent Consent Mode
 * value defers to the TC string, and a present TC string must pass on its own.
 *
 * Meta (CAPI) — not a TCF vendor, no Consent Mode: a conversion is advertising use of personal data
 * (hashed identifiers, fbp/fbc read from the device) that Meta also uses for ad delivery and
 * remarketing, and CAPI has no "non-personalised" switch for the EEA. So:
 *   - block if `ad_storage`, `ad_user_data` or `ad_personalization` is denied;
 *   - with a TC string: require purpose consent for 1 (device access), 3 + 4 (profile / personalised
 *     ads) and 7 (ad measurement); consent only, no legitimate interest, no vendor bit (none exists);
 *   - without a TC string: require `ad_storage` and `ad_user_data` affirmatively granted.
 *
 * GA4 (Measurement Protocol) — Google, vendor 755:
 *   - block if `analytics_storage` is denied;
 *   - with a TC string: require purpose 1 consent + vendor 755 consent, and purpose 7 by consent or
 *     by legitimate interest (purpose LI + vendor 755 LI), honouring publisher restrictions
 *     (type 0 blocks; types 1/2 force the basis) and `purposeOneTreatment` (blocks);
 *   - without a TC string: require `analytics_storage` affirmatively granted;
 *   - `ad_user_data` denied (or never granted) does NOT block: the event goes with
 *     `adUserData: false`, and the mapper must drop `user_data` and send `consent.ad_user_data: DENIED`;
 *   - `ad_personalization` denied (or TCF purpose 3/4 missing for 755) does NOT block:
 *     `adPersonalization: false` → `consent.ad_personalization: DENIED`.
 *   `ga4ConsentGrants(consent)` hands those two flags to the GA4 destination (`consentGrants`).
 *
 * See docs/consent.md for the justification of each rule.
 */

export type ConsentPolicy = 'block' | 'allow';

export interface ConsentAllowed {
  allowed: true;
  /** 'consent': the event's signals allow it; 'policy': it carried none and the tenant allows that. */
  basis: 'consent' | 'policy';
  /** May user-provided data (hashed email/phone/address) be sent for advertising use? */
  adUserData: boolean;
  /** Has the user agreed to ad personalisation? Forward it; it never blocks GA4. */
  adPersonalization: boolean;
}

export interface ConsentBlocked {
  allowed: false;
  reason: string;
}

export type ConsentDecision = ConsentAllowed | ConsentBlocked;

type SignalState = 'granted' | 'denied' | 'unset';

interface Signals {
  ad_storage: SignalState;
  analytics_storage: SignalState;
  ad_user_data: SignalState;
  ad_personalization: SignalState;
  /** undefined: no TC string; otherwise the raw value (a non-string will fail to decode). */
  tcf: unknown;
}

const ALLOWED_BY_POLICY: ConsentAllowed = Object.freeze({ allowed: true, basis: 'policy', adUserData: true, adPersonalization: true });

export function decideConsent(consent: Consent | null | undefined, platform: Platform, policy: ConsentPolicy): ConsentDecision {
  const signals = readSignals(consent);
  if (!signals) return policy === 'allow' ? ALLOWED_BY_POLICY : block('no consent signal');

  let tc: TcSummary | undefined;
  if (signals.tcf !== undefined) {
    const decoded = typeof signals.tcf === 'string' ? readTcString(signals.tcf) : null;
    if (!decoded) return block('invalid TCF string');
    tc = decoded;
  }

  switch (platform) {
    case 'meta':
      return decideMeta(signals, tc);
    case 'ga4':
      return decideGa4(signals, tc);
    default:
      return block(`unsupported platform ${String(platform as unknown)}`);
  }
}

function decideMeta(s: Signals, tc: TcSummary | undefined): ConsentDecision {
  for (const key of ['ad_storage', 'ad_user_data', 'ad_personalization'] as const) {
    if (s[key] === 'denied') return block(`${key} denied`);
  }
  if (tc) {
    const verdict = evaluatePurposeConsents(tc, META_TCF_PURPOSES);
    if (!verdict.ok) return block(verdict.reason);
  } else {
    if (s.ad_storage !== 'granted') return block('ad_storage not granted');
    if (s.ad_user_data !== 'granted') return block('ad_user_data not granted');
  }
  return allow(true, tc !== undefined || s.ad_personalization === 'granted');
}

function decideGa4(s: Signals, tc: TcSummary | undefined): ConsentDecision {
  if (s.analytics_storage === 'denied') return block('analytics_storage denied');
  if (tc) {
    const google = evaluateGoogle(tc);
    if (!google.ok) return block(google.reason);
    // The TC string passed: purposes 1 + 7 for vendor 755 stand for ad_user_data granted.
    return allow(s.ad_user_data !== 'denied', s.ad_personalization !== 'denied' && google.adPersonalization);
  }
  if (s.analytics_storage !== 'granted') return block('analytics_storage not granted');
  return allow(s.ad_user_data === 'granted', s.ad_personalization === 'granted');
}

/**
 * For the GA4 destination's `consentGrants` dependency: the grants the mapper must apply to an event
 * that passed `decideConsent` (`consent.ad_user_data` / `consent.ad_personalization`, and no
 * `user_data` unless `adUserData`). Undefined when the event carries no signal at all (it was
 * allowed by tenant policy: there is nothing to forward). The tenant policy plays no part once a
 * signal exists, so none is needed here. Fail-safe: an event this module would block gets both
 * grants false.
 */
export function ga4ConsentGrants(consent: Consent | null | undefined): { adUserData: boolean; adPersonalization: boolean } | undefined {
  if (!readSignals(consent)) return undefined;
  const decision = decideConsent(consent, 'ga4', 'block');
  if (!decision.allowed) return { adUserData: false, adPersonalization: false };
  return { adUserData: decision.adUserData, adPersonalization: decision.adPersonalization };
}

function readSignals(consent: Consent | null | undefined): Signals | null {
  if (consent === null || consent === undefined || typeof consent !== 'object') return null;
  const rawTcf: unknown = consent.tcf_string;
  // Only a missing or empty string means "no TC string" (CMPs send '' where the GDPR does not apply).
  const tcf = rawTcf === undefined || rawTcf === null || rawTcf === '' ? undefined : rawTcf;
  const signals: Signals = {
    ad_storage: state(consent.ad_storage),
    analytics_storage: state(consent.analytics_storage),
    ad_user_data: state(consent.ad_user_data),
    ad_personalization: state(consent.ad_personalization),
    tcf,
  };
  const anyConsentMode = [signals.ad_storage, signals.analytics_storage, signals.ad_user_data, signals.ad_personalization].some((v) => v !== 'unset');
  return anyConsentMode || signals.tcf !== undefined ? signals : null;
}

function state(value: unknown): SignalState {
  if (value === undefined || value === null) return 'unset';
  return value === 'granted' ? 'granted' : 'denied';
}

function allow(adUserData: boolean, adPersonalization: boolean): ConsentAllowed {
  return { allowed: true, basis: 'consent', adUserData, adPersonalization };
}

function block(reason: string): ConsentBlocked {
  return { allowed: false, reason };
}
