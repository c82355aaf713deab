import type { StoredEvent } from '@attribution/core';
import { FakeGa4 } from '@attribution/testing';
import type { DestinationConfig, OutgoingEvent } from '../destination-adapter';
import { validateGa4Request } from './ga4.client';
import { Ga4Destination, ga4Grants } from './ga4.destination';
import { ga4Platform } from './ga4.platform';
import type { Ga4Credentials, Ga4Settings } from './ga4.schema';

const MEASUREMENT_ID = 'G-TEST123456';
const API_SECRET = 'mp-secret-1';
const destination: DestinationConfig<Ga4Settings, Ga4Credentials> = {
  tenantId: 't-1',
  platform: 'ga4',
  status: 'active',
  settings: { measurement_id: MEASUREMENT_ID },
  credentials: { api_secret: API_SECRET },
  testMode: false,
  rules: {},
};

function event(id: string, overrides: Partial<StoredEvent> = {}): StoredEvent {
  const now = Math.floor(Date.now() / 1000);
  return {
    id,
    tenantId: 't-1',
    eventId: `e-${id}`,
    eventName: 'Purchase',
    eventTime: now - 10,
    receivedAt: '',
    actionSource: 'website',
    sourceUrl: 'https://shop.example/',
    ipAddress: '203.0.113.9',
    userAgent: 'Mozilla/5.0',
    userData: { meta: { external_id: ['a'.repeat(64)] }, google: { sha256_email_address: ['b'.repeat(64)] } },
    clickIds: { ga_client_id: `GA1.1.${id}00.1700000000` },
    customData: { currency: 'EUR', value: 10, order_id: `o-${id}` },
    consent: { ad_user_data: 'granted', ad_personalization: 'denied' },
    traceId: null,
    ...overrides,
  };
}

/** Allowed by tenant policy: the mapper then reads the event's own Consent Mode values. */
const outgoing = (events: StoredEvent[]): OutgoingEvent[] =>
  events.map((e) => ({ event: e, consent: { allowed: true, basis: 'policy', adUserData: true, adPersonalization: true }, name: e.eventName, renamed: false }));

describe('ga4Grants', () => {
  it('forwards the consent decision, and nothing for an event allowed by policy alone', () => {
    expect(ga4Grants({ allowed: true, basis: 'consent', adUserData: false, adPersonalization: true })).toEqual({ adUserData: false, adPersonalization: true });
    expect(ga4Grants({ allowed: true, basis: 'policy', adUserData: true, adPersonalization: true })).toBeUndefined();
  });
});

