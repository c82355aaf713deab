import request from 'supertest';
import { sealDestinationCredentials, type Db } from '@attribution/db';
import { TEST_CREDENTIALS_KEY, createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase } from '@attribution/testing';
import { decodeEventMessage, readRetryHeaders, topicNames, type IncomingMessage } from '@attribution/transport';
import { TEST_ADMIN_TOKEN } from '../test/console-app';
import { startTestConsole, type TestConsole } from '../test/running-console';
import { csrfField, signIn } from '../test/sign-in';

/** A tenant with a Meta destination, a sent, a parked and a dead delivery, and an event id shared with the other tenant. */
async function tenantWithTraffic(db: Db, label: string) {
  const { tenant } = await seedTenant(db, { name: `Shop ${label}`, allowedOrigins: [`https://${label}.example`], meta: { pixelId: '1234', accessToken: `EAAsecret${label}token` } });
  const [sent, parked, dead] = await insertStoredEvents(db, tenant.id, 3, { ipAddress: '203.0.113.77' });
  const [shared] = await insertStoredEvents(db, tenant.id, 1, { eventId: 'shared-order-1', eventName: `Purchase ${label}` });
  await db.delivery.createMany({
    data: [
      { eventPk: BigInt(sent!.id), eventReceivedAt: sent!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'sent', attempts: 2, lastStatusCode: 200, lastRequestId: `${label}-fbtrace-2` },
      { eventPk: BigInt(parked!.id), eventReceivedAt: parked!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'parked', attempts: 1, lastStatusCode: 401, lastError: `token of ${label} refused` },
      { eventPk: BigInt(dead!.id), eventReceivedAt: dead!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'dead', attempts: 6, lastError: 'retry horizon reached' },
      { eventPk: BigInt(shared!.id), eventReceivedAt: shared!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'blocked_consent', lastError: `ad_storage denied for ${label}` },
    ],
  });
  await db.deliveryAttempt.createMany({
    data: [
      { eventPk: BigInt(sent!.id), eventReceivedAt: sent!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'retrying', attempted: true, statusCode: 503, message: `HTTP 503 for ${label}`, platformRequestId: `${label}-fbtrace-1`, nextAttemptAt: new Date('2026-12-01T00:00:30Z') },
      { eventPk: BigInt(sent!.id), eventReceivedAt: sent!.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'sent', attempted: true, statusCode: 200, platformRequestId: `${label}-fbtrace-2` },
    ],
  });
  const ids = await db.delivery.findMany({ where: { tenantId: tenant.id, status: { in: ['parked', 'dead'] } }, orderBy: { id: 'asc' }, select: { id: true } });
  return { tenant, events: { sent: sent!, parked: parked!, dead: dead!, shared: shared! }, stuckIds: ids.map((d) => String(d.id)) };
}

type Traffic = Awaited<ReturnType<typeof tenantWithTraffic>>;

/** Everything of `other` that must never appear on a page of the tenant under test. */
function otherTenantsMarks(other: Traffic): string[] {
  return [other.tenant.id, other.tenant.name, other.events.sent.eventId, other.events.parked.eventId, other.events.dead.eventId, `Purchase B`, 'token of B refused', 'ad_storage denied for B', 'B-fbtrace-1', 'B-fbtrace-2', 'HTTP 503 for B'];
}

