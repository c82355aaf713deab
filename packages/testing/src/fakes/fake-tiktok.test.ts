import { FakeTiktok, TIKTOK_REPLIES } from './fake-tiktok';
import { tiktokEventProblems, tiktokRequestProblems } from './tiktok-request-rules';

const NOW = 1_780_000_000;
const HASH = 'a'.repeat(64);
const PIXEL = 'C4ABCDEFGH1234567890';

function validEvent(): Record<string, unknown> {
  return {
    event: 'CompletePayment',
    event_time: NOW - 60,
    event_id: 'order-1',
    user: { email: HASH, phone: [HASH], external_id: HASH, ttclid: 'E.C.P.abc', ttp: '2F7h37Yk', ip: '2001:db8::1', user_agent: 'Mozilla/5.0' },
    page: { url: 'https://shop.example/thanks', referrer: 'https://shop.example/cart' },
    properties: { currency: 'EUR', value: 10, contents: [{ content_id: 'sku', quantity: 1, price: 10 }], content_type: 'product', query: 'shirt' },
  };
}

const eventProblems = (event: unknown) => tiktokEventProblems(event, 0, NOW);

describe('tiktokEventProblems', () => {
  it('accepts a well-formed web event, and a custom event name', () => {
    expect(eventProblems(validEvent())).toEqual([]);
    expect(eventProblems({ ...validEvent(), event: 'newsletter_signup' })).toEqual([]);
  });

  it.each<[string, (e: Record<string, unknown>) => void, string]>([
    ['missing event', (e) => delete e['event'], 'event is required'],
    ['standard name in the wrong case', (e) => (e['event'] = 'completepayment'), 'must be spelled CompletePayment'],
    ['event_time in milliseconds', (e) => (e['event_time'] = NOW * 1000), 'seconds, not milliseconds'],
    ['event_time as a string', (e) => (e['event_time'] = String(NOW)), 'event_time must be an integer'],
    ['event older than 7 days', (e) => (e['event_time'] = NOW - 7 * 24 * 3600 - 1), 'more than 7 days in the past'],
    ['event in the future', (e) => (e['event_time'] = NOW + 3600), 'in the future'],
    ['empty event_id', (e) => (e['event_id'] = ''), 'event_id must be a non-empty string'],
    ['missing user', (e) => delete e['user'], 'user is required'],
    ['empty user', (e) => (e['user'] = {}), 'at least one matching key'],
    ['raw email', (e) => (e['user'] = { email: 'jane@example.com' }), 'user.email must be SHA-256 lowercase hex'],
    ['uppercase hash', (e) => (e['user'] = { phone: 'A'.repeat(64) }), 'user.phone must be SHA-256 lowercase hex'],
    ['hashed ttclid', (e) => (e['user'] = { ttclid: HASH }), 'user.ttclid must not be hashed'],
    ['hashed IP', (e) => (e['user'] = { ip: HASH }), 'user.ip must not be hashed'],
    ['bad IP', (e) => (e['user'] = { ip: '10.0.0.0/8' }), 'user.ip must be a plain IPv4 or IPv6 address'],
    ['Meta key in user', (e) => (e['user'] = { em: HASH }), 'user.em is not a user parameter'],
    ['unknown event key', (e) => (e['event_name'] = 'x'), 'event_name is not an event parameter'],
    ['page url not a URL', (e) => (e['page'] = { url: 'shop.example' }), 'page.url must be an http(s) URL'],
    ['lowercase currency', (e) => (e['properties'] = { currency: 'eur' }), 'properties.currency must be an ISO 4217 code'],
    ['value without currency', (e) => (e['properties'] = { value: 1 }), 'properties.value needs properties.currency'],
    ['bad content_type', (e) => (e['properties'] = { content_type: 'service' }), 'content_type must be product or product_group'],
    ['zero quantity', (e) => (e['properties'] = { contents: [{ content_id: 'a', quantity: 0 }] }), 'quantity must be a positive integer'],
    ['Meta custom_data key', (e) => (e['properties'] = { num_items: 2 }), 'properties.num_items is not a property'],
  ])('%s', (_label, mutate, expected) => {
    const event = validEvent();
    mutate(event);
    expect(eventProblems(event).join('\n')).toContain(expected);
  });
});

