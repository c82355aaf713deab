import type { StoredEvent } from '@attribution/core';
import { ga4ClientId, ga4EventName, mapToGa4, sanitiseName } from './ga4.mapper';
import type { Ga4Envelope, Ga4Event } from './ga4.schema';

const NOW = 1_780_000_000;
// SHA-256 of "jane.doe@example.com" and of "customer-42": what ingest stores.
const EMAIL_HASH = '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d';
const XID_HASH = 'a045eb33f8797f35ea7d5fad7c5e0d021e2142e9c1bb6e9dc9f45b4f503b03e8';
const PHONE_HASH = 'b'.repeat(64);
const NAME_HASH = 'c'.repeat(64);

function storedEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: '1',
    tenantId: 't-1',
    eventId: 'order-1001',
    eventName: 'Purchase',
    eventTime: NOW - 60,
    receivedAt: new Date(NOW * 1000).toISOString(),
    actionSource: 'website',
    sourceUrl: 'https://shop.example/checkout',
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    userData: {
      meta: { external_id: [XID_HASH] },
      google: { sha256_email_address: [EMAIL_HASH], sha256_phone_number: [PHONE_HASH], address: [{ sha256_first_name: NAME_HASH, city: 'paris', postal_code: '75001', country: 'FR' }] },
    },
    clickIds: { ga_client_id: 'GA1.1.123456789.1700000000', gclid: 'Cj0KCQ', fbp: 'fb.1.1596403881668.1116446470' },
    customData: { currency: 'EUR', value: 42.5, order_id: 'A-1001', content_ids: ['sku-1', 'sku-2'] },
    consent: { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'denied' },
    traceId: null,
    ...overrides,
  };
}

