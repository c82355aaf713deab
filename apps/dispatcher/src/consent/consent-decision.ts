import type { Consent } from '@attribution/core';
import type { Platform } from '../destinations/destination';

export type ConsentDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * The safety switch: no consent, no send. Google Consent Mode v2 signals gate both platforms
 * (a Meta conversion is advertising use of user data, like ad_user_data for Google). An event
 * with no signal at all follows the tenant's policy, which defaults to block.
 */
export function decideConsent(consent: Consent | null, platform: Platform, policy: 'block' | 'allow'): ConsentDecision {
  const signals = consent ? [consent.ad_storage, consent.ad_user_data, consent.analytics_storage, consent.ad_personalization] : [];
  if (!consent || signals.every((s) => s === undefined)) {
    return policy === 'allow' ? { allowed: true } : { allowed: false, reason: 'no consent signal' };
  }
  if (consent.ad_user_data === 'denied') return { allowed: false, reason: 'ad_user_data denied' };
  if (platform === 'meta' && consent.ad_storage === 'denied') return { allowed: false, reason: 'ad_storage denied' };
  if (platform === 'ga4' && consent.analytics_storage === 'denied') return { allowed: false, reason: 'analytics_storage denied' };
  return { allowed: true };
}
