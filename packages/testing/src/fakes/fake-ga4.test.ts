import { FakeGa4 } from './fake-ga4';
import { ga4RequestProblems, type Ga4ValidationMessage } from './ga4-request-rules';

const NOW_MICROS = 1_780_000_000 * 1_000_000;
const HASH = 'a'.repeat(64);

function valid(): Record<string, unknown> {
  return {
    client_id: '123.456',
    user_id: 'u-1',
    timestamp_micros: NOW_MICROS - 1_000_000,
    consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' },
    user_data: { sha256_email_address: [HASH], sha256_phone_number: [HASH], address: [{ sha256_first_name: HASH, city: 'paris', country: 'FR' }] },
    ip_override: '2001:db8::1',
    events: [{ name: 'purchase', params: { currency: 'EUR', value: 1, transaction_id: 't', items: [{ item_id: 'sku', quantity: 1, price: 2 }], session_id: '1700000000', engagement_time_msec: 1 } }],
  };
}

const problems = (body: unknown) => ga4RequestProblems(body, { nowMicros: NOW_MICROS });
const codes = (messages: Ga4ValidationMessage[]) => messages.map((m) => `${m.fieldPath} ${m.validationCode}`);

describe('ga4RequestProblems', () => {
  it('accepts a well-formed request', () => {
    expect(problems(valid())).toEqual([]);
  });

  it.each<[string, (b: Record<string, unknown>) => void, string]>([
    ['missing client_id', (b) => delete b['client_id'], 'client_id VALUE_REQUIRED'],
    ['empty client_id', (b) => (b['client_id'] = ''), 'client_id VALUE_INVALID'],
    ['app_instance_id on a web stream', (b) => (b['app_instance_id'] = 'x'), 'app_instance_id VALUE_INVALID'],
    ['unknown top-level key', (b) => (b['user_agent'] = 'Mozilla'), 'user_agent NAME_INVALID'],
    ['user_data without user_id', (b) => delete b['user_id'], 'user_id VALUE_REQUIRED'],
    ['user_id with a lone surrogate', (b) => (b['user_id'] = 'a\uD800b'), 'user_id VALUE_INVALID'],
    ['timestamp older than 72 h', (b) => (b['timestamp_micros'] = NOW_MICROS - 72 * 3600 * 1e6 - 1), 'timestamp_micros VALUE_OUT_OF_BOUNDS'],
    ['timestamp in the future', (b) => (b['timestamp_micros'] = NOW_MICROS + 120 * 1e6), 'timestamp_micros VALUE_OUT_OF_BOUNDS'],
    ['timestamp in milliseconds', (b) => (b['timestamp_micros'] = Math.floor(NOW_MICROS / 1000)), 'timestamp_micros VALUE_INVALID'],
    ['consent in lowercase', (b) => (b['consent'] = { ad_user_data: 'granted' }), 'consent.ad_user_data VALUE_INVALID'],
    ['unknown consent key', (b) => (b['consent'] = { ad_storage: 'GRANTED' }), 'consent.ad_storage NAME_INVALID'],
    ['uppercase hash', (b) => (b['user_data'] = { sha256_email_address: ['A'.repeat(64)] }), 'user_data.sha256_email_address[0] VALUE_INVALID'],
    ['raw email', (b) => (b['user_data'] = { sha256_email_address: ['jane@example.com'] }), 'user_data.sha256_email_address[0] VALUE_INVALID'],
    ['4 emails', (b) => (b['user_data'] = { sha256_email_address: [HASH, HASH, HASH, HASH] }), 'user_data.sha256_email_address EXCEEDED_MAX_ENTITIES'],
    ['4 phones', (b) => (b['user_data'] = { sha256_phone_number: [HASH, HASH, HASH, HASH] }), 'user_data.sha256_phone_number EXCEEDED_MAX_ENTITIES'],
    ['3 addresses', (b) => (b['user_data'] = { address: [{ city: 'a' }, { city: 'b' }, { city: 'c' }] }), 'user_data.address EXCEEDED_MAX_ENTITIES'],
    ['hashed city', (b) => (b['user_data'] = { address: [{ city: HASH }] }), 'user_data.address[0].city VALUE_INVALID'],
    ['plain first name', (b) => (b['user_data'] = { address: [{ sha256_first_name: 'jane' }] }), 'user_data.address[0].sha256_first_name VALUE_INVALID'],
    ['country name', (b) => (b['user_data'] = { address: [{ country: 'France' }] }), 'user_data.address[0].country VALUE_INVALID'],
    ['unknown user_data key', (b) => (b['user_data'] = { em: [HASH] }), 'user_data.em NAME_INVALID'],
    ['empty user_data', (b) => (b['user_data'] = {}), 'user_data VALUE_INVALID'],
    ['bad ip_override', (b) => (b['ip_override'] = '10.0.0.0/8'), 'ip_override VALUE_INVALID'],
    ['no events', (b) => (b['events'] = []), 'events VALUE_INVALID'],
    ['missing events', (b) => delete b['events'], 'events VALUE_REQUIRED'],
    ['26 events', (b) => (b['events'] = Array.from({ length: 26 }, () => ({ name: 'x' }))), 'events EXCEEDED_MAX_ENTITIES'],
    ['reserved event name', (b) => (b['events'] = [{ name: 'page_view' }]), 'events[0].name NAME_RESERVED'],
    ['reserved event name, other case', (b) => (b['events'] = [{ name: 'Session_Start' }]), 'events[0].name NAME_RESERVED'],
    ['reserved event prefix', (b) => (b['events'] = [{ name: 'google_x' }]), 'events[0].name NAME_RESERVED'],
    ['event name with a space', (b) => (b['events'] = [{ name: 'my event' }]), 'events[0].name NAME_INVALID'],
    ['event name starting with a digit', (b) => (b['events'] = [{ name: '1event' }]), 'events[0].name NAME_INVALID'],
    ['event name of 41 chars', (b) => (b['events'] = [{ name: 'e'.repeat(41) }]), 'events[0].name VALUE_OUT_OF_BOUNDS'],
    ['missing event name', (b) => (b['events'] = [{ params: {} }]), 'events[0].name VALUE_REQUIRED'],
    ['per-event timestamp', (b) => (b['events'] = [{ name: 'x', timestamp_micros: NOW_MICROS }]), 'events[0].timestamp_micros NAME_INVALID'],
    ['26 params', (b) => (b['events'] = [{ name: 'x', params: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i])) }]), 'events[0].params EXCEEDED_MAX_ENTITIES'],
    ['reserved param', (b) => (b['events'] = [{ name: 'x', params: { gclid: 'abc' } }]), 'events[0].params.gclid NAME_RESERVED'],
    ['reserved param prefix', (b) => (b['events'] = [{ name: 'x', params: { ga_x: 1 } }]), 'events[0].params.ga_x NAME_RESERVED'],
    ['gtag. prefix', (b) => (b['events'] = [{ name: 'x', params: { 'gtag.x': 1 } }]), 'events[0].params.gtag.x NAME_RESERVED'],
    ['param of 41 chars', (b) => (b['events'] = [{ name: 'x', params: { ['p'.repeat(41)]: 1 } }]), `events[0].params.${'p'.repeat(41)} VALUE_OUT_OF_BOUNDS`],
    ['value of 101 chars', (b) => (b['events'] = [{ name: 'x', params: { p: 'v'.repeat(101) } }]), 'events[0].params.p VALUE_OUT_OF_BOUNDS'],
    ['boolean value', (b) => (b['events'] = [{ name: 'x', params: { p: true } }]), 'events[0].params.p VALUE_INVALID'],
    ['object value', (b) => (b['events'] = [{ name: 'x', params: { p: { a: 1 } } }]), 'events[0].params.p VALUE_INVALID'],
    ['value without currency', (b) => (b['events'] = [{ name: 'x', params: { value: 1 } }]), 'events[0].params.currency VALUE_REQUIRED'],
    ['lowercase currency', (b) => (b['events'] = [{ name: 'x', params: { currency: 'eur' } }]), 'events[0].params.currency VALUE_INVALID'],
    ['session_id not numeric', (b) => (b['events'] = [{ name: 'x', params: { session_id: 'abc' } }]), 'events[0].params.session_id VALUE_INVALID'],
    ['item without id or name', (b) => (b['events'] = [{ name: 'x', params: { items: [{ price: 1 }] } }]), 'events[0].params.items[0] VALUE_REQUIRED'],
    ['item id of 101 chars', (b) => (b['events'] = [{ name: 'x', params: { items: [{ item_id: 'i'.repeat(101) }] } }]), 'events[0].params.items[0].item_id VALUE_OUT_OF_BOUNDS'],
    ['11 custom item params', (b) => (b['events'] = [{ name: 'x', params: { items: [{ item_id: 'i', ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`c${i}`, i])) }] } }]), 'events[0].params.items[0] EXCEEDED_MAX_ENTITIES'],
    ['reserved user property', (b) => (b['user_properties'] = { first_open_time: { value: 1 } }), 'user_properties.first_open_time NAME_RESERVED'],
    ['user property value of 37 chars', (b) => (b['user_properties'] = { plan: { value: 'p'.repeat(37) } }), 'user_properties.plan.value VALUE_OUT_OF_BOUNDS'],
  ])('%s', (_label, mutate, expected) => {
    const body = valid();
    mutate(body);
    expect(codes(problems(body))).toContain(expected);
  });

  it('refuses bodies of 130 kB or more', () => {
    expect(codes(ga4RequestProblems(valid(), { nowMicros: NOW_MICROS, bodyBytes: 130_000 }))).toContain(' VALUE_OUT_OF_BOUNDS');
    expect(ga4RequestProblems(valid(), { nowMicros: NOW_MICROS, bodyBytes: 129_999 })).toEqual([]);
  });

  it('refuses a body that is not an object', () => {
    expect(codes(problems([]))).toEqual([' VALUE_INVALID']);
  });
});

