import type { StoredEvent } from '@attribution/core';
import { tiktokIdentifiers } from './tiktok.identifiers';
import { mapToTiktokEvent, tiktokEventName } from './tiktok.mapper';

const NOW = 1_780_000_000;
// printf '%s' '<normalised>' | sha256sum
const EMAIL = '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d'; // 'jane@example.com'
const PHONE = 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928'; // '+14155552671'
const EXTERNAL = '648ea56630b96aea23a3c3ee70f19224867f84004ea23372c2fc0a889df80166'; // 'order-1001-customer'

function stored(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: '1',
    tenantId: 't',
    eventId: 'order-1001',
    eventName: 'Purchase',
    eventTime: NOW - 60,
    receivedAt: new Date(NOW * 1000).toISOString(),
    actionSource: 'website',
    sourceUrl: 'https://shop.example/checkout',
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    // What ingest stores for jane@example.com, +1 415 555 2671 and order-1001-customer.
    userData: tiktokUserData({ email: ' Jane@Example.com', phone: '(415) 555-2671', external_id: 'order-1001-customer' }),
    clickIds: { ttclid: 'E.C.P.CsW1Kx9H', ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH', fbp: 'fb.1.1596403881668.1116446470' },
    customData: { currency: 'eur', value: 42.5, contents: [{ id: 'sku-1', quantity: 2, item_price: 21.25, title: 'Shirt' }], content_type: 'product', search_string: 'shirts' },
    consent: { ad_storage: 'granted', ad_user_data: 'granted' },
    traceId: null,
    ...overrides,
  };
}

function tiktokUserData(input: Parameters<typeof tiktokIdentifiers.hash>[0]): StoredEvent['userData'] {
  return { tiktok: tiktokIdentifiers.hash(input, { defaultCountry: 'US' }) };
}

describe('tiktokEventName', () => {
  it.each([
    ['Purchase', 'CompletePayment'],
    ['Lead', 'SubmitForm'],
    ['ViewContent', 'ViewContent'],
    ['AddToCart', 'AddToCart'],
    ['InitiateCheckout', 'InitiateCheckout'],
    ['AddPaymentInfo', 'AddPaymentInfo'],
    ['CompleteRegistration', 'CompleteRegistration'],
    ['Search', 'Search'],
    ['Contact', 'Contact'],
    ['Subscribe', 'Subscribe'],
    ['AddToWishlist', 'AddToWishlist'],
    ['CompletePayment', 'CompletePayment'],
    ['PlaceAnOrder', 'PlaceAnOrder'],
    ['newsletter_signup', 'newsletter_signup'],
  ])('%s → %s', (ours, theirs) => {
    expect(tiktokEventName(ours, false)).toBe(theirs);
  });

  it("keeps a tenant's rename as it is, even when it is one of our standard names", () => {
    expect(tiktokEventName('Purchase', true)).toBe('Purchase');
    expect(tiktokEventName('Lead', true)).toBe('Lead');
  });
});

describe('mapToTiktokEvent', () => {
  it('maps every field: hashes from ingest, ttclid, ttp, IP and user agent verbatim, page and properties', () => {
    expect(mapToTiktokEvent(stored(), false, NOW)).toEqual({
      ok: true,
      event: {
        event: 'CompletePayment',
        event_time: NOW - 60,
        event_id: 'order-1001',
        user: { email: EMAIL, phone: PHONE, external_id: EXTERNAL, ttclid: 'E.C.P.CsW1Kx9H', ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH', ip: '203.0.113.7', user_agent: 'Mozilla/5.0' },
        page: { url: 'https://shop.example/checkout' },
        properties: { currency: 'EUR', value: 42.5, contents: [{ content_id: 'sku-1', content_name: 'Shirt', quantity: 2, price: 21.25 }], content_type: 'product', query: 'shirts' },
      },
    });
  });

  it('sends the renamed event under the name the rule chose', () => {
    const mapped = mapToTiktokEvent(stored({ eventName: 'Purchase' }), true, NOW);
    expect(mapped).toMatchObject({ ok: true, event: { event: 'Purchase' } });
  });

  it('leaves out what is missing or malformed, never sending an empty key', () => {
    const mapped = mapToTiktokEvent(
      stored({ userData: {}, clickIds: { ttclid: 'E.C.P.x' }, ipAddress: 'not-an-ip', userAgent: null, sourceUrl: null, customData: { value: 3, content_ids: ['a', 'b'], content_type: 'service' } }),
      false,
      NOW,
    );
    expect(mapped).toEqual({ ok: true, event: { event: 'CompletePayment', event_time: NOW - 60, event_id: 'order-1001', user: { ttclid: 'E.C.P.x' }, properties: { contents: [{ content_id: 'a' }, { content_id: 'b' }] } } });
  });

  it('skips an event with nothing to attribute it by, and rejects one older than 7 days', () => {
    expect(mapToTiktokEvent(stored({ userData: {}, clickIds: {}, ipAddress: null, userAgent: null }), false, NOW)).toEqual({
      ok: false,
      kind: 'skipped',
      reason: expect.stringContaining('no TikTok matching key'),
    });
    expect(mapToTiktokEvent(stored({ eventTime: NOW - 7 * 24 * 3600 - 1 }), false, NOW)).toEqual({ ok: false, kind: 'rejected', reason: 'event_time is older than 7 days' });
    expect(mapToTiktokEvent(stored({ eventTime: NOW - 7 * 24 * 3600 }), false, NOW)).toMatchObject({ ok: true });
  });

  it('never reads another platform profile, and sends only well-formed hashes', () => {
    const mapped = mapToTiktokEvent(stored({ userData: { meta: { em: [EMAIL] }, tiktok: { email: ['not-a-hash'], phone: [PHONE] } }, clickIds: {}, ipAddress: null, userAgent: null }), false, NOW);
    expect(mapped).toMatchObject({ ok: true, event: { user: { phone: PHONE } } });
    expect(mapped.ok && mapped.event.user.email).toBeFalsy();
  });
});
