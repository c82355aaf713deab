import type { StoredEvent } from '@attribution/core';
import { FakeTiktok, TIKTOK_REPLIES } from '@attribution/testing';
import type { DestinationConfig, OutgoingEvent, SendOutcome } from '../destination-adapter';
import { TiktokDestination } from './tiktok.destination';
import { tiktokPlatform } from './tiktok.platform';
import type { TiktokCredentials, TiktokSettings } from './tiktok.schema';

const PIXEL = 'C4ABCDEFGH1234567890';
const TOKEN = 'tt-token-SECRET-9f8e7d';
const HASH = 'a'.repeat(64);
const live: DestinationConfig<TiktokSettings, TiktokCredentials> = {
  tenantId: 't-1',
  platform: 'tiktok',
  status: 'active',
  settings: { pixel_code: PIXEL, test_event_code: 'TEST12345' },
  credentials: { access_token: TOKEN },
  testMode: false,
  rules: {},
};
const testMode = { ...live, testMode: true };

function stored(id: string, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id, tenantId: 't-1', eventId: `e-${id}`, eventName: 'Purchase', eventTime: Math.floor(Date.now() / 1000) - 10, receivedAt: '', actionSource: 'website',
    sourceUrl: 'https://shop.example/thanks', ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0', userData: { tiktok: { email: [HASH] } },
    clickIds: { ttclid: 'E.C.P.abc', ttp: 'ttp-cookie-1' }, customData: { currency: 'EUR', value: 10 }, consent: null, traceId: null, ...overrides,
  };
}

const outgoing = (events: StoredEvent[], rename?: string): OutgoingEvent[] =>
  events.map((event) => ({ event, consent: { allowed: true, basis: 'consent', adUserData: true, adPersonalization: true }, name: rename ?? event.eventName, renamed: rename !== undefined }));

const kinds = (outcomes: SendOutcome[]) => outcomes.map((o) => [o.eventPk, o.kind]);

