import { FakeDataManager } from './fake-data-manager';
import { ingestRequestProblems } from './data-manager-request-rules';

const NOW = Date.parse('2027-01-15T08:00:00Z');
const HASH = 'a'.repeat(64);

function valid(): Record<string, unknown> {
  return {
    destinations: [{ operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, loginAccount: { accountType: 'GOOGLE_ADS', accountId: '9876543210' }, productDestinationId: '111' }],
    encoding: 'HEX',
    events: [
      {
        transactionId: 'order-1',
        eventTimestamp: '2027-01-15T07:59:00.000Z',
        adIdentifiers: { gclid: 'Cj0-abc' },
        userData: { userIdentifiers: [{ emailAddress: HASH }, { phoneNumber: HASH }, { address: { givenName: HASH, familyName: HASH, regionCode: 'US', postalCode: '94303' } }] },
        conversionValue: 1.5,
        currency: 'EUR',
        eventSource: 'WEB',
        consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' },
      },
    ],
  };
}

const fields = (body: unknown) => ingestRequestProblems(body, { nowMs: NOW }).map((v) => v.field);
const ev = (b: Record<string, unknown>) => (b['events'] as Array<Record<string, unknown>>)[0]!;

describe('ingestRequestProblems', () => {
  it('accepts a well-formed request', () => {
    expect(ingestRequestProblems(valid(), { nowMs: NOW })).toEqual([]);
  });

  it.each<[string, (b: Record<string, unknown>) => void, string]>([
    ['unknown top-level key', (b) => (b['partialFailure'] = true), 'partialFailure'],
    ['no destinations', (b) => (b['destinations'] = []), 'destinations'],
    ['11 destinations', (b) => (b['destinations'] = Array.from({ length: 11 }, () => (valid()['destinations'] as unknown[])[0])), 'destinations'],
    ['customer id with hyphens', (b) => ((b['destinations'] as Array<Record<string, Record<string, unknown>>>)[0]!['operatingAccount']!['accountId'] = '123-456-7890'), 'destinations[0].operatingAccount.accountId'],
    ['wrong account type', (b) => ((b['destinations'] as Array<Record<string, Record<string, unknown>>>)[0]!['operatingAccount']!['accountType'] = 'DISPLAY_VIDEO_PARTNER'), 'destinations[0].operatingAccount.accountType'],
    ['no conversion action', (b) => delete (b['destinations'] as Array<Record<string, unknown>>)[0]!['productDestinationId'], 'destinations[0].productDestinationId'],
    ['2,001 events', (b) => (b['events'] = Array.from({ length: 2001 }, () => ev(valid()))), 'events'],
    ['user data without encoding', (b) => delete b['encoding'], 'encoding'],
    ['timestamp not RFC 3339', (b) => (ev(b)['eventTimestamp'] = '2027-01-15 07:59:00'), 'events[0].eventTimestamp'],
    ['timestamp older than 90 days', (b) => (ev(b)['eventTimestamp'] = '2026-10-01T00:00:00Z'), 'events[0].eventTimestamp'],
    ['transaction id over 512', (b) => (ev(b)['transactionId'] = 'x'.repeat(513)), 'events[0].transactionId'],
    ['gbraid with wbraid', (b) => (ev(b)['adIdentifiers'] = { gbraid: 'b', wbraid: 'w' }), 'events[0].adIdentifiers'],
    ['gclid with gbraid', (b) => (ev(b)['adIdentifiers'] = { gclid: 'g', gbraid: 'b' }), 'events[0].adIdentifiers'],
    ['identifiers with a braid', (b) => (ev(b)['adIdentifiers'] = { gbraid: 'b' }), 'events[0].userData'],
    ['neither click id nor identifier', (b) => (delete ev(b)['adIdentifiers'], delete ev(b)['userData']), 'events[0]'],
    ['11 identifiers', (b) => (ev(b)['userData'] = { userIdentifiers: Array.from({ length: 11 }, () => ({ emailAddress: HASH })) }), 'events[0].userData.userIdentifiers'],
    ['two kinds in one identifier', (b) => (ev(b)['userData'] = { userIdentifiers: [{ emailAddress: HASH, phoneNumber: HASH }] }), 'events[0].userData.userIdentifiers[0]'],
    ['raw email', (b) => (ev(b)['userData'] = { userIdentifiers: [{ emailAddress: 'jane@example.com' }] }), 'events[0].userData.userIdentifiers[0].emailAddress'],
    ['upper-case hex', (b) => (ev(b)['userData'] = { userIdentifiers: [{ phoneNumber: 'A'.repeat(64) }] }), 'events[0].userData.userIdentifiers[0].phoneNumber'],
    ['hashed region code', (b) => (ev(b)['userData'] = { userIdentifiers: [{ address: { givenName: HASH, familyName: HASH, regionCode: HASH, postalCode: '1' } }] }), 'events[0].userData.userIdentifiers[0].address.regionCode'],
    ['hashed postal code', (b) => (ev(b)['userData'] = { userIdentifiers: [{ address: { givenName: HASH, familyName: HASH, regionCode: 'US', postalCode: HASH } }] }), 'events[0].userData.userIdentifiers[0].address.postalCode'],
    ['plain given name', (b) => (ev(b)['userData'] = { userIdentifiers: [{ address: { givenName: 'jane', familyName: HASH, regionCode: 'US', postalCode: '1' } }] }), 'events[0].userData.userIdentifiers[0].address.givenName'],
    ['lower-case consent', (b) => (ev(b)['consent'] = { adUserData: 'granted' }), 'events[0].consent.adUserData'],
    ['unknown event source', (b) => (ev(b)['eventSource'] = 'WEBSITE'), 'events[0].eventSource'],
    ['lower-case currency', (b) => (ev(b)['currency'] = 'eur'), 'events[0].currency'],
  ])('%s', (_label, mutate, field) => {
    const body = valid();
    mutate(body);
    expect(fields(body)).toContain(field);
  });
});