describe('console pages over PostgreSQL: tenant isolation, escaping, no secrets', () => {
  let database: TestDatabase;
  let console_: TestConsole;
  let a: Traffic;
  let b: Traffic;
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    console_ = await startTestConsole(database.url);
    a = await tenantWithTraffic(console_.db, 'A');
    b = await tenantWithTraffic(console_.db, 'B');
    session = await signIn(console_.url);
  });

  afterAll(async () => {
    expect(await console_?.stop()).toBe(0);
    await database?.drop();
  });

  const get = (path: string) => request(console_.url).get(path).set('cookie', session.cookie).set('accept', 'text/html');
  const expectNoneOf = (text: string, marks: string[]) => expect(marks.filter((mark) => text.includes(mark))).toEqual([]);

  it("lists every tenant with retention, origins and destinations, and never a credential or the operator's token", async () => {
    const page = await get('/tenants');
    expect(page.status).toBe(200);
    for (const { tenant } of [a, b]) expect(page.text).toContain(`data-tenant-id="${tenant.id}"`);
    expect(page.text).toContain('https://A.example');
    expect(page.text).toMatch(/class="status active">active</);
    expect(page.text).toContain('API v25.0');
    const destination = await console_.db.destination.findFirstOrThrow({ where: { tenantId: a.tenant.id } });
    expectNoneOf(page.text, ['EAAsecretAtoken', destination.credentialsEncrypted!, TEST_ADMIN_TOKEN, TEST_CREDENTIALS_KEY]);
  });

  it("shows a tenant's destination figures and charts, and nothing of another tenant", async () => {
    const page = await get(`/tenants/${a.tenant.id}`);
    expect(page.status).toBe(200);
    const row = /<tr data-destination="meta">[\s\S]*?<\/tr>/.exec(page.text)![0];
    // Of the last hour's four deliveries: 1 sent of 3 meant to be sent, 1 of 4 blocked, 1 parked.
    expect(row).toMatch(/class="figure success-rate">33\.3%/);
    expect(row).toMatch(/class="figure block-rate">25\.0%/);
    expect(row).toMatch(/class="figure parked">1</);
    expect(row.match(/<svg class="chart/g)).toHaveLength(3);
    expectNoneOf(page.text, otherTenantsMarks(b));
    expect((await get('/tenants/6f1c0000-0000-4000-8000-000000000009')).status).toBe(404);
    expect((await get('/tenants/not-a-uuid')).status).toBe(404);
  });

  it("shows a tenant's live events with their outcomes, on the page and in its stream, never another tenant's", async () => {
    const page = await get(`/tenants/${a.tenant.id}/events`);
    expect(page.status).toBe(200);
    for (const event of Object.values(a.events)) expect(page.text).toContain(`data-event-id="${event.eventId}"`);
    expect(page.text).toMatch(/data-status="parked"><b>meta<\/b> parked <span class="http-status">HTTP 401<\/span> <span class="reason">token of A refused/);
    expect(page.text).toMatch(/data-status="blocked_consent"><b>meta<\/b> blocked by consent <span class="reason">ad_storage denied for A/);
    expectNoneOf(page.text, otherTenantsMarks(b));

    const controller = new AbortController();
    const stream = await fetch(`${console_.url}/tenants/${a.tenant.id}/live-stream`, { headers: { cookie: session.cookie }, signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let received = '';
    while (!/event: rows\n(data: .*\n)+\n/.test(received)) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(received).toContain(`data-event-id="${a.events.parked.eventId}"`);
    expectNoneOf(received, otherTenantsMarks(b));
  });

  it("opens an event by id within its tenant only: hashes as stored, the IP's network, the Jaeger link", async () => {
    const page = await get(`/tenants/${a.tenant.id}/events/${a.events.sent.eventId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('a'.repeat(64));
    expect(page.text).toContain('203.0.113.0/24');
    expect(page.text).not.toContain('203.0.113.77');
    expect(page.text).toContain(`href="http://jaeger.example:16686/trace/${a.events.sent.traceId}"`);
    expect(page.text).toMatch(/<tr data-destination="meta">\s*<td>meta<\/td>\s*<td><span class="outcome sent">sent<\/span><\/td>\s*<td>2<\/td>\s*<td><span class="http-status">HTTP 200<\/span> <span class="request-id">request <code>A-fbtrace-2<\/code>/);
    // Every attempt, oldest first, each with the platform's answer and request id.
    const attempts = [...page.text.matchAll(/<tr data-destination="meta" data-status="(\w+)">[\s\S]*?<\/tr>/g)].map((m) => m[0]);
    expect(attempts.map((row) => /data-status="(\w+)"/.exec(row)![1])).toEqual(['retrying', 'sent']);
    expect(attempts[0]).toContain('HTTP 503 for A');
    expect(attempts[0]).toContain('<code>A-fbtrace-1</code>');
    expect(attempts[0]).toContain('platform call');
    expectNoneOf(page.text, otherTenantsMarks(b));

    const shared = await get(`/tenants/${a.tenant.id}/events/shared-order-1`);
    expect(shared.text).toContain('Purchase A');
    expectNoneOf(shared.text, otherTenantsMarks(b));
    expect((await get(`/tenants/${a.tenant.id}/events/${b.events.sent.eventId}`)).status).toBe(404);
  });

  it('escapes what events carry: a stored name with markup is text on every page', async () => {
    const [event] = await insertStoredEvents(console_.db, a.tenant.id, 1, { eventName: '<img src=x onerror=alert(1)>', customData: { note: '</pre><script>alert(2)</script>' } });
    for (const path of [`/tenants/${a.tenant.id}/events`, `/tenants/${a.tenant.id}/events/${event!.eventId}`]) {
      const page = await get(path);
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  it("lists a tenant's dead and parked deliveries by filter, never another tenant's", async () => {
    const all = await get(`/tenants/${a.tenant.id}/deliveries`);
    expect(all.status).toBe(200);
    for (const id of a.stuckIds) expect(all.text).toContain(`data-delivery-id="${id}"`);
    expectNoneOf(all.text, [...otherTenantsMarks(b), ...b.stuckIds.map((id) => `data-delivery-id="${id}"`)]);
    const parked = await get(`/tenants/${a.tenant.id}/deliveries?status=parked&reason=REFUSED&destination=meta`);
    expect(parked.text).toContain(`data-event-id="${a.events.parked.eventId}"`);
    expect(parked.text).not.toContain(`data-event-id="${a.events.dead.eventId}"`);
    expect((await get(`/tenants/${a.tenant.id}/deliveries?status=sent`)).status).toBe(400);
  });

  it("replays a confirmed selection through the retry tier, and never another tenant's delivery even when its id is posted", async () => {
    const retries: IncomingMessage[] = [];
    const consumer = console_.transport.createConsumer('replay-watch');
    await consumer.run([topicNames('').retries[0]!.name], async (batch, controls) => {
      retries.push(...batch.messages);
      controls.resolveOffset(batch.messages.at(-1)!.offset);
    });
    const post = (path: string, form: Record<string, string | string[]>) =>
      request(console_.url).post(path).set('cookie', session.cookie).set('accept', 'text/html').type('form').send(form);

    const selection = { _csrf: session.csrf, id: [a.stuckIds[0]!, b.stuckIds[0]!] };
    const confirm = await post(`/tenants/${a.tenant.id}/deliveries/replay`, selection);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`data-delivery-id="${a.stuckIds[0]}"`);
    expect(confirm.text).not.toContain(`data-delivery-id="${b.stuckIds[0]}"`);
    expect(retries).toEqual([]);

    const done = await post(`/tenants/${a.tenant.id}/deliveries/replay/confirm`, { _csrf: csrfField(confirm.text), id: [a.stuckIds[0]!, b.stuckIds[0]!], confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Replayed 1 delivery');
    await consumer.stop();
    expect(retries).toHaveLength(1);
    expect(decodeEventMessage(retries[0]!).tenantId).toBe(a.tenant.id);
    expect(readRetryHeaders(retries[0]!.headers)).toMatchObject({ destination: 'meta', attempt: 0, replay: true });
  });

  it('keeps secrets off the pages even when a destination is sealed with the credentials key', async () => {
    const sealed = sealDestinationCredentials(a.tenant.id, 'ga4', { api_secret: 'ga4-api-secret-value' }, TEST_CREDENTIALS_KEY);
    await console_.db.destination.create({ data: { tenantId: a.tenant.id, platform: 'ga4', status: 'needs_credentials', settings: { measurement_id: 'G-AAAA1111' }, credentialsEncrypted: sealed } });
    const page = await get(`/tenants/${a.tenant.id}`);
    expect(page.text).toMatch(/<tr data-destination="ga4">[\s\S]*?class="status needs_credentials">needs_credentials</);
    expectNoneOf(page.text, ['ga4-api-secret-value', sealed]);
  });
});