describe('TiktokDestination against the fake Events API', () => {
  let fake: FakeTiktok;
  let tiktok: TiktokDestination;

  beforeEach(async () => {
    fake = await new FakeTiktok().allow(PIXEL, TOKEN).start();
    tiktok = new TiktokDestination({ baseUrl: fake.env()['TIKTOK_EVENTS_URL']!, timeoutMs: 2000 });
  });
  afterEach(() => fake.stop());

  it('sends a batch in one request under TikTok names, never with the test code outside test mode', async () => {
    const events = [stored('1'), stored('2', { eventName: 'Lead' }), stored('3', { eventName: 'ViewContent' })];
    const outcomes = await tiktok.send(outgoing(events), live);
    // One request, so one request_id for all three.
    const requestId = outcomes[0]?.kind === 'sent' ? outcomes[0].requestId : undefined;
    expect(requestId).toMatch(/^fake-0-\w+$/);
    expect(outcomes).toEqual(['1', '2', '3'].map((pk) => ({ eventPk: pk, kind: 'sent', statusCode: 200, requestId })));
    expect(fake.invalid).toEqual([]);
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]!.testEventCode).toBeUndefined();
    expect(fake.testReceived).toEqual([]);
    expect(fake.eventsReceived().map((e) => e['event'])).toEqual(['CompletePayment', 'SubmitForm', 'ViewContent']);
    expect(fake.eventsReceived()[0]).toMatchObject({ event_id: 'e-1', user: { email: HASH, ttclid: 'E.C.P.abc', ttp: 'ttp-cookie-1', ip: '203.0.113.9' } });
  });

  it("keeps a tenant's rename, and TikTok counts a re-sent event once", async () => {
    await tiktok.send(outgoing([stored('1')], 'Purchase'), live);
    await tiktok.send(outgoing([stored('1')], 'Purchase'), live);
    await fake.waitForEvents(1, 1000);
    expect(fake.eventsReceived().map((e) => e['event'])).toEqual(['Purchase', 'Purchase']);
    expect(fake.uniqueEvents()).toEqual(new Set([`${PIXEL}|Purchase|e-1`]));
  });

  it('in test mode carries test_event_code and sends one event per request', async () => {
    const outcomes = await tiktok.send(outgoing([stored('1'), stored('2'), stored('3')]), testMode);
    expect(kinds(outcomes)).toEqual([['1', 'sent'], ['2', 'sent'], ['3', 'sent']]);
    expect(tiktokPlatform.limits.maxTestBatchSize).toBe(1);
    expect(fake.testReceived.map((r) => [r.testEventCode, r.data.length])).toEqual([['TEST12345', 1], ['TEST12345', 1], ['TEST12345', 1]]);
    expect(fake.received).toEqual([]);
    expect(fake.invalid).toEqual([]);
  });

  it('in test mode without a test event code sends nothing and says why', async () => {
    const outcomes = await tiktok.send(outgoing([stored('1')]), { ...testMode, settings: { pixel_code: PIXEL } });
    expect(outcomes).toEqual([{ eventPk: '1', kind: 'rejected', statusCode: null, reason: 'test mode needs the test_event_code setting' }]);
    expect(fake.rejected).toEqual([]);
  });

  it('parks on an auth error, retries a rate limit and a 5xx, and never puts the token in a reason', async () => {
    fake.replyNext(TIKTOK_REPLIES.authError(), TIKTOK_REPLIES.rateLimited(), TIKTOK_REPLIES.serverError(), TIKTOK_REPLIES.http503());
    const outcomes = [
      ...(await tiktok.send(outgoing([stored('1')]), live)),
      ...(await tiktok.send(outgoing([stored('2')]), live)),
      ...(await tiktok.send(outgoing([stored('3')]), live)),
      ...(await tiktok.send(outgoing([stored('4')]), live)),
    ];
    expect(kinds(outcomes)).toEqual([['1', 'auth'], ['2', 'retry'], ['3', 'retry'], ['4', 'retry']]);
    expect(outcomes[0]).toMatchObject({ statusCode: 200, reason: expect.stringMatching(/^code 40105: .*\(request_id fake-40105-\w+\)$/) });
    expect(JSON.stringify(outcomes)).not.toContain(TOKEN);
    expect(fake.received).toEqual([]);
  });

  it('a wrong token is refused by the fake and parked, without the token in the reason', async () => {
    const outcomes = await tiktok.send(outgoing([stored('1')]), { ...live, credentials: { access_token: 'wrong-token-123' } });
    expect(outcomes).toEqual([{ eventPk: '1', kind: 'auth', statusCode: 200, reason: expect.stringContaining('code 40105'), requestId: expect.stringMatching(/^fake-40105-/) }]);
    expect(JSON.stringify(outcomes)).not.toContain('wrong-token-123');
  });

  it('isolates the one event TikTok refuses so the rest of the batch is delivered', async () => {
    // A plain (unhashed) email is refused by the fake with 40002, failing its whole request.
    const events = ['1', '2', '3', '4', '5'].map((id) => stored(id));
    events[3] = stored('4', { userData: { tiktok: { email: [HASH], phone: [HASH] } }, clickIds: { ttclid: 'a'.repeat(64) } });
    const outcomes = await tiktok.send(outgoing(events), live);
    expect(kinds(outcomes)).toEqual([['1', 'sent'], ['2', 'sent'], ['3', 'sent'], ['4', 'rejected'], ['5', 'sent']]);
    expect(outcomes[3]).toMatchObject({ reason: expect.stringContaining('user.ttclid must not be hashed') });
    expect(fake.eventsReceived().map((e) => e['event_id']).sort()).toEqual(['e-1', 'e-2', 'e-3', 'e-5']);
  });

  it('rejects or skips what TikTok cannot take without a request, one outcome each', async () => {
    const old = Math.floor(Date.now() / 1000) - 8 * 24 * 3600;
    const nobody = { userData: {}, clickIds: {}, ipAddress: null, userAgent: null };
    const outcomes = await tiktok.send(outgoing([stored('1', { eventTime: old }), stored('2', nobody), stored('3')]), live);
    expect(outcomes).toEqual([
      { eventPk: '1', kind: 'rejected', statusCode: null, reason: 'event_time is older than 7 days' },
      { eventPk: '2', kind: 'skipped', statusCode: null, reason: expect.stringContaining('no TikTok matching key') },
      { eventPk: '3', kind: 'sent', statusCode: 200, requestId: expect.stringMatching(/^fake-0-/) },
    ]);
    expect(fake.received).toHaveLength(1);
  });

  it('turns an unreachable endpoint into retry', async () => {
    await fake.stop();
    expect(await tiktok.send(outgoing([stored('1')]), live)).toEqual([{ eventPk: '1', kind: 'retry', statusCode: null, reason: 'network error' }]);
  });

  it('declares settings and credentials that refuse what TikTok would not take', () => {
    expect(tiktokPlatform.settings.validate(live.settings).error).toBeUndefined();
    expect(tiktokPlatform.settings.validate({}).error?.message).toBe('"pixel_code" is required');
    expect(tiktokPlatform.settings.validate({ pixel_code: 'c4abcdefgh1234567890' }).error?.message).toContain('TikTok pixel code');
    expect(tiktokPlatform.settings.validate({ pixel_code: '1234567890' }).error).toBeDefined();
    expect(tiktokPlatform.credentials.validate({ access_token: TOKEN }).error).toBeUndefined();
    expect(tiktokPlatform.credentials.validate({ access_token: 'short' }).error).toBeDefined();
    expect(tiktokPlatform.retryHorizonSeconds).toBe(7 * 24 * 3600 - 3600);
    expect(tiktokPlatform.testMechanism).toMatchObject({ kind: 'test-event-code', setting: 'test_event_code' });
  });
});
