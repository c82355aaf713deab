/**
 * Google Ads (Data Manager API) and TikTok through the whole dispatcher: real Kafka and
 * PostgreSQL, the strict fakes of the Data Manager API, Google's token endpoint and TikTok's
 * Events API. Each test uses its own tenant; the fakes are shared.
 */
import type { StoredEvent } from '@attribution/core';
import { DeliveryRepository, sealDestinationCredentials, type Db, type Prisma } from '@attribution/db';
import { hashUserData } from '@attribution/destinations';
import { FakeDataManager, FakeTiktok, insertStoredEvents, seedDestination, seedTenant, TEST_CREDENTIALS_KEY, tiktokReply, waitUntil } from '@attribution/testing';
import { replayDeliveries } from '@attribution/cli';
import { startTestDispatcher, type TestDispatcher } from '../test/dispatcher-harness';

const PERSON = hashUserData({ email: 'Jane.Doe+ads@gmail.com', phone: '+1 415 555 2671', first_name: 'Jane', last_name: 'Doe', country: 'US', zip: '94043' });
/** As ingest stores it: the same hashes, as a JSON column. */
const STORED_PERSON = PERSON as unknown as Prisma.InputJsonObject;
const GRANTED = { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' };
const TIKTOK_PIXEL = 'CABCDEFGHIJ1234567890';

describe('Google Ads and TikTok through Kafka (real Kafka and PostgreSQL, strict fakes)', () => {
  let dispatcher: TestDispatcher;
  let db: Db;
  const google = new FakeDataManager();
  const tiktok = new FakeTiktok();
  let googleClients = 0;

  beforeAll(async () => {
    await google.start();
    await tiktok.start();
    dispatcher = await startTestDispatcher({ ...google.env(), ...tiktok.env() });
    db = dispatcher.db;
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await google.stop();
    await tiktok.stop();
  });

  const publish = (events: StoredEvent[]) => dispatcher.publish(events);

  const statuses = async (events: StoredEvent[], platform: string) =>
    Promise.all(events.map(async (e) => (await db.delivery.findUnique({ where: { eventPk_destination_eventReceivedAt: { eventPk: BigInt(e.id), destination: platform, eventReceivedAt: e.receivedAt } } }))?.status));
  const waitForStatus = (events: StoredEvent[], platform: string, status: string) =>
    waitUntil(async () => (await statuses(events, platform)).every((s) => s === status), `${events.length} ${platform} deliveries to be ${status}`);

  /** A tenant with a Google Ads destination whose OAuth client the fake knows. */
  async function googleAdsTenant(settings: Record<string, string> = {}, extra: { testMode?: boolean; eventRules?: { only?: string[]; rename?: Record<string, string> } } = {}) {
    const { tenant } = await seedTenant(db, { consentPolicy: 'block' });
    googleClients += 1;
    const credentials = { client_id: `client-${googleClients}.apps.googleusercontent.com`, client_secret: `secret-${googleClients}-abcdef`, refresh_token: `1//refresh-${googleClients}-abcdef` };
    google.oauth.allow(credentials.client_id, credentials.client_secret, credentials.refresh_token);
    const customerId = String(1_000_000_000 + googleClients);
    await seedDestination(db, tenant.id, 'google_ads', { settings: { customer_id: customerId, conversion_actions: 'Purchase=111,Lead=222,Signup=333', ...settings }, credentials, ...extra });
    return { tenant, credentials, customerId };
  }

  const conversions = (customerId: string) => google.eventsIngested().filter((e) => e.customerId === customerId);

  it('Google Ads: a consented conversion arrives once with its click id and hashed identifiers; denied consent sends nothing; one with nothing to attribute it by is skipped', async () => {
    const { tenant, customerId } = await googleAdsTenant();
    const [consented] = await insertStoredEvents(db, tenant.id, 1, { userData: STORED_PERSON, clickIds: { gclid: 'Cj0KCQ-test-gclid' }, consent: GRANTED });
    const [denied] = await insertStoredEvents(db, tenant.id, 1, { userData: STORED_PERSON, clickIds: { gclid: 'Cj0KCQ-other' }, consent: { ...GRANTED, ad_storage: 'denied' } });
    const [noUserData] = await insertStoredEvents(db, tenant.id, 1, { userData: STORED_PERSON, clickIds: { gclid: 'Cj0KCQ-third' }, consent: { ...GRANTED, ad_user_data: 'denied' } });
    const [anonymous] = await insertStoredEvents(db, tenant.id, 1, { userData: {}, clickIds: {}, consent: GRANTED });
    await publish([consented!, denied!, noUserData!, anonymous!]);
    await waitForStatus([consented!, noUserData!], 'google_ads', 'sent');
    await waitForStatus([denied!], 'google_ads', 'blocked_consent');
    await waitForStatus([anonymous!], 'google_ads', 'skipped');

    const sent = conversions(customerId);
    expect(sent.map((e) => e.transactionId).sort()).toEqual([consented!.eventId, noUserData!.eventId].sort());
    const full = sent.find((e) => e.transactionId === consented!.eventId)!;
    const stored = PERSON.google_ads;
    expect(full).toMatchObject({
      conversionActionId: '111',
      adIdentifiers: { gclid: 'Cj0KCQ-test-gclid' },
      eventSource: 'WEB',
      currency: 'EUR',
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
      userData: { userIdentifiers: expect.arrayContaining([{ emailAddress: stored.sha256_email![0] }, { phoneNumber: stored.sha256_phone![0] }]) }
    });
    // No ad_user_data grant: the click id goes, no identifier does.
    const clickOnly = sent.find((e) => e.transactionId === noUserData!.eventId)!;
    expect(clickOnly['userData']).toBeUndefined();
    expect(clickOnly).toMatchObject({ consent: { adUserData: 'CONSENT_DENIED' } });
    const skipped = await db.delivery.findFirstOrThrow({ where: { eventPk: BigInt(anonymous!.id), destination: 'google_ads' } });
    expect(skipped.lastError).toMatch(/^cannot be attributed/);
    expect(google.invalid).toEqual([]);
  });

  it('Google Ads: a refused refresh token parks the deliveries and marks the destination; after new credentials a replay sends each once', async () => {
    const { tenant, credentials, customerId } = await googleAdsTenant();
    google.oauth.revoke(credentials.refresh_token);
    const events = await insertStoredEvents(db, tenant.id, 2, { userData: STORED_PERSON, clickIds: { gclid: 'Cj0KCQ-parked' }, consent: GRANTED });
    await publish(events);
    await waitForStatus(events, 'google_ads', 'parked');
    await waitUntil(async () => (await db.destination.findFirst({ where: { tenantId: tenant.id } }))?.status === 'needs_credentials', 'the destination to need credentials');
    expect(dispatcher.logs()).not.toContain(credentials.refresh_token);
    expect(dispatcher.logs()).not.toContain(credentials.client_secret);

    const renewed = { ...credentials, refresh_token: '1//refresh-renewed-abcdef' };
    google.oauth.allow(renewed.client_id, renewed.client_secret, renewed.refresh_token);
    await db.destination.updateMany({ where: { tenantId: tenant.id }, data: { status: 'active', credentialsEncrypted: sealDestinationCredentials(tenant.id, 'google_ads', renewed, TEST_CREDENTIALS_KEY) } });
    const producer = dispatcher.transport.createProducer();
    await producer.connect();
    const { replayed } = await replayDeliveries({ deliveries: new DeliveryRepository(db), producer, topics: dispatcher.config.topics }, { tenantId: tenant.id, statuses: ['parked'] });
    await producer.disconnect();
    expect(replayed).toBe(2);
    await waitForStatus(events, 'google_ads', 'sent');
    expect(conversions(customerId).map((e) => e.transactionId).sort()).toEqual(events.map((e) => e.eventId).sort());
  });

  it("Google Ads: a burst queues behind the destination's request rate instead of collecting 429s from the quota", async () => {
    // 12 requests a minute: one every 5 s, no burst. The fake's quota (2 in any 6 s) refuses
    // three requests at once, so only the limiter's spacing gets all three through first time.
    const { tenant, customerId } = await googleAdsTenant({ requests_per_minute: '12' });
    google.limitRequests(2, 6_000);
    try {
      const burst = [
        ...(await insertStoredEvents(db, tenant.id, 1, { eventName: 'Purchase', userData: STORED_PERSON, consent: GRANTED })),
        ...(await insertStoredEvents(db, tenant.id, 1, { eventName: 'Lead', userData: STORED_PERSON, consent: GRANTED })),
        ...(await insertStoredEvents(db, tenant.id, 1, { eventName: 'Signup', userData: STORED_PERSON, consent: GRANTED })),
      ];
      await publish(burst);
      await waitForStatus(burst, 'google_ads', 'sent');
      expect(google.overQuota).toEqual([]);
      expect(conversions(customerId).map((e) => e.conversionActionId).sort()).toEqual(['111', '222', '333']);
      const rows = await db.delivery.findMany({ where: { tenantId: tenant.id } });
      expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1]);
    } finally {
      google.limitRequests(Number.MAX_SAFE_INTEGER, 1);
    }
  });

  it('Google Ads: a 429 from Google is retried through the retry tiers and delivered once', async () => {
    const { tenant, customerId } = await googleAdsTenant();
    google.replyNext({ status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } } });
    const [event] = await insertStoredEvents(db, tenant.id, 1, { userData: STORED_PERSON, consent: GRANTED });
    await publish([event!]);
    await waitForStatus([event!], 'google_ads', 'sent');
    expect((await db.delivery.findFirstOrThrow({ where: { eventPk: BigInt(event!.id) } })).attempts).toBe(2);
    expect(conversions(customerId)).toHaveLength(1);
  });

  it('Google Ads: rules filter and rename, and test mode sends validateOnly (nothing ingested)', async () => {
    const { tenant, customerId } = await googleAdsTenant({}, { testMode: true, eventRules: { only: ['Subscribe', 'Purchase'], rename: { Subscribe: 'Signup' } } });
    const [subscribe] = await insertStoredEvents(db, tenant.id, 1, { eventName: 'Subscribe', userData: STORED_PERSON, consent: GRANTED });
    const [pageView] = await insertStoredEvents(db, tenant.id, 1, { eventName: 'PageView', userData: STORED_PERSON, consent: GRANTED });
    await publish([subscribe!, pageView!]);
    await waitForStatus([subscribe!], 'google_ads', 'sent');
    await waitForStatus([pageView!], 'google_ads', 'filtered');
    const validated = google.validated.filter((r) => r.body.destinations[0]!.operatingAccount.accountId === customerId);
    expect(validated).toHaveLength(1);
    // Renamed to Signup, so it went to Signup's conversion action.
    expect(validated[0]!.body).toMatchObject({ validateOnly: true, destinations: [{ productDestinationId: '333' }], events: [{ transactionId: subscribe!.eventId }] });
    expect(conversions(customerId)).toEqual([]);
  });

  async function tiktokTenant(extra: { testMode?: boolean; eventRules?: { only?: string[]; rename?: Record<string, string> }; token?: string } = {}) {
    const { tenant } = await seedTenant(db, { consentPolicy: 'block' });
    const token = extra.token ?? `tt-token-${tenant.id.slice(0, 8)}`;
    const pixel = `${TIKTOK_PIXEL.slice(0, 13)}${tenant.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
    tiktok.allow(pixel, token);
    await seedDestination(db, tenant.id, 'tiktok', { settings: { pixel_code: pixel, test_event_code: 'TEST31415' }, credentials: { access_token: token }, testMode: extra.testMode, eventRules: extra.eventRules });
    return { tenant, pixel, token };
  }

  it('TikTok: a consented event arrives once under its standard name with ttclid, ttp and hashed identifiers; denied consent sends nothing', async () => {
    const { tenant, pixel } = await tiktokTenant();
    const [consented] = await insertStoredEvents(db, tenant.id, 1, { userData: STORED_PERSON, clickIds: { ttclid: 'E.C.P.test-ttclid', ttp: 'ttp-cookie-123' }, consent: GRANTED });
    const [denied] = await insertStoredEvents(db, tenant.id, 1, { userData: STORED_PERSON, consent: { ...GRANTED, ad_user_data: 'denied' } });
    await publish([consented!, denied!]);
    await waitForStatus([consented!], 'tiktok', 'sent');
    await waitForStatus([denied!], 'tiktok', 'blocked_consent');
    const received = tiktok.eventsReceived().filter((e) => e.pixelCode === pixel);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      event: 'CompletePayment',
      event_id: consented!.eventId,
      user: { email: PERSON.tiktok.email![0], phone: PERSON.tiktok.phone![0], ttclid: 'E.C.P.test-ttclid', ttp: 'ttp-cookie-123', ip: consented!.ipAddress },
      properties: { currency: 'EUR' },
    });
    expect(tiktok.invalid).toEqual([]);
  });

  it('TikTok: a refused token parks and marks the destination without logging the token; rules rename; test mode carries test_event_code', async () => {
    const parked = await tiktokTenant({ token: 'tt-token-that-expired' });
    tiktok.replyNext(tiktokReply(40105, 'The access token is invalid or has expired.'));
    const [event] = await insertStoredEvents(db, parked.tenant.id, 1, { userData: STORED_PERSON, consent: GRANTED });
    await publish([event!]);
    await waitForStatus([event!], 'tiktok', 'parked');
    await waitUntil(async () => (await db.destination.findFirst({ where: { tenantId: parked.tenant.id } }))?.status === 'needs_credentials', 'the TikTok destination to need credentials');
    expect(dispatcher.logs()).not.toContain('tt-token-that-expired');

    const testing = await tiktokTenant({ testMode: true, eventRules: { only: ['Lead'], rename: { Lead: 'Contact' } } });
    const [lead] = await insertStoredEvents(db, testing.tenant.id, 1, { eventName: 'Lead', userData: STORED_PERSON, consent: GRANTED });
    const [purchase] = await insertStoredEvents(db, testing.tenant.id, 1, { eventName: 'Purchase', userData: STORED_PERSON, consent: GRANTED });
    await publish([lead!, purchase!]);
    await waitForStatus([lead!], 'tiktok', 'sent');
    await waitForStatus([purchase!], 'tiktok', 'filtered');
    // The tenant's name, not TikTok's SubmitForm, and on the test path only.
    expect(tiktok.testEventsReceived().filter((e) => e.pixelCode === testing.pixel).map((e) => [e['event'], e.testEventCode])).toEqual([['Contact', 'TEST31415']]);
    expect(tiktok.eventsReceived().filter((e) => e.pixelCode === testing.pixel)).toEqual([]);
  });
});
