import { namedForDestination, type OutgoingEvent } from '../destination-adapter';
import { storedHashes } from '../identifiers/identifier-profile';
import { googleAdsIdentifiers } from './google-ads.identifiers';
import {
  GOOGLE_ADS_MAX_EVENT_AGE_SECONDS,
  GOOGLE_ADS_MAX_FUTURE_SECONDS,
  GOOGLE_ADS_MAX_TRANSACTION_ID,
  GOOGLE_ADS_MAX_USER_IDENTIFIERS,
  type AdIdentifiers,
  type DataManagerConsent,
  type DataManagerEvent,
  type EventSource,
  type UserIdentifier,
} from './google-ads.schema';

export type GoogleAdsMapping =
  | { ok: true; conversionActionId: string; event: DataManagerEvent }
  | { ok: false; kind: 'skipped' | 'rejected'; reason: string };

/** The event schema's action_source → Data Manager EventSource. */
const EVENT_SOURCES: Readonly<Record<string, EventSource>> = {
  website: 'WEB',
  app: 'APP',
  physical_store: 'IN_STORE',
  phone_call: 'PHONE',
};

export function eventSourceFor(actionSource: string): EventSource {
  return EVENT_SOURCES[actionSource] ?? 'OTHER';
}

const status = (granted: boolean) => (granted ? 'CONSENT_GRANTED' : 'CONSENT_DENIED');

/**
 * Pure: one outgoing event → one Data Manager event for its conversion action, or why not.
 * - skipped: no conversion action for its name, or nothing to attribute it by (no click id and
 *   no identifier it may send);
 * - rejected: Google would refuse it (older than 90 days, in the future, transaction id > 512).
 * User identifiers go only with the decision's `adUserData`. With gbraid/wbraid no identifiers go
 * (the Ads API refuses that pairing) and gclid wins over both; gbraid and wbraid never go together.
 */
export function mapToGoogleAdsEvent(outgoing: OutgoingEvent, actions: ReadonlyMap<string, string>, nowSeconds: number): GoogleAdsMapping {
  const event = namedForDestination(outgoing);
  const conversionActionId = actions.get(event.eventName);
  if (conversionActionId === undefined) return { ok: false, kind: 'skipped', reason: `no conversion action for event ${event.eventName}` };
  if (event.eventTime < nowSeconds - GOOGLE_ADS_MAX_EVENT_AGE_SECONDS) return { ok: false, kind: 'rejected', reason: 'event is older than 90 days' };
  if (event.eventTime > nowSeconds + GOOGLE_ADS_MAX_FUTURE_SECONDS) return { ok: false, kind: 'rejected', reason: 'event time is in the future' };
  if (event.eventId.length > GOOGLE_ADS_MAX_TRANSACTION_ID) return { ok: false, kind: 'rejected', reason: 'event id is longer than 512 characters (transaction_id)' };

  const adIdentifiers = clickIdentifiers(event.clickIds);
  const braid = adIdentifiers !== undefined && adIdentifiers.gclid === undefined;
  const identifiers = userIdentifiers(event.userData);
  const sendable = outgoing.consent.adUserData && !braid ? identifiers : [];
  if (!adIdentifiers && sendable.length === 0) {
    const why = identifiers.length > 0 ? 'no click id, and ad_user_data does not allow its user identifiers' : 'no click id and no user identifier';
    return { ok: false, kind: 'skipped', reason: `cannot be attributed: ${why}` };
  }

  const mapped: DataManagerEvent = {
    transactionId: event.eventId,
    eventTimestamp: new Date(event.eventTime * 1000).toISOString(),
    eventSource: eventSourceFor(event.actionSource),
  };
  if (adIdentifiers) mapped.adIdentifiers = adIdentifiers;
  if (sendable.length > 0) mapped.userData = { userIdentifiers: sendable };
  const value = event.customData.value;
  if (typeof value === 'number' && Number.isFinite(value)) mapped.conversionValue = value;
  const currency = event.customData.currency;
  if (typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency)) mapped.currency = currency.toUpperCase();
  const consent = consentFor(outgoing);
  if (consent) mapped.consent = consent;
  return { ok: true, conversionActionId, event: mapped };
}

/**
 * The consent switch's decision as Google's DMA consent. An event let through by tenant policy
 * carried no signal: nothing is claimed on the user's behalf (Google reads it as unspecified).
 */
export function consentFor({ consent }: OutgoingEvent): DataManagerConsent | undefined {
  if (consent.basis !== 'consent') return undefined;
  return { adUserData: status(consent.adUserData), adPersonalization: status(consent.adPersonalization) };
}

function clickIdentifiers(clickIds: OutgoingEvent['event']['clickIds']): AdIdentifiers | undefined {
  if (clickIds.gclid) return { gclid: clickIds.gclid };
  if (clickIds.gbraid) return { gbraid: clickIds.gbraid };
  if (clickIds.wbraid) return { wbraid: clickIds.wbraid };
  return undefined;
}

/** The stored google_ads hashes as user identifiers: emails, phones, then the address; at most 10. */
function userIdentifiers(userData: OutgoingEvent['event']['userData']): UserIdentifier[] {
  const hashed = storedHashes(userData, googleAdsIdentifiers);
  const identifiers: UserIdentifier[] = [
    ...(hashed.sha256_email ?? []).map((emailAddress) => ({ emailAddress })),
    ...(hashed.sha256_phone ?? []).map((phoneNumber) => ({ phoneNumber })),
    ...(hashed.address ?? []).map((a) => ({ address: { givenName: a.sha256_given_name, familyName: a.sha256_family_name, regionCode: a.region_code, postalCode: a.postal_code } })),
  ];
  return identifiers.slice(0, GOOGLE_ADS_MAX_USER_IDENTIFIERS);
}
