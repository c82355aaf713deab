import type { StoredEvent } from '@attribution/core';
import type { ConsentAllowed } from '../consent/consent-decision';
import type { OutgoingEvent } from '../destination-adapter';
import { eventSourceFor, mapToGoogleAdsEvent } from './google-ads.mapper';
import { parseConversionActions } from './google-ads.schema';

const NOW = 1_800_000_000;
const EMAIL = 'a'.repeat(64);
const PHONE = 'b'.repeat(64);
const ACTIONS = parseConversionActions('Purchase=123456789, Lead=987654321');
const GRANTED: ConsentAllowed = { allowed: true, basis: 'consent', adUserData: true, adPersonalization: false };

function stored(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: '1', tenantId: 't', eventId: 'order-1001', eventName: 'Purchase', eventTime: NOW - 60, receivedAt: '', actionSource: 'website',
    sourceUrl: null, ipAddress: null, userAgent: null,
    userData: { google_ads: { sha256_email: [EMAIL], sha256_phone: [PHONE], address: [{ sha256_given_name: 'c'.repeat(64), sha256_family_name: 'd'.repeat(64), region_code: 'US', postal_code: '94303' }] } },
    clickIds: { gclid: 'Cj0KCQ-abc_DEF' }, customData: { value: 42.5, currency: 'EUR' }, consent: null, traceId: null,
    ...overrides,
  };
}

const out = (event: StoredEvent, consent: ConsentAllowed = GRANTED, name = event.eventName): OutgoingEvent => ({ event, consent, name, renamed: name !== event.eventName });
const map = (o: OutgoingEvent) => mapToGoogleAdsEvent(o, ACTIONS, NOW);

