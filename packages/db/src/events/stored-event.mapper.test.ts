import type { Event } from '../generated/prisma/client';
import { toStoredEvent } from './stored-event.mapper';

const row: Event = {
  id: 42n,
  tenantId: '00000000-0000-4000-8000-00000000000a',
  eventId: 'e1',
  eventName: 'PageView',
  eventTime: new Date('2026-01-02T03:04:05.678Z'),
  receivedAt: new Date('2026-01-02T03:04:06.000Z'),
  actionSource: 'website',
  sourceUrl: 'https://shop.example/',
  ipAddress: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  userData: { meta: { em: ['a'.repeat(64)] } },
  clickIds: { fbp: 'fb.1.1596403881668.1116446470' },
  customData: { value: 1 },
  consent: null,
  context: { visitor_id: 'v-123', page_referrer: 'https://news.example/story', utm_source: 'newsletter' },
  traceId: 't',
  traceparent: null,
  publishState: 'pending',
  publishedAt: null,
};

describe('toStoredEvent', () => {
  it('gives the bus shape, with unix seconds and a string id', () => {
    expect(toStoredEvent(row)).toMatchObject({ id: '42', eventTime: 1767323045, receivedAt: '2026-01-02T03:04:06.000Z', customData: { value: 1 } });
  });

  it('leaves the page context out: what is not on the bus cannot reach an ad platform', () => {
    const message = JSON.stringify(toStoredEvent(row));
    expect(message).not.toContain('context');
    expect(message).not.toContain('v-123');
    expect(message).not.toContain('news.example');
  });
});
