import type { Consent } from '@attribution/core';
import type { ConsentModeSignal, ConsentRequirements } from './consent-requirements';
import { evaluatePurposeConsents, evaluateVendor, readTcString, type TcSummary } from './tcf';

/**
 * The safety switch: no consent, no send. One pure decision per event and destination, from the
 * destination's declared requirements (its folder's `consent`).
 *
 * Inputs: Google Consent Mode v2 signals (`granted` | `denied` | absent) and an optional IAB TCF
 * v2.2/v2.3 string. A value other than 'granted' counts as 'denied' (never guess consent). An
 * empty `tcf_string` counts as absent; any other value that does not decode into a well-formed
 * TCF v2 string (whitespace, a v1 string, a non-string, a forged range bomb) blocks with
 * `invalid TCF string`.
 *
 * 0. No signal at all (no consent object, or no Consent Mode value and no TC string): the tenant's
 *    `consent_policy` decides; 'block' (the default, and anything unknown) → `no consent signal`.
 * 1. A denial of any `blockIfDenied` signal blocks (the stricter source wins).
 * 2. With a TC string, it must pass on its own (`tcf`); without one, every `requireGranted`
 *    signal must be granted.
 * 3. An allowed event carries what the destination may do with it: `adUserData` (send hashed
 *    user-provided data) and `adPersonalization` (forward the personalisation grant).
 *
 * See docs/consent.md for the justification of each platform's requirements.
 */

export type ConsentPolicy = 'block' | 'allow';

export interface ConsentAllowed {
  allowed: true;
  /** 'consent': the event's signals allow it; 'policy': it carried none and the tenant allows that. */
  basis: 'consent' | 'policy';
  /** May user-provided data (hashed email/phone/address) be sent for advertising use? */
  adUserData: boolean;
  /** Has the user agreed to ad personalisation? Forwarded; it never blocks on its own. */
  adPersonalization: boolean;
}

export interface ConsentBlocked {
  allowed: false;
  reason: string;
}

export type ConsentDecision = ConsentAllowed | ConsentBlocked;

type SignalState = 'granted' | 'denied' | 'unset';

type Signals = Record<ConsentModeSignal, SignalState> & {
  /** undefined: no TC string; otherwise the raw value (a non-string will fail to decode). */
  tcf: unknown;
};

const ALLOWED_BY_POLICY: ConsentAllowed = Object.freeze({ allowed: true, basis: 'policy', adUserData: true, adPersonalization: true });

export function decideConsent(consent: Consent | null | undefined, requirements: ConsentRequirements, policy: ConsentPolicy): ConsentDecision {
  const signals = readSignals(consent);
  if (!signals) return policy === 'allow' ? ALLOWED_BY_POLICY : block('no consent signal');

  let tc: TcSummary | undefined;
  if (signals.tcf !== undefined) {
    const vendorIds = requirements.tcf.kind === 'vendor' ? [requirements.tcf.vendorId] : [];
    const decoded = typeof signals.tcf === 'string' ? readTcString(signals.tcf, vendorIds) : null;
    if (!decoded) return block('invalid TCF string');
    tc = decoded;
  }
  for (const key of requirements.blockIfDenied) {
    if (signals[key] === 'denied') return block(`${key} denied`);
  }
  if (tc) return decideWithTcString(signals, tc, requirements);
  for (const key of requirements.requireGranted) {
    if (signals[key] !== 'granted') return block(`${key} not granted`);
  }
  return allow(signals.ad_user_data === 'granted', signals.ad_personalization === 'granted');
}

function decideWithTcString(s: Signals, tc: TcSummary, { tcf }: ConsentRequirements): ConsentDecision {
  // A TC string that passed stands for ad_user_data granted unless Consent Mode denies it.
  const adUserData = s.ad_user_data !== 'denied';
  if (tcf.kind === 'purposes') {
    const verdict = evaluatePurposeConsents(tc, tcf.purposes);
    return verdict.ok ? allow(adUserData, s.ad_personalization !== 'denied') : block(verdict.reason);
  }
  const vendor = evaluateVendor(tc, tcf);
  if (!vendor.ok) return block(vendor.reason);
  return allow(adUserData, s.ad_personalization !== 'denied' && vendor.adPersonalization);
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
