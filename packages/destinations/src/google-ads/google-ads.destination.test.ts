import type { StoredEvent } from '@attribution/core';
import { FakeDataManager } from '@attribution/testing';
import type { DestinationConfig, OutgoingEvent } from '../destination-adapter';
import { GoogleAdsDestination } from './google-ads.destination';
import { googleAdsPlatform } from './google-ads.platform';
import type { GoogleAdsCredentials, GoogleAdsSettings } from './google-ads.schema';

const CREDS: GoogleAdsCredentials = { client_id: 'client-1.apps.googleusercontent.com', client_secret: 'GOCSPX-secret-1', refresh_token: '1//refresh-token-1' };
const destination: DestinationConfig<GoogleAdsSettings, GoogleAdsCredentials> = {
  tenantId: 't-1',
  platform: 'google_ads',
  status: 'active',
  settings: { customer_id: '1234567890', login_customer_id: '9876543210', conversion_actions: 'Purchase=111,Lead=222' },
  credentials: CREDS,
  testMode: false,
  rules: {},
};

function event(id: string, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id, tenantId: 't-1', eventId: `order-${id}`, eventName: 'Purchase', eventTime: Math.floor(Date.now() / 1000) - 60, receivedAt: '', actionSource: 'website',
    sourceUrl: null, ipAddress: null, userAgent: null, userData: { google_ads: { sha256_email: ['a'.repeat(64)] } },
    clickIds: { gclid: `gclid-${id}` }, customData: { value: 10, currency: 'EUR' }, consent: null, traceId: null,
    ...overrides,
  };
}

const outgoing = (events: StoredEvent[]): OutgoingEvent[] =>
  events.map((e) => ({ event: e, consent: { allowed: true, basis: 'consent', adUserData: true, adPersonalization: false }, name: e.eventName, renamed: false }));

