import type { StoredEvent } from '@attribution/core';
import { mapToMetaEvent } from './meta.mapper';

const NOW = 1_780_000_000;
const EMAIL_HASH = '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d';

function storedEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
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
    userData: { meta: { em: [EMAIL_HASH] } },
    clickIds: { fbc: 'fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk', fbp: 'fb.1.1596403881668.1116446470' },
    customData: { currency: 'EUR', value: 42 },
    consent: { ad_storage: 'granted', ad_user_data: 'granted' },
    traceId: null,
    ...overrides,
  };
}

describe('mapToMetaEvent', () => {
  it('passes event_id and event_name unchanged and fbc, fbp, IP and user agent verbatim', () => {
    const mapped = mapToMetaEvent(storedEvent(), NOW);
    expect(mapped).toEqual({
      ok: true,
      event: {
        event_name: 'Purchase',
        event_time: NOW - 60,
        event_id: 'order-1001',
        action_source: 'website',
        event_source_url: 'https://shop.example/checkout',
        user_data: {
          em: [EMAIL_HASH],
          client_ip_address: '203.0.113.7',
          client_user_agent: 'Mozilla/5.0',
          fbc: 'fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQvwjNwB_qa2ofrHyiLjcbCRxTDMgk',
          fbp: 'fb.1.1596403881668.1116446470',
        },
        custom_data: { currency: 'EUR', value: 42 },
      },
    });
  });

  it('refuses events Meta would reject, so they never spoil a batch', () => {
    expect(mapToMetaEvent(storedEvent({ eventTime: NOW - 8 * 24 * 3600 }), NOW)).toEqual({ ok: false, reason: 'event_time is older than 7 days' });
    expect(mapToMetaEvent(storedEvent({ userData: {}, clickIds: {}, ipAddress: null, userAgent: null, actionSource: 'system_generated' }), NOW)).toMatchObject({ ok: false });
    expect(mapToMetaEvent(storedEvent({ sourceUrl: null }), NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('event_source_url') });
  });
});