function mapped(event: StoredEvent): { envelope: Ga4Envelope; event: Ga4Event } {
  const result = mapToGa4(event, NOW);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('mapToGa4', () => {
  it('maps a purchase: client id from the _ga cookie, params, consent, user_data with user_id, ip_override', () => {
    expect(mapToGa4(storedEvent(), NOW)).toEqual({
      ok: true,
      envelope: {
        client_id: '123456789.1700000000',
        user_id: '236b406b57d5b456e44eddc04830164680abc2f8474f11bdb4405355bf53cefc',
        timestamp_micros: (NOW - 60) * 1_000_000,
        consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' },
        user_data: {
          sha256_email_address: [EMAIL_HASH],
          sha256_phone_number: [PHONE_HASH],
          address: [{ sha256_first_name: NAME_HASH, city: 'paris', postal_code: '75001', country: 'FR' }],
        },
        ip_override: '203.0.113.7',
      },
      event: {
        name: 'purchase',
        params: {
          currency: 'EUR',
          value: 42.5,
          transaction_id: 'A-1001',
          items: [{ item_id: 'sku-1' }, { item_id: 'sku-2' }],
          engagement_time_msec: 1,
        },
      },
    });
  });

  it.each([
    ['Purchase', 'purchase'],
    ['AddToCart', 'add_to_cart'],
    ['InitiateCheckout', 'begin_checkout'],
    ['Lead', 'generate_lead'],
    ['CompleteRegistration', 'sign_up'],
    ['ViewContent', 'view_item'],
    ['Search', 'search'],
    ['AddPaymentInfo', 'add_payment_info'],
    ['AddToWishlist', 'add_to_wishlist'],
    ['Subscribe', 'Subscribe'],
    ['newsletter signup!', 'newsletter_signup_'],
    ['2024-promo.click', 'promo_click'],
    ['__private', 'private'],
    ['x'.repeat(50), 'x'.repeat(40)],
  ])('event name %s → %s', (input, expected) => {
    expect(ga4EventName(input)).toEqual({ ok: true, name: expected });
  });

  it.each([
    ['PageView', /page_view is a reserved/],
    ['page_view', /reserved/],
    ['Page View', /reserved/],
    ['session_start', /reserved/],
    ['FIRST_VISIT', /reserved/],
    ['google_conversion', /reserved/],
    ['firebase_x', /reserved/],
    ['ga_custom', /reserved/],
    ['1234', /no characters/],
    ['éèà', /no characters/],
  ])('event name %s is refused (%s)', (input, reason) => {
    const result = ga4EventName(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('sanitises names to [A-Za-z0-9_], starting with a letter, at most 40 characters', () => {
    expect(sanitiseName('Ünïcode Event')).toBe('n_code_Event');
    expect(sanitiseName('a'.repeat(41))).toHaveLength(40);
  });

  describe('client_id', () => {
    it.each([
      ['GA1.1.123456789.1700000000', '123456789.1700000000'],
      ['GA1.2.987654321.1690000000', '987654321.1690000000'],
      ['123456789.1700000000', '123456789.1700000000'],
      [' GA1.1.5.6 ', '5.6'],
    ])('_ga %s → %s', (cookie, expected) => {
      expect(ga4ClientId(storedEvent({ clickIds: { ga_client_id: cookie } }))).toBe(expected);
    });

    it('falls back to a tenant-scoped hash of fbp, then the external id, then the event id', () => {
      const base = storedEvent();
      expect(ga4ClientId({ ...base, clickIds: { fbp: 'fb.1.1596403881668.1116446470' } })).toBe('3619114021.2894839571');
      expect(ga4ClientId({ ...base, clickIds: { ga_client_id: 'not-a-ga-cookie', fbp: 'fb.1.1596403881668.1116446470' } })).toBe('3619114021.2894839571');
      expect(ga4ClientId({ ...base, clickIds: {} })).toBe('370945609.1143111667');
      expect(ga4ClientId({ ...base, clickIds: {}, userData: {} })).toBe('1025212522.2632235455');
    });

    it('is stable, differs per tenant, and never contains the input', () => {
      const a = storedEvent({ clickIds: { fbp: 'fb.1.1596403881668.1116446470' } });
      expect(ga4ClientId(a)).toBe(ga4ClientId({ ...a, eventId: 'other', eventTime: NOW - 5 }));
      expect(ga4ClientId({ ...a, tenantId: 't-2' })).not.toBe(ga4ClientId(a));
      expect(ga4ClientId(a)).toMatch(/^\d+\.\d+$/);
      expect(ga4ClientId(a)).not.toContain('1596403881668');
    });
  });

  describe('consent and user_data', () => {
    it('sends user_data only when ad_user_data is granted', () => {
      for (const consent of [
        { ad_user_data: 'denied' as const },
        { ad_storage: 'granted' as const },
        null,
      ]) {
        const { envelope } = mapped(storedEvent({ consent }));
        expect(envelope.user_data).toBeUndefined();
        expect(envelope.user_id).toBeUndefined();
      }
    });

    it('maps granted/denied to GRANTED/DENIED and omits unknown signals', () => {
      expect(mapped(storedEvent({ consent: { ad_user_data: 'granted', ad_personalization: 'granted' } })).envelope.consent).toEqual({ ad_user_data: 'GRANTED', ad_personalization: 'GRANTED' });
      expect(mapped(storedEvent({ consent: { ad_user_data: 'denied' } })).envelope.consent).toEqual({ ad_user_data: 'DENIED' });
      expect(mapped(storedEvent({ consent: { analytics_storage: 'granted' } })).envelope.consent).toBeUndefined();
      expect(mapped(storedEvent({ consent: null })).envelope.consent).toBeUndefined();
    });

    it('follows the dispatcher consent decision when given one, sending both signals explicitly', () => {
      const tcfOnly = storedEvent({ consent: { tcf_string: 'CQ...' } });
      const granted = mapToGa4(tcfOnly, NOW, { adUserData: true, adPersonalization: false });
      expect(granted).toMatchObject({ ok: true, envelope: { consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' }, user_data: { sha256_email_address: [EMAIL_HASH] }, user_id: expect.any(String) } });
      // The decision wins over the event's own values (e.g. a TCF denial ANDed with a Consent Mode grant).
      const denied = mapToGa4(storedEvent(), NOW, { adUserData: false, adPersonalization: false });
      expect(denied).toMatchObject({ ok: true, envelope: { consent: { ad_user_data: 'DENIED', ad_personalization: 'DENIED' } } });
      expect(denied.ok && denied.envelope.user_data).toBeFalsy();
      expect(denied.ok && denied.envelope.user_id).toBeFalsy();
    });

    it('never sends user_data without a user_id: no external id, no user_data', () => {
      const { envelope } = mapped(storedEvent({ userData: { google: { sha256_email_address: [EMAIL_HASH] } } }));
      expect(envelope.user_data).toBeUndefined();
      expect(envelope.user_id).toBeUndefined();
    });

    it('sends no user_id without user_data', () => {
      const { envelope } = mapped(storedEvent({ userData: { meta: { external_id: [XID_HASH] } } }));
      expect(envelope.user_id).toBeUndefined();
      expect(envelope.user_data).toBeUndefined();
    });

    it('keeps at most 3 emails, 3 phones and 2 addresses, and only well-formed values', () => {
      const hex = (c: string) => c.repeat(64);
      const { envelope } = mapped(
        storedEvent({
          userData: {
            meta: { external_id: [XID_HASH] },
            google: {
              sha256_email_address: [hex('1'), hex('2'), 'NOT-A-HASH', hex('A'), hex('3'), hex('4')],
              sha256_phone_number: ['+33612345678', hex('5')],
              address: [{ city: 'lyon' }, { sha256_last_name: 'Smith', country: 'france' }, { region: 'idf' }, { city: 'nice' }],
              sha256_street: [hex('6')],
            },
          },
        }),
      );
      expect(envelope.user_data).toEqual({
        sha256_email_address: [hex('1'), hex('2'), hex('3')],
        sha256_phone_number: [hex('5')],
        address: [{ city: 'lyon' }, { region: 'idf' }],
      });
    });

    it('does not send a user agent (no such MP key) and sends ip_override only for a valid IP', () => {
      const { envelope } = mapped(storedEvent({ ipAddress: 'not-an-ip' }));
      expect(envelope).not.toHaveProperty('ip_override');
      expect(JSON.stringify(mapped(storedEvent()))).not.toContain('Mozilla');
    });
  });

  describe('params', () => {
    it('forwards custom_data keys that satisfy the limits and drops the rest', () => {
      const { event } = mapped(
        storedEvent({
          customData: {
            content_type: 'product',
            num_items: 2,
            coupon: 'SUMMER',
            'bad key': 'x',
            '1st': 'x',
            gclid: 'x',
            session_number: 3,
            _internal: 'x',
            ga_thing: 'x',
            google_x: 'x',
            long_value: 'v'.repeat(101),
            ok_value: 'v'.repeat(100),
            flag: true,
            nested: { a: 1 },
            list: ['a'],
            nan: Number.NaN,
            [`k${'x'.repeat(40)}`]: 'x',
          },
        }),
      );
      expect(event.params).toEqual({ engagement_time_msec: 1, content_type: 'product', num_items: 2, coupon: 'SUMMER', ok_value: 'v'.repeat(100) });
    });

    it('caps params at 25, GA4-defined ones first', () => {
      const customData: Record<string, unknown> = { currency: 'USD', value: 1, order_id: 'o' };
      for (let i = 0; i < 40; i++) customData[`p${i}`] = i;
      const { event } = mapped(storedEvent({ customData }));
      const keys = Object.keys(event.params);
      expect(keys).toHaveLength(25);
      expect(keys.slice(0, 4)).toEqual(['currency', 'value', 'transaction_id', 'engagement_time_msec']);
      expect(keys[24]).toBe('p20');
    });

    it('sends value only with a valid currency, and transaction_id only within 100 characters', () => {
      expect(mapped(storedEvent({ customData: { value: 10 } })).event.params).toEqual({ engagement_time_msec: 1 });
      expect(mapped(storedEvent({ customData: { value: 10, currency: 'usd' } })).event.params).toMatchObject({ currency: 'USD', value: 10 });
      expect(mapped(storedEvent({ customData: { value: 10, currency: 'EURO' } })).event.params).toEqual({ engagement_time_msec: 1 });
      expect(mapped(storedEvent({ customData: { order_id: 'x'.repeat(101) } })).event.params).toEqual({ engagement_time_msec: 1 });
    });

    it('builds items from Meta contents (with quantity and price) or content_ids', () => {
      const contents = [{ id: 'sku-1', quantity: 2, item_price: 9.5 }, { id: 7 }, { quantity: 1 }, 'junk'];
      expect(mapped(storedEvent({ customData: { contents, content_ids: ['ignored'] } })).event.params['items']).toEqual([
        { item_id: 'sku-1', quantity: 2, price: 9.5 },
        { item_id: '7' },
      ]);
      expect(mapped(storedEvent({ customData: { content_ids: ['a', 'x'.repeat(101), 'b'] } })).event.params['items']).toEqual([{ item_id: 'a' }, { item_id: 'b' }]);
    });

    it('takes session_id, engagement_time_msec and search_term from custom_data when well-formed', () => {
      expect(mapped(storedEvent({ eventName: 'Search', customData: { session_id: 1700000000, engagement_time_msec: 250, search_string: 'red shoes' } })).event).toEqual({
        name: 'search',
        params: { search_term: 'red shoes', session_id: '1700000000', engagement_time_msec: 250 },
      });
      expect(mapped(storedEvent({ customData: { session_id: 'abc', engagement_time_msec: -1 } })).event.params).toEqual({ engagement_time_msec: 1 });
    });
  });

  describe('timestamp', () => {
    it('refuses events older than 72 hours (with a 5-minute margin for transit)', () => {
      expect(mapToGa4(storedEvent({ eventTime: NOW - 72 * 3600 - 1 }), NOW)).toEqual({ ok: false, reason: 'event_time is older than 72 hours (GA4 Measurement Protocol limit)' });
      expect(mapToGa4(storedEvent({ eventTime: NOW - 72 * 3600 + 200 }), NOW)).toMatchObject({ ok: false });
      expect(mapToGa4(storedEvent({ eventTime: NOW - 72 * 3600 + 301 }), NOW)).toMatchObject({ ok: true });
    });

    it('sends microseconds and clamps a future event_time to now', () => {
      expect(mapped(storedEvent({ eventTime: NOW - 1 })).envelope.timestamp_micros).toBe((NOW - 1) * 1_000_000);
      expect(mapped(storedEvent({ eventTime: NOW + 300 })).envelope.timestamp_micros).toBe(NOW * 1_000_000);
    });
  });

  it('refuses PageView with a reason, before anything is sent', () => {
    expect(mapToGa4(storedEvent({ eventName: 'PageView' }), NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('page_view') });
  });
});