describe('GoogleAdsDestination against the fake Data Manager API and OAuth endpoint', () => {
  let fake: FakeDataManager;
  let ads: GoogleAdsDestination;

  beforeEach(async () => {
    fake = await new FakeDataManager().start();
    fake.oauth.allow(CREDS.client_id, CREDS.client_secret, CREDS.refresh_token);
    const env = fake.env();
    ads = new GoogleAdsDestination({ dataManagerUrl: env['GOOGLE_DATA_MANAGER_URL']!, tokenUrl: env['GOOGLE_OAUTH_TOKEN_URL']!, timeoutMs: 2000 });
  });
  afterEach(() => fake.stop());

  /** No outcome reason may hold a token or secret. */
  function expectNoSecrets(outcomes: unknown): void {
    const text = JSON.stringify(outcomes);
    for (const secret of [CREDS.client_secret, CREDS.refresh_token, ...fake.oauth.issuedTokens()]) expect(text).not.toContain(secret);
  }

  it('sends one valid request per conversion action, with one token for all', async () => {
    const outcomes = await ads.send(outgoing([event('1'), event('2', { eventName: 'Lead' }), event('3'), event('4', { eventName: 'PageView' })]), destination);
    expect(outcomes).toEqual([
      // Each event has the requestId of its conversion action's request.
      { eventPk: '1', kind: 'sent', statusCode: 200, requestId: 'fake-request-1' },
      { eventPk: '2', kind: 'sent', statusCode: 200, requestId: 'fake-request-2' },
      { eventPk: '3', kind: 'sent', statusCode: 200, requestId: 'fake-request-1' },
      { eventPk: '4', kind: 'skipped', statusCode: null, reason: 'no conversion action for event PageView' },
    ]);
    expect(fake.invalid).toEqual([]);
    expect(fake.ingested.map((r) => [r.body.destinations[0]!.productDestinationId, r.body.events.map((e) => e.transactionId)])).toEqual([
      ['111', ['order-1', 'order-3']],
      ['222', ['order-2']],
    ]);
    expect(fake.ingested[0]!.body.destinations[0]).toEqual({ operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, loginAccount: { accountType: 'GOOGLE_ADS', accountId: '9876543210' }, productDestinationId: '111' });
    expect(fake.ingested[0]!.body.encoding).toBe('HEX');
    expect(fake.oauth.refreshes).toHaveLength(1);
    expect(fake.uniqueConversions().size).toBe(3);
  });

  it('splits more than 2,000 events of one conversion action into requests of at most 2,000', async () => {
    const events = Array.from({ length: 2001 }, (_, i) => event(String(i + 1)));
    const outcomes = await ads.send(outgoing(events), destination);
    expect(outcomes.every((o) => o.kind === 'sent')).toBe(true);
    expect(fake.ingested.map((r) => r.body.events.length)).toEqual([2000, 1]);
    await fake.waitForEvents(2001, 1000);
  });

  it('in test mode sends validateOnly: validated, never ingested', async () => {
    const outcomes = await ads.send(outgoing([event('1')]), { ...destination, testMode: true });
    expect(outcomes).toEqual([{ eventPk: '1', kind: 'sent', statusCode: 200, requestId: 'fake-request-1' }]);
    expect(fake.validated.map((r) => r.body.validateOnly)).toEqual([true]);
    expect(fake.ingested).toEqual([]);
  });

  it('rejects only the event Google names in a refused request, and delivers the others', async () => {
    const outcomes = await ads.send(outgoing([event('1'), event('2', { userData: { google_ads: { sha256_email: ['NOT-A-HASH'] } } }), event('3')]), destination);
    expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'rejected', 'sent']);
    expect(outcomes[1]).toMatchObject({ statusCode: 400, reason: expect.stringContaining('events[1].userData.userIdentifiers[0].emailAddress') });
    expect(fake.eventsIngested().map((e) => e.transactionId)).toEqual(['order-1', 'order-3']);
  });

  it('renews an expired access token once and retries the request', async () => {
    await ads.send(outgoing([event('1')]), destination);
    fake.oauth.expireAll();
    const outcomes = await ads.send(outgoing([event('2')]), destination);
    // Request 2 was the refused one; the retry with the renewed token is request 3.
    expect(outcomes).toEqual([{ eventPk: '2', kind: 'sent', statusCode: 200, requestId: 'fake-request-3' }]);
    expect(fake.unauthenticated).toHaveLength(1);
    expect(fake.oauth.refreshes).toHaveLength(2);
  });

  it('gives auth when Google still answers 401 after one token refresh', async () => {
    const unauthenticated = { status: 401, body: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } } };
    fake.replyNext(unauthenticated, unauthenticated);
    const outcomes = await ads.send(outgoing([event('1')]), destination);
    expect(outcomes).toEqual([{ eventPk: '1', kind: 'auth', statusCode: 401, reason: 'UNAUTHENTICATED: Request had invalid authentication credentials. (after a token refresh)' }]);
    expect(fake.oauth.refreshes).toHaveLength(2);
    expectNoSecrets(outcomes);
  });

  it('parks every event as auth when the refresh token is revoked, with no token in any reason', async () => {
    await ads.send(outgoing([event('1')]), destination);
    fake.oauth.revoke(CREDS.refresh_token).expireAll();
    const outcomes = await ads.send(outgoing([event('2'), event('3', { eventName: 'Lead' })]), destination);
    expect(outcomes).toEqual([
      { eventPk: '2', kind: 'auth', statusCode: 400, reason: 'OAuth refresh refused (invalid_grant: Token has been expired or revoked.)' },
      { eventPk: '3', kind: 'auth', statusCode: 400, reason: 'OAuth refresh refused (invalid_grant: Token has been expired or revoked.)' },
    ]);
    expectNoSecrets(outcomes);
  });

  it('classifies 429, 5xx and 403 PERMISSION_DENIED', async () => {
    fake.replyNext({ status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.' } } }, { status: 503, body: { error: { code: 503, status: 'UNAVAILABLE', message: 'Try again.' } } });
    expect((await ads.send(outgoing([event('1')]), destination))[0]).toMatchObject({ kind: 'retry', statusCode: 429, reason: 'RESOURCE_EXHAUSTED: Quota exceeded.' });
    expect((await ads.send(outgoing([event('2')]), destination))[0]).toMatchObject({ kind: 'retry', statusCode: 503 });
    fake.denyAccount('1234567890');
    const denied = await ads.send(outgoing([event('3')]), destination);
    expect(denied[0]).toMatchObject({ kind: 'auth', statusCode: 403, reason: expect.stringContaining('PERMISSION_DENIED') });
    expectNoSecrets(denied);
  });

  it('gives retry "local request quota reached" instead of waiting minutes for a slot', async () => {
    const slow = { ...destination, settings: { ...destination.settings, requests_per_minute: '1' } };
    const outcomes = await ads.send(outgoing([event('1'), event('2', { eventName: 'Lead' })]), slow);
    expect(outcomes).toEqual([
      { eventPk: '1', kind: 'sent', statusCode: 200, requestId: 'fake-request-1' },
      { eventPk: '2', kind: 'retry', statusCode: null, reason: 'local request quota reached' },
    ]);
    expect(fake.ingested).toHaveLength(1);
  });

  it('turns an unreachable endpoint into retry', async () => {
    await fake.stop();
    await expect(ads.send(outgoing([event('1')]), destination)).resolves.toEqual([{ eventPk: '1', kind: 'retry', statusCode: null, reason: 'OAuth token endpoint: network error' }]);
  });

  it('declares what an operator must give, refusing malformed values', () => {
    const { settings, credentials } = googleAdsPlatform;
    expect(settings.validate(destination.settings).error).toBeUndefined();
    expect(credentials.validate(CREDS).error).toBeUndefined();
    expect(settings.validate({ ...destination.settings, customer_id: '123-456-7890' }).error?.message).toContain('10 digits');
    expect(settings.validate({ ...destination.settings, conversion_actions: 'Purchase' }).error?.message).toContain('conversion_actions');
    expect(settings.validate({ ...destination.settings, requests_per_minute: '0' }).error).toBeDefined();
    expect(credentials.validate({ client_id: CREDS.client_id }).error).toBeDefined();
    expect(googleAdsPlatform.retryHorizonSeconds).toBe(90 * 86400 - 3600);
    expect(googleAdsPlatform.limits.maxBatchSize).toBe(2000);
  });
});