describe('mapToGoogleAdsEvent', () => {
  it('maps every field', () => {
    expect(map(out(stored()))).toEqual({
      ok: true,
      conversionActionId: '123456789',
      event: {
        transactionId: 'order-1001',
        eventTimestamp: '2027-01-15T07:59:00.000Z',
        eventSource: 'WEB',
        adIdentifiers: { gclid: 'Cj0KCQ-abc_DEF' },
        userData: {
          userIdentifiers: [
            { emailAddress: EMAIL },
            { phoneNumber: PHONE },
            { address: { givenName: 'c'.repeat(64), familyName: 'd'.repeat(64), regionCode: 'US', postalCode: '94303' } },
          ],
        },
        conversionValue: 42.5,
        currency: 'EUR',
        consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' },
      },
    });
  });

  it('sends a click id alone, and identifiers alone', () => {
    const clickOnly = map(out(stored({ userData: {} })));
    expect(clickOnly).toMatchObject({ ok: true, event: { adIdentifiers: { gclid: 'Cj0KCQ-abc_DEF' } } });
    expect(clickOnly.ok && clickOnly.event.userData).toBeUndefined();
    const idsOnly = map(out(stored({ clickIds: {} })));
    expect(idsOnly.ok && idsOnly.event.adIdentifiers).toBeUndefined();
    expect(idsOnly.ok && idsOnly.event.userData?.userIdentifiers).toHaveLength(3);
  });

  it('skips what cannot be attributed, and names without a conversion action', () => {
    expect(map(out(stored({ clickIds: {}, userData: {} })))).toEqual({ ok: false, kind: 'skipped', reason: 'cannot be attributed: no click id and no user identifier' });
    expect(map(out(stored({ eventName: 'PageView' })))).toEqual({ ok: false, kind: 'skipped', reason: 'no conversion action for event PageView' });
  });

  it("uses the destination's name for the event (a tenant rename rule)", () => {
    expect(map(out(stored({ eventName: 'SignUp' }), GRANTED, 'Lead'))).toMatchObject({ ok: true, conversionActionId: '987654321' });
  });

  it('sends no identifiers without an ad_user_data grant: click ids only', () => {
    const denied: ConsentAllowed = { ...GRANTED, adUserData: false };
    const mapped = map(out(stored(), denied));
    expect(mapped.ok && mapped.event.userData).toBeUndefined();
    expect(mapped).toMatchObject({ ok: true, event: { adIdentifiers: { gclid: 'Cj0KCQ-abc_DEF' }, consent: { adUserData: 'CONSENT_DENIED' } } });
    expect(map(out(stored({ clickIds: {} }), denied))).toEqual({ ok: false, kind: 'skipped', reason: 'cannot be attributed: no click id, and ad_user_data does not allow its user identifiers' });
  });

  it('sends consent enums from the decision, and none for an event allowed by tenant policy', () => {
    const all: ConsentAllowed = { allowed: true, basis: 'consent', adUserData: true, adPersonalization: true };
    expect(map(out(stored(), all))).toMatchObject({ ok: true, event: { consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } } });
    const policy = map(out(stored(), { allowed: true, basis: 'policy', adUserData: true, adPersonalization: true }));
    expect(policy.ok && policy.event.consent).toBeUndefined();
  });

  it('prefers gclid, never sends gbraid with wbraid, and sends no identifiers with a braid', () => {
    expect(map(out(stored({ clickIds: { gclid: 'g', gbraid: 'b', wbraid: 'w' } })))).toMatchObject({ ok: true, event: { adIdentifiers: { gclid: 'g' } } });
    const braid = map(out(stored({ clickIds: { gbraid: 'b', wbraid: 'w' } })));
    expect(braid.ok && braid.event.adIdentifiers).toEqual({ gbraid: 'b' });
    expect(braid.ok && braid.event.userData).toBeUndefined();
    expect(map(out(stored({ clickIds: { wbraid: 'w' } })))).toMatchObject({ ok: true, event: { adIdentifiers: { wbraid: 'w' } } });
  });

  it('rejects what Google would refuse', () => {
    expect(map(out(stored({ eventTime: NOW - 91 * 86400 })))).toEqual({ ok: false, kind: 'rejected', reason: 'event is older than 90 days' });
    expect(map(out(stored({ eventTime: NOW + 3600 })))).toMatchObject({ ok: false, kind: 'rejected' });
    expect(map(out(stored({ eventId: 'x'.repeat(513) })))).toMatchObject({ ok: false, kind: 'rejected', reason: expect.stringContaining('512') });
  });

  it('caps user identifiers at 10', () => {
    const many = stored({ clickIds: {}, userData: { google_ads: { sha256_email: Array.from({ length: 12 }, (_, i) => String(i).padStart(64, '0')) } } });
    const mapped = map(out(many));
    expect(mapped.ok && mapped.event.userData?.userIdentifiers).toHaveLength(10);
  });

  it('leaves out a value or currency that is not one', () => {
    const mapped = map(out(stored({ customData: { value: 'ten' as unknown as number, currency: 'euro' } })));
    expect(mapped.ok && [mapped.event.conversionValue, mapped.event.currency]).toEqual([undefined, undefined]);
  });

  it.each([
    ['website', 'WEB'],
    ['app', 'APP'],
    ['physical_store', 'IN_STORE'],
    ['phone_call', 'PHONE'],
    ['email', 'OTHER'],
    ['chat', 'OTHER'],
    ['system_generated', 'OTHER'],
    ['business_messaging', 'OTHER'],
    ['other', 'OTHER'],
  ])('action_source %s → eventSource %s', (source, expected) => {
    expect(eventSourceFor(source)).toBe(expected);
  });
});

describe('parseConversionActions', () => {
  it('reads Name=id pairs', () => {
    expect([...parseConversionActions('Purchase=123456789,Lead=987654321')]).toEqual([['Purchase', '123456789'], ['Lead', '987654321']]);
    expect([...parseConversionActions('Add to cart=5')]).toEqual([['Add to cart', '5']]);
  });
});