describe('FakeDataManager with its OAuth endpoint', () => {
  let fake: FakeDataManager;
  beforeEach(async () => {
    fake = await new FakeDataManager().start();
    fake.oauth.allow('client-1', 'secret-1', 'refresh-1');
  });
  afterEach(() => fake.stop());

  const refresh = (form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    fetch(fake.env()['GOOGLE_OAUTH_TOKEN_URL']!, { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(form).toString() });
  const grant = { grant_type: 'refresh_token', client_id: 'client-1', client_secret: 'secret-1', refresh_token: 'refresh-1' };
  const ingest = (token: string, body: unknown = { ...valid(), events: [{ ...ev(valid()), eventTimestamp: new Date(Date.now() - 60_000).toISOString() }] }) =>
    fetch(`${fake.env()['GOOGLE_DATA_MANAGER_URL']!}/events:ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it('points both variables at itself, the Data Manager one with /v1', () => {
    expect(Object.keys(fake.env()).sort()).toEqual(['GOOGLE_DATA_MANAGER_URL', 'GOOGLE_OAUTH_TOKEN_URL']);
    expect(fake.env()['GOOGLE_DATA_MANAGER_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('issues tokens only for registered, form-encoded refresh-token grants', async () => {
    const ok = await refresh(grant);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    expect((await refresh({ ...grant, client_secret: 'wrong' })).status).toBe(401);
    expect(await (await refresh({ ...grant, refresh_token: 'other' })).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await refresh({ ...grant, grant_type: 'password' })).json()).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await refresh(grant, 'application/json')).status).toBe(400);
    fake.oauth.revoke('refresh-1');
    expect(await (await refresh(grant)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(fake.oauth.refreshes).toEqual(['client-1']);
  });

  it('takes only live tokens, ingests valid requests and keeps validateOnly apart', async () => {
    const { access_token: token } = (await (await refresh(grant)).json()) as { access_token: string };
    expect((await ingest('forged')).status).toBe(401);
    const ok = await ingest(token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ requestId: expect.stringMatching(/^fake-request-\d+$/) });
    await fake.waitForEvents(1, 1000);
    expect((await ingest(token, { ...valid(), validateOnly: true, events: [{ ...ev(valid()), eventTimestamp: new Date().toISOString() }] })).status).toBe(200);
    expect(fake.validated).toHaveLength(1);
    expect(fake.ingested).toHaveLength(1);
    fake.oauth.expireAll();
    const expired = await ingest(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
  });

  it('fails a request fast with field violations, and answers scripted and permission errors', async () => {
    const { access_token: token } = (await (await refresh(grant)).json()) as { access_token: string };
    const bad = await ingest(token, { ...valid(), encoding: undefined });
    expect(bad.status).toBe(400);
    const requestInfo = { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: expect.stringMatching(/^fake-request-\d+$/) };
    expect(await bad.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', details: expect.arrayContaining([expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.BadRequest' }), requestInfo]) } });
    expect(fake.ingested).toEqual([]);
    fake.replyNext({ status: 429, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } } });
    expect((await ingest(token)).status).toBe(429);
    fake.denyAccount('1234567890');
    expect((await ingest(token)).status).toBe(403);
    expect(fake.failed).toEqual([429]);
  });

  it('answers 429 RESOURCE_EXHAUSTED past its request quota, without ingesting', async () => {
    const { access_token: token } = (await (await refresh(grant)).json()) as { access_token: string };
    fake.limitRequests(2, 60_000);
    expect([(await ingest(token)).status, (await ingest(token)).status, (await ingest(token)).status]).toEqual([200, 200, 429]);
    expect(fake.ingested).toHaveLength(2);
    expect(fake.overQuota).toHaveLength(1);
  });

  it('counts conversions once per conversion action and transaction id', async () => {
    const { access_token: token } = (await (await refresh(grant)).json()) as { access_token: string };
    await ingest(token);
    await ingest(token);
    expect(fake.eventsIngested()).toHaveLength(2);
    expect(fake.uniqueConversions()).toEqual(new Set(['111|order-1']));
  });
});
