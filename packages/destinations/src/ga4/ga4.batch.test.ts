import fc from 'fast-check';
import type { StoredEvent } from '@attribution/core';
import { ga4RequestProblems } from '@attribution/testing';
// The fake platform's rules, written independently from the spec: our output must satisfy them.
import { planGa4Requests } from './ga4.batch';
import { GA4_MAX_BODY_BYTES } from './ga4.schema';

const NOW = 1_780_000_000;
const HASH = (c: string) => c.repeat(64);

function event(id: string, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id,
    tenantId: 't-1',
    eventId: `e-${id}`,
    eventName: 'Purchase',
    eventTime: NOW - 30,
    receivedAt: '',
    actionSource: 'website',
    sourceUrl: null,
    ipAddress: '198.51.100.4',
    userAgent: 'Mozilla/5.0',
    userData: {},
    clickIds: { ga_client_id: 'GA1.1.111.222' },
    customData: { currency: 'EUR', value: 1 },
    consent: { ad_user_data: 'granted', ad_personalization: 'granted' },
    traceId: null,
    ...overrides,
  };
}

describe('planGa4Requests', () => {
  it('puts events of one visitor, second and consent in one request', () => {
    const plan = planGa4Requests([event('1'), event('2', { eventName: 'AddToCart' }), event('3')], NOW);
    expect(plan.rejected).toEqual([]);
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]!.eventPks).toEqual(['1', '2', '3']);
    expect(plan.requests[0]!.body.events.map((e) => e.name)).toEqual(['purchase', 'add_to_cart', 'purchase']);
  });

  it('splits by client_id, user_id, timestamp, consent, user_data and ip: one request carries one user', () => {
    const plan = planGa4Requests(
      [
        event('1'),
        event('2', { clickIds: { ga_client_id: 'GA1.1.333.444' } }),
        event('3', { eventTime: NOW - 31 }),
        event('4', { consent: { ad_user_data: 'denied' } }),
        event('5', { ipAddress: '198.51.100.5' }),
        event('6', { userData: { meta: { external_id: [HASH('a')] }, google: { sha256_email_address: [HASH('b')] } } }),
        event('7', { clickIds: { ga_client_id: 'GA1.1.333.444' } }),
      ],
      NOW,
    );
    expect(plan.requests.map((r) => r.eventPks)).toEqual([['1'], ['2', '7'], ['3'], ['4'], ['5'], ['6']]);
    expect(plan.requests[5]!.body).toMatchObject({ user_id: expect.stringMatching(/^[0-9a-f]{64}$/), user_data: { sha256_email_address: [HASH('b')] } });
  });

  it('rejects unmappable events without holding back the others', () => {
    const plan = planGa4Requests([event('1', { eventName: 'PageView' }), event('2'), event('3', { eventTime: NOW - 4 * 24 * 3600 })], NOW);
    expect(plan.rejected.map((r) => r.eventPk)).toEqual(['1', '3']);
    expect(plan.requests.map((r) => r.eventPks)).toEqual([['2']]);
  });

  it('keeps every request under 25 events and 130 kB', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `sku-${i}-${'x'.repeat(80)}`);
    const events = Array.from({ length: 30 }, (_, i) => event(String(i), { customData: { content_ids: ids } }));
    const plan = planGa4Requests(events, NOW);
    expect(plan.rejected).toEqual([]);
    expect(plan.requests.length).toBeGreaterThan(2);
    expect(plan.requests.flatMap((r) => r.eventPks)).toEqual(events.map((e) => e.id));
    for (const { body } of plan.requests) {
      expect(body.events.length).toBeLessThanOrEqual(25);
      expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(GA4_MAX_BODY_BYTES);
    }
  });

  it('every request it plans passes the fake Measurement Protocol validation rules', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    const anyHash = fc.oneof(hex, fc.stringMatching(/^[0-9A-F]{64}$/), fc.string());
    const consentValue = fc.constantFrom<'granted' | 'denied' | undefined>('granted', 'denied', undefined);
    const paramValue = fc.oneof(fc.string({ maxLength: 120 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
    const key = fc.oneof(
      fc.string({ maxLength: 45 }),
      fc.constantFrom('gclid', 'session_id', 'session_number', 'engagement_time_msec', '_x', 'ga_x', 'google_x', 'firebase_x', 'gtag.x', 'items', 'user_id', 'currency'),
      fc.stringMatching(/^[a-z][a-z0-9_]{0,44}$/),
    );
    const storedEvent = fc.record({
      id: fc.uuid(),
      tenantId: fc.constantFrom('t-1', 't-2'),
      eventId: fc.string({ minLength: 1, maxLength: 128 }),
      eventName: fc.oneof(
        fc.constantFrom('Purchase', 'AddToCart', 'InitiateCheckout', 'Lead', 'CompleteRegistration', 'ViewContent', 'Search', 'AddPaymentInfo', 'AddToWishlist', 'PageView', 'Subscribe', 'page_view', 'first_visit', 'ga_event'),
        fc.string({ minLength: 1, maxLength: 100 }),
      ),
      eventTime: fc.integer({ min: NOW - 80 * 3600, max: NOW + 600 }),
      receivedAt: fc.constant(''),
      actionSource: fc.constant('website'),
      sourceUrl: fc.constant(null),
      ipAddress: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant(null), fc.constant('not-an-ip')),
      userAgent: fc.oneof(fc.constant(null), fc.string()),
      userData: fc.record(
        {
          meta: fc.record({ external_id: fc.array(anyHash, { maxLength: 3 }) }, { requiredKeys: [] }),
          google: fc.record(
            {
              sha256_email_address: fc.array(anyHash, { maxLength: 5 }),
              sha256_phone_number: fc.array(anyHash, { maxLength: 5 }),
              address: fc.array(
                fc.record(
                  {
                    sha256_first_name: anyHash,
                    sha256_last_name: anyHash,
                    city: fc.string({ maxLength: 120 }),
                    region: fc.string(),
                    postal_code: fc.string(),
                    country: fc.oneof(fc.constantFrom('FR', 'US', 'fr', 'France'), fc.string()),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 4 },
              ),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      clickIds: fc.record(
        { ga_client_id: fc.oneof(fc.constant('GA1.1.123.456'), fc.string({ maxLength: 128 })), fbp: fc.string({ minLength: 1 }), gclid: fc.string() },
        { requiredKeys: [] },
      ),
      customData: fc.record(
        {
          currency: fc.oneof(fc.constantFrom('EUR', 'usd', 'EURO'), fc.string()),
          value: fc.oneof(fc.double(), fc.integer()),
          order_id: fc.string({ maxLength: 120 }),
          content_ids: fc.array(fc.string({ maxLength: 120 }), { maxLength: 30 }),
          contents: fc.array(fc.record({ id: fc.oneof(fc.string(), fc.integer()), quantity: fc.oneof(fc.integer(), fc.double()), item_price: fc.double() }, { requiredKeys: [] }), { maxLength: 5 }),
          session_id: fc.oneof(fc.integer(), fc.string()),
          engagement_time_msec: fc.oneof(fc.integer(), fc.double(), fc.string()),
          search_string: fc.string({ maxLength: 120 }),
          extra: fc.dictionary(key, paramValue, { maxKeys: 40 }),
        },
        { requiredKeys: [] },
      ).map(({ extra, ...known }) => ({ ...extra, ...known })),
      consent: fc.oneof(
        fc.constant(null),
        fc.record({ ad_user_data: consentValue, ad_personalization: consentValue, analytics_storage: consentValue }).map((c) =>
          Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)),
        ),
      ),
      traceId: fc.constant(null),
    }) as fc.Arbitrary<StoredEvent>;

    const seen = { requests: 0, userData: 0, items: 0, customParams: 0, consent: 0, multiEvent: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(storedEvent, { minLength: 1, maxLength: 25 }), fc.boolean(), fc.option(fc.record({ adUserData: fc.boolean(), adPersonalization: fc.boolean() })), (generated, oneVisitor, grants) => {
        // Half the runs: one visitor, one second, so events share requests.
        const first = generated[0]!;
        const events = oneVisitor
          ? generated.map((e) => ({ ...e, tenantId: first.tenantId, eventTime: first.eventTime, ipAddress: first.ipAddress, userData: first.userData, clickIds: first.clickIds, consent: first.consent }))
          : generated;
        const plan = planGa4Requests(events, NOW, () => grants ?? undefined);
        const outcomes = [...plan.rejected.map((r) => r.eventPk), ...plan.requests.flatMap((r) => r.eventPks)];
        expect(outcomes.sort()).toEqual(events.map((e) => e.id).sort());
        seen.rejected += plan.rejected.length;
        for (const { body } of plan.requests) {
          expect(ga4RequestProblems(JSON.parse(JSON.stringify(body)), { nowMicros: NOW * 1_000_000 })).toEqual([]);
          seen.requests += 1;
          if (body.user_data) seen.userData += 1;
          if (body.consent) seen.consent += 1;
          if (body.events.length > 1) seen.multiEvent += 1;
          if (body.events.some((e) => e.params['items'])) seen.items += 1;
          if (body.events.some((e) => Object.keys(e.params).length > 6)) seen.customParams += 1;
        }
      }),
      { numRuns: 300, seed: 20260602 },
    );
    // The generator must reach the interesting paths, or the property proves little.
    for (const [path, count] of Object.entries(seen)) expect([path, count > 20]).toEqual([path, true]);
  });
});