describe('tiktokRequestProblems', () => {
  const request = (overrides: Record<string, unknown> = {}) => ({ event_source: 'web', event_source_id: PIXEL, data: [validEvent()], ...overrides });

  it('accepts a live request and a one-event test request', () => {
    expect(tiktokRequestProblems(request())).toEqual([]);
    expect(tiktokRequestProblems(request({ test_event_code: 'TEST123' }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another event source', { event_source: 'app' }, 'event_source must be "web"'],
    ['a Meta pixel id', { event_source_id: '123456789012345' }, 'event_source_id must be a pixel code'],
    ['no events', { data: [] }, 'data must be a non-empty array'],
    ['1001 events', { data: Array.from({ length: 1001 }, validEvent) }, 'at most 1000 events'],
    ['two test events in one request', { test_event_code: 'TEST123', data: [validEvent(), validEvent()] }, 'one per request'],
    ['a token in the body', { access_token: 'x' }, 'access_token is not a request parameter'],
  ])('refuses %s', (_label, overrides, expected) => {
    expect(tiktokRequestProblems(request(overrides)).join('\n')).toContain(expected);
  });
});

describe('FakeTiktok', () => {
  let fake: FakeTiktok;
  const post = (body: unknown, headers: Record<string, string> = { 'Access-Token': 'tok-1' }, path = '/open_api/v1.3/event/track/') =>
    fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: number; request_id: string } }));
  const now = () => Math.floor(Date.now() / 1000);
  const event = (id: string) => ({ ...validEvent(), event_time: now() - 5, event_id: id });

  beforeEach(async () => {
    fake = await new FakeTiktok().allow(PIXEL, 'tok-1').start();
  });
  afterEach(() => fake.stop());

  it('points TIKTOK_EVENTS_URL at itself and answers code 0 with a request_id', async () => {
    expect(fake.env()).toEqual({ TIKTOK_EVENTS_URL: `${fake.baseUrl}/open_api/v1.3` });
    const answer = await post({ event_source: 'web', event_source_id: PIXEL, data: [event('1'), event('2')] });
    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ code: 0, request_id: expect.any(String) }) });
    await fake.waitForEvents(2, 1000);
    expect(fake.eventsReceived().map((e) => e['event_id'])).toEqual(['1', '2']);
  });

  it('answers HTTP 200 with 40104 / 40105 for a missing or unregistered token, and records nothing', async () => {
    const body = { event_source: 'web', event_source_id: PIXEL, data: [event('1')] };
    expect((await post(body, {})).body.code).toBe(40104);
    expect(await post(body, { 'Access-Token': 'other' })).toMatchObject({ status: 200, body: { code: 40105 } });
    expect(fake.received).toEqual([]);
  });

  it('fails the whole request for one bad event (40002) and lists why in invalid', async () => {
    const answer = await post({ event_source: 'web', event_source_id: PIXEL, data: [event('1'), { ...event('2'), user: { email: 'jane@example.com' } }] });
    expect(answer.body.code).toBe(40002);
    expect(fake.received).toEqual([]);
    expect(fake.invalid[0]!.problems).toEqual(['data[1]: user.email must be SHA-256 lowercase hex']);
  });

  it('keeps test events apart, and counts live events deduplicated on (pixel, event, event_id)', async () => {
    await post({ event_source: 'web', event_source_id: PIXEL, data: [event('1')], test_event_code: 'TEST1' });
    await post({ event_source: 'web', event_source_id: PIXEL, data: [event('2'), event('2')] });
    await fake.waitForEvents(2, 1000);
    expect(fake.testEventsReceived().map((e) => [e['event_id'], e.testEventCode])).toEqual([['1', 'TEST1']]);
    expect(fake.eventsReceived()).toHaveLength(2);
    expect(fake.uniqueEvents()).toEqual(new Set([`${PIXEL}|CompletePayment|2`]));
  });

  it('refuses another path, and plays scripted replies first', async () => {
    expect((await post({}, {}, '/open_api/v1.3/pixel/track/')).status).toBe(404);
    fake.replyNext(TIKTOK_REPLIES.rateLimited(), TIKTOK_REPLIES.serverError());
    const body = { event_source: 'web', event_source_id: PIXEL, data: [event('1')] };
    expect((await post(body)).body.code).toBe(40100);
    expect((await post(body)).body.code).toBe(50000);
    expect((await post(body)).body.code).toBe(0);
    expect(fake.rejected.map((r) => r.status)).toEqual([404, 200, 200]);
  });

  it('gives up waiting with a count, not a hang', async () => {
    await expect(fake.waitForEvents(1, 50)).rejects.toThrow('fake TikTok accepted 0 of 1 events');
  });
});