describe('FakeGa4', () => {
  let fake: FakeGa4;
  beforeEach(async () => {
    fake = await new FakeGa4().allow('G-FAKE1', 'secret').start();
  });
  afterEach(() => fake.stop());

  const post = (path: string, body: unknown, query = 'measurement_id=G-FAKE1&api_secret=secret', contentType = 'application/json') =>
    fetch(`${fake.baseUrl}${path}?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const fresh = () => ({ ...valid(), timestamp_micros: Date.now() * 1000 - 1_000_000 });

  it('answers 204 on /mp/collect and counts only valid, authorised requests as received', async () => {
    expect((await post('/mp/collect', fresh())).status).toBe(204);
    await fake.waitForEvents(1, 1000);
    expect(fake.eventsReceived()).toEqual([expect.objectContaining({ name: 'purchase', client_id: '123.456', measurementId: 'G-FAKE1', user_id: 'u-1' })]);
    expect(fake.invalid).toEqual([]);
    expect(fake.unauthorised).toEqual([]);
  });

  it('answers 204 to an invalid payload like the real API, but records it as invalid', async () => {
    const response = await post('/mp/collect', { events: [{ name: 'page_view' }] });
    expect(response.status).toBe(204);
    expect(fake.received).toEqual([]);
    expect(fake.invalid).toHaveLength(1);
    expect(codes(fake.invalid[0]!.messages)).toEqual(['client_id VALUE_REQUIRED', 'events[0].name NAME_RESERVED']);
    expect((await post('/mp/collect', 'not json')).status).toBe(204);
    expect((await post('/mp/collect', fresh(), undefined, 'text/plain')).status).toBe(204);
    expect(fake.invalid).toHaveLength(3);
  });

  it('answers 204 to a wrong measurement_id/api_secret pair, recorded as unauthorised', async () => {
    expect((await post('/mp/collect', fresh(), 'measurement_id=G-FAKE1&api_secret=wrong')).status).toBe(204);
    expect((await post('/mp/collect', fresh(), 'measurement_id=G-OTHER&api_secret=secret')).status).toBe(204);
    expect((await post('/mp/collect', fresh(), '')).status).toBe(204);
    expect(fake.unauthorised.map((u) => [u.measurementId, u.apiSecret])).toEqual([['G-FAKE1', 'wrong'], ['G-OTHER', 'secret'], ['', '']]);
    expect(fake.received).toEqual([]);
  });

  it('returns validationMessages on /debug/mp/collect, without checking credentials', async () => {
    const bad = await post('/debug/mp/collect', { client_id: '1.2', user_data: { sha256_email_address: [HASH] }, events: [{ name: 'x', params: { value: 3 } }] }, 'measurement_id=G-X&api_secret=nope');
    expect(bad.status).toBe(200);
    expect(await bad.json()).toEqual({
      validationMessages: [
        { fieldPath: 'user_id', description: 'user_id must be present whenever user_data is provided.', validationCode: 'VALUE_REQUIRED' },
        { fieldPath: 'events[0].params.currency', description: 'currency is required when value is set.', validationCode: 'VALUE_REQUIRED' },
      ],
    });
    const good = await post('/debug/mp/collect', fresh(), 'measurement_id=G-X&api_secret=nope');
    expect(await good.json()).toEqual({ validationMessages: [] });
    expect(fake.validated).toHaveLength(2);
    expect(fake.received.length + fake.invalid.length + fake.unauthorised.length).toBe(0);
  });

  it('plays scripted replies first, then behaves again', async () => {
    fake.replyNext({ status: 429 }, { status: 500, body: { error: 'boom' } });
    expect((await post('/mp/collect', fresh())).status).toBe(429);
    const second = await post('/mp/collect', fresh());
    expect(second.status).toBe(500);
    expect(await second.json()).toEqual({ error: 'boom' });
    expect((await post('/mp/collect', fresh())).status).toBe(204);
    expect(fake.failed.map((f) => f.status)).toEqual([429, 500]);
    expect(fake.received).toHaveLength(1);
  });

  it('scripts and delays replies per measurement id', async () => {
    fake.allow('G-OTHER', 'secret').replyNextFor('G-OTHER', { status: 503 }).delayFor('G-OTHER', 300);
    const timed = async (query: string) => {
      const started = Date.now();
      const { status } = await post('/mp/collect', fresh(), query);
      return { status, ms: Date.now() - started };
    };
    const other = await timed('measurement_id=G-OTHER&api_secret=secret');
    const own = await timed('measurement_id=G-FAKE1&api_secret=secret');
    expect(other).toEqual({ status: 503, ms: expect.any(Number) });
    expect(other.ms).toBeGreaterThanOrEqual(290);
    expect(own.status).toBe(204);
    expect(own.ms).toBeLessThan(other.ms);
    expect((await timed('measurement_id=G-OTHER&api_secret=secret')).status).toBe(204);
    expect(fake.received.map((r) => r.measurementId)).toEqual(['G-FAKE1', 'G-OTHER']);
  });

  it('only serves POST on the two MP paths', async () => {
    expect((await fetch(`${fake.baseUrl}/mp/collect`)).status).toBe(405);
    expect((await post('/collect', fresh())).status).toBe(404);
  });

  it('times out waitForEvents with a hint about invalid requests', async () => {
    await post('/mp/collect', { client_id: '1.2', events: [{ name: 'first_visit' }] });
    await expect(fake.waitForEvents(1, 50)).rejects.toThrow('fake GA4 received 0 of 1 events (invalid requests: 1, unauthorised: 0)');
  });
});
