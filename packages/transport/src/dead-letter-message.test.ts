import { deadLetterMessage } from './dead-letter-message';
import { readRetryHeaders, retryMessage } from './retry-message';

describe('deadLetterMessage', () => {
  const original = { key: 'tenant-1', value: Buffer.from([0xc3, 0x28, 0x7b]), headers: { traceparent: '00-abc-def-01' } };

  it('keeps the original key, bytes and headers and says where and why it ended here', () => {
    const letter = deadLetterMessage(original, { step: 'retry', reason: 'retry headers missing', destination: 'meta', attempts: 2 }, new Date('2026-12-01T00:00:00Z'));
    expect(letter.key).toBe('tenant-1');
    expect(letter.value).toBe(original.value);
    expect(letter.headers).toEqual({
      traceparent: '00-abc-def-01',
      'dlq-reason': 'retry headers missing',
      'dlq-step': 'retry',
      'dlq-destination': 'meta',
      'dlq-attempts': '2',
      'dlq-timestamp': '2026-12-01T00:00:00.000Z',
    });
  });

  it('redacts and bounds the reason: a decode error or a platform answer may quote personal data or a token', () => {
    const reason = `Unexpected token in "jane.doe@example.com" sent with access_token=EAAB0123456789abcdefghij from 203.0.113.9 ${'x'.repeat(600)}`;
    const header = deadLetterMessage(original, { step: 'decode', reason }).headers!['dlq-reason']!;
    expect(header).not.toContain('jane.doe@example.com');
    expect(header).not.toContain('EAAB0123456789');
    expect(header).not.toContain('203.0.113.9');
    expect(header.length).toBeLessThanOrEqual(500);
  });

  it('gives a message without a key an empty one (Kafka keys are optional)', () => {
    expect(deadLetterMessage({ key: null, value: Buffer.alloc(0), headers: {} }, { step: 'decode', reason: 'Message is not JSON' }).key).toBe('');
  });
});

describe('retry messages', () => {
  const event = { id: '1', tenantId: 't', eventId: 'e', eventName: 'Lead', eventTime: 1, receivedAt: '', actionSource: 'website', sourceUrl: null, ipAddress: null, userAgent: null, userData: {}, clickIds: {}, customData: {}, consent: null, traceId: null };

  it('round-trip their headers, the consent decision included', () => {
    const message = retryMessage(event, { destination: 'ga4', attempt: 3, dueAt: 42, consent: { basis: 'consent', adUserData: false, adPersonalization: true } }, 'HTTP 503');
    expect(message.key).toBe('t:ga4');
    expect(readRetryHeaders(message.headers!)).toEqual({ destination: 'ga4', attempt: 3, dueAt: 42, consent: { basis: 'consent', adUserData: false, adPersonalization: true } });
    expect(readRetryHeaders(retryMessage(event, { destination: 'meta', attempt: 0, dueAt: 1, replay: true }, 'replay').headers!)).toEqual({ destination: 'meta', attempt: 0, dueAt: 1, replay: true });
  });

  it('are unreadable without their headers or with a consent header that does not parse', () => {
    const headers = retryMessage(event, { destination: 'ga4', attempt: 1, dueAt: 2 }, 'x').headers!;
    expect(readRetryHeaders({})).toBeNull();
    expect(readRetryHeaders({ ...headers, 'x-attempt': 'one' })).toBeNull();
    expect(readRetryHeaders({ ...headers, 'x-consent': '{"basis":"maybe"}' })).toBeNull();
  });
});