describe('Ga4Destination against the fake Measurement Protocol', () => {
  let fake: FakeGa4;
  let ga4: Ga4Destination;

  beforeEach(async () => {
    fake = await new FakeGa4().allow(MEASUREMENT_ID, API_SECRET).start();
    ga4 = new Ga4Destination({ ga4Url: `${fake.baseUrl}/mp/collect`, timeoutMs: 2000 });
  });
  afterEach(() => fake.stop());

  it('has the GA4 shape: 25 events per send, retries stop an hour before 72 h', () => {
    expect(ga4Platform.id).toBe('ga4');
    expect(ga4Platform.limits.maxBatchSize).toBe(25);
    expect(ga4Platform.retryHorizonSeconds).toBe(71 * 3600);
  });

  it('sends one request per visitor and never an invalid payload', async () => {
    const shared = { clickIds: { ga_client_id: 'GA1.1.42.1700000000' } };
    const events = [event('1', shared), event('2'), event('3', { ...shared, eventName: 'AddToCart' }), event('4', { eventName: 'Contact form!' })];
    // Same second for the two events of visitor 42, so they share a request.
    events[2]!.eventTime = events[0]!.eventTime;
    const outcomes = await ga4.send(outgoing(events), destination);

    expect(outcomes.map((o) => [o.eventPk, o.kind])).toEqual([['1', 'sent'], ['2', 'sent'], ['3', 'sent'], ['4', 'sent']]);
    expect(fake.invalid).toEqual([]);
    expect(fake.unauthorised).toEqual([]);
    expect(fake.received).toHaveLength(3);
    expect(fake.eventsReceived().map((e) => [e.client_id, e.name]).sort()).toEqual([
      ['200.1700000000', 'purchase'],
      ['400.1700000000', 'Contact_form_'],
      ['42.1700000000', 'add_to_cart'],
      ['42.1700000000', 'purchase'],
    ]);
    expect(fake.received[0]!.body).toMatchObject({ consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' }, user_id: expect.any(String), ip_override: '203.0.113.9' });
  });

  it('rejects what GA4 would drop (PageView, older than 72 h) and sends the rest', async () => {
    const old = Math.floor(Date.now() / 1000) - 73 * 3600;
    const outcomes = await ga4.send(outgoing([event('1', { eventName: 'PageView' }), event('2'), event('3', { eventTime: old })]), destination);
    expect(outcomes).toEqual([
      { eventPk: '1', kind: 'rejected', statusCode: null, reason: expect.stringContaining('page_view') },
      { eventPk: '2', kind: 'sent', statusCode: 204 },
      { eventPk: '3', kind: 'rejected', statusCode: null, reason: expect.stringContaining('72 hours') },
    ]);
    expect(fake.eventsReceived()).toHaveLength(1);
  });

  it('retries only the events of a request answered 429 or 5xx', async () => {
    fake.replyNext({ status: 429 });
    const first = await ga4.send(outgoing([event('1'), event('2')]), destination);
    expect(first.filter((o) => o.kind === 'retry')).toHaveLength(1);
    expect(first.filter((o) => o.kind === 'sent')).toHaveLength(1);

    fake.replyNext({ status: 503, body: { error: 'unavailable' } });
    const second = await ga4.send(outgoing([event('3')]), destination);
    expect(second).toEqual([{ eventPk: '3', kind: 'retry', statusCode: 503, reason: 'HTTP 503: {"error":"unavailable"}' }]);
    expect(fake.failed.map((f) => f.status)).toEqual([429, 503]);
    expect(fake.invalid).toEqual([]);
  });

  it('cannot detect a wrong api_secret: the MP answers 2xx, the fake records it as unauthorised', async () => {
    const outcomes = await ga4.send(outgoing([event('1')]), { ...destination, credentials: { api_secret: 'wrong' } });
    expect(outcomes[0]).toMatchObject({ kind: 'sent' });
    expect(fake.received).toHaveLength(0);
    expect(fake.unauthorised).toHaveLength(1);
    expect(fake.invalid).toEqual([]);
  });

  // A destination whose stored values fail these never reaches the adapter: its events are parked.
  it('declares settings and credentials that refuse a missing or malformed measurement_id or api_secret', () => {
    for (const settings of [{}, { measurement_id: 'UA-1234-1' }]) expect(ga4Platform.settings.validate(settings).error?.message).toContain('measurement_id');
    for (const credentials of [{}, { api_secret: '' }]) expect(ga4Platform.credentials.validate(credentials).error?.message).toContain('api_secret');
    expect(ga4Platform.settings.validate({ measurement_id: 'g-abc123xyz' }).value).toEqual({ measurement_id: 'G-ABC123XYZ' });
  });

  it('turns an unreachable endpoint into retry', async () => {
    await fake.stop();
    const outcomes = await ga4.send(outgoing([event('1')]), destination);
    expect(outcomes).toEqual([{ eventPk: '1', kind: 'retry', statusCode: null, reason: 'network error' }]);
  });

  it('can ask the validation endpoint about a request (setup checks), which never reaches reports', async () => {
    const collect = `${fake.baseUrl}/mp/collect`;
    await expect(validateGa4Request({ collectUrl: collect, measurementId: MEASUREMENT_ID, apiSecret: 'any', timeoutMs: 1000 }, { client_id: '1.2', events: [{ name: 'purchase', params: { value: 1 } }] })).resolves.toEqual({
      ok: true,
      messages: [expect.objectContaining({ fieldPath: 'events[0].params.currency', validationCode: 'VALUE_REQUIRED' })],
    });
    await expect(validateGa4Request({ collectUrl: collect, measurementId: MEASUREMENT_ID, apiSecret: 'any', timeoutMs: 1000 }, { client_id: '1.2', events: [{ name: 'purchase', params: {} }] })).resolves.toEqual({ ok: true, messages: [] });
    expect(fake.validated).toHaveLength(2);
    expect(fake.received).toHaveLength(0);
  });

  it('in test mode asks the validation server instead, and reports its verdict per event', async () => {
    const test = { ...destination, testMode: true };
    const valid = await ga4.send(outgoing([event('1')]), test);
    expect(valid).toEqual([{ eventPk: '1', kind: 'sent', statusCode: 200 }]);
    expect(fake.validated).toHaveLength(1);
    expect(fake.received).toHaveLength(0);
    // What our mapper lets through the validation server may still refuse: its messages are the verdict.
    const urls: string[] = [];
    const validation = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ validationMessages: [{ fieldPath: 'events[0].params.items', description: 'Item requires item_id or item_name.', validationCode: 'VALUE_REQUIRED' }] }), { status: 200 });
    }) as unknown as typeof fetch;
    const refusing = new Ga4Destination({ ga4Url: 'https://ga4.test/mp/collect', timeoutMs: 1000 }, { fetch: validation });
    expect(await refusing.send(outgoing([event('2')]), test)).toEqual([
      { eventPk: '2', kind: 'rejected', statusCode: 200, reason: 'GA4 validation: VALUE_REQUIRED events[0].params.items: Item requires item_id or item_name.' },
    ]);
    expect(urls.map((u) => new URL(u).pathname)).toEqual(['/debug/mp/collect']);
  });

  it('sends the name a tenant rule chose', async () => {
    await ga4.send([{ ...outgoing([event('1')])[0]!, name: 'generate_lead', renamed: true }], destination);
    expect(fake.eventsReceived().map((e) => e.name)).toEqual(['generate_lead']);
  });

  it('delivers 25 events of 25 visitors, one outcome each', async () => {
    const events = Array.from({ length: 25 }, (_, i) => event(String(i + 1)));
    const outcomes = await ga4.send(outgoing(events), destination);
    expect(outcomes.map((o) => o.eventPk)).toEqual(events.map((e) => e.id));
    expect(outcomes.every((o) => o.kind === 'sent')).toBe(true);
    await fake.waitForEvents(25, 1000);
    expect(fake.received).toHaveLength(25);
    expect(fake.invalid).toEqual([]);
  });
});
