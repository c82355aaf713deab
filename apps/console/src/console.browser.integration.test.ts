import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DestinationRepository, sealDestinationCredentials } from '@attribution/db';
import { TEST_CREDENTIALS_KEY, createTestDatabase, launchChromium, seedTenant, waitUntil, type TestDatabase } from '@attribution/testing';
import { TEST_ADMIN_TOKEN } from '../test/console-app';
import { startEngineProcesses, type EngineProcesses } from '../test/engine-processes';
import { startTestConsole, type TestConsole } from '../test/running-console';

const PIXEL = '4455667788';
const FIRST_TOKEN = 'EAAconsoleFirstToken';
const RENEWED_TOKEN = 'EAAconsoleRenewedToken';
// `CONSOLE_SCREENSHOT=docs/console-live.png npx jest …` also saves the live view (docs/console.md).
const SCREENSHOT = process.env.CONSOLE_SCREENSHOT;

/**
 * The console in real headless Chromium, in front of the real ingest-api and dispatcher (their
 * own processes, Kafka, PostgreSQL) delivering to the strict fake Meta: sign in, watch events
 * arrive with their outcomes, replay a delivery parked on refused credentials once they are
 * renewed, and what the console refuses (no session: 401; a forged form: 403).
 */
describe('operator console in Chromium against the running engine', () => {
  let database: TestDatabase;
  let engine: EngineProcesses;
  let consoleApp: TestConsole;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let secretKey: string;
  let otherTenant: { id: string; secretKey: string };

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    engine = await startEngineProcesses(database.url);
    consoleApp = await startTestConsole(database.url, engine.busEnv);
    const shop = await seedTenant(consoleApp.db, { name: 'Acme shop', allowedOrigins: ['https://shop.example'], meta: { pixelId: PIXEL, accessToken: FIRST_TOKEN } });
    const other = await seedTenant(consoleApp.db, { name: 'Other shop', meta: { pixelId: '999000111', accessToken: 'EAAotherToken' } });
    engine.meta.allow(PIXEL, FIRST_TOKEN).allow('999000111', 'EAAotherToken');
    tenantId = shop.tenant.id;
    secretKey = shop.secretKey;
    otherTenant = { id: other.tenant.id, secretKey: other.secretKey };
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1360, height: 760 } })).newPage();
  }, 300_000); // a fresh machine installs Chromium first (infra/tools/chromium.sh)

  afterAll(async () => {
    await browser?.close();
    expect(await consoleApp?.stop()).toBe(0);
    await engine?.stop();
    await database?.drop();
  });

  const consoleUrl = (path: string) => `${consoleApp.url}${path}`;

  async function sendEvent(key: string, eventId: string, consent: Record<string, string>): Promise<void> {
    const response = await fetch(`${engine.ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        event_id: eventId,
        event_name: 'Purchase',
        event_time: Math.floor(Date.now() / 1000) - 5,
        event_source_url: 'https://shop.example/checkout',
        user_data: { email: 'jane.doe@example.com', client_ip_address: '203.0.113.9', client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' },
        custom_data: { currency: 'EUR', value: 42.5 },
        consent,
      }),
    });
    expect(response.status).toBe(202);
  }

  const GRANTED = { ad_storage: 'granted', ad_user_data: 'granted' };
  const row = (eventId: string) => page.locator(`tr[data-event-id="${eventId}"]`);
  const outcome = (eventId: string, status: string) => row(eventId).locator(`[data-destination="meta"][data-status="${status}"]`);

  it('answers 401 with the sign-in page without a session, and signs in with the operator token', async () => {
    const refused = await page.goto(consoleUrl(`/tenants/${tenantId}/events`));
    expect(refused?.status()).toBe(401);
    await page.fill('input[name="token"]', TEST_ADMIN_TOKEN);
    await Promise.all([page.waitForURL(consoleUrl('/tenants')), page.click('button[type="submit"]')]);
    await page.locator(`tr[data-tenant-id="${tenantId}"]`).waitFor();
    expect(await page.locator(`tr[data-tenant-id="${tenantId}"] .status`).textContent()).toBe('active');
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['console_session', true, 'Strict']]);
    expect(cookies[0]!.value).not.toContain(TEST_ADMIN_TOKEN);
  });

  it("shows an event sent through the ingest as it arrives, with Meta's outcome and response, and another tenant's never", async () => {
    await sendEvent(otherTenant.secretKey, 'other-order-1', GRANTED);
    await waitUntil(() => consoleApp.db.delivery.findFirst({ where: { tenantId: otherTenant.id, status: 'sent' } }), "the other tenant's event sent");
    await page.goto(consoleUrl(`/tenants/${tenantId}/events`));
    await page.locator('[data-live-status].live').waitFor();

    await sendEvent(secretKey, 'console-order-1', GRANTED);
    await outcome('console-order-1', 'sent').waitFor({ timeout: 30_000 });
    // Meta's answer as the dispatcher recorded it, with the fbtrace_id Meta (here its fake) gave the request.
    const stored = await consoleApp.db.event.findFirstOrThrow({ where: { tenantId, eventId: 'console-order-1' } });
    const sent = await consoleApp.db.delivery.findFirstOrThrow({ where: { tenantId, destination: 'meta', eventPk: stored.id } });
    expect(sent.lastRequestId).toMatch(/^fake\d+$/);
    expect(await outcome('console-order-1', 'sent').textContent()).toBe(`meta sent HTTP 200 request ${sent.lastRequestId}`);
    expect(await row('console-order-1').textContent()).toContain('ad_storage: granted');
    expect(engine.meta.eventsReceived().find((e) => e.event_id === 'console-order-1')).toBeDefined();

    await sendEvent(secretKey, 'console-lead-2', { ad_storage: 'denied', ad_user_data: 'denied' });
    await outcome('console-lead-2', 'blocked_consent').waitFor({ timeout: 30_000 });
    expect(await outcome('console-lead-2', 'blocked_consent').textContent()).toMatch(/^meta blocked by consent \S/);
    expect(await page.locator('tr[data-event-id="other-order-1"]').count()).toBe(0);

    await page.click('tr[data-event-id="console-order-1"] a');
    await page.locator('h2', { hasText: 'Deliveries' }).waitFor();
    expect(await page.locator('table.deliveries tr[data-destination="meta"]').textContent()).toContain('HTTP 200');
    expect(await page.content()).not.toContain('jane.doe@example.com');
  });

  it('replays a delivery parked on refused credentials once they are renewed: parked, new token, replay, sent', async () => {
    // Meta stops accepting the first token: the next event is parked and the destination needs credentials.
    engine.meta.allow(PIXEL, RENEWED_TOKEN);
    await page.goto(consoleUrl(`/tenants/${tenantId}/events`));
    await page.locator('[data-live-status].live').waitFor();
    await sendEvent(secretKey, 'console-order-3', GRANTED);
    await outcome('console-order-3', 'parked').waitFor({ timeout: 30_000 });
    expect(await outcome('console-order-3', 'parked').textContent()).toMatch(/^meta parked HTTP 401 /);
    if (SCREENSHOT) await page.screenshot({ path: path.resolve(__dirname, '../../..', SCREENSHOT), fullPage: true });

    await page.goto(consoleUrl(`/tenants/${tenantId}`));
    expect(await page.locator('tr[data-destination="meta"] .status').textContent()).toBe('needs_credentials');

    // What `attribution destination set meta --access-token …` stores: new sealed credentials, active again.
    await new DestinationRepository(consoleApp.db).upsert(tenantId, 'meta', {
      settings: { pixel_id: PIXEL },
      credentialsEncrypted: sealDestinationCredentials(tenantId, 'meta', { access_token: RENEWED_TOKEN }, TEST_CREDENTIALS_KEY),
      status: 'active',
      testMode: false,
      eventRules: {},
    });

    await page.goto(consoleUrl(`/tenants/${tenantId}/deliveries?status=parked`));
    await page.check('tr[data-event-id="console-order-3"] input[type="checkbox"]');
    await page.click('button:has-text("Replay selected")');
    await page.locator('h1', { hasText: 'Confirm the replay' }).waitFor();
    expect(await page.locator('tr[data-event-id="console-order-3"]').count()).toBe(1);
    expect(engine.meta.received.some((r) => r.accessToken === RENEWED_TOKEN)).toBe(false);
    await page.click('button[name="confirm"]');
    await page.locator('p.notice', { hasText: 'Replayed 1 delivery' }).waitFor();

    await page.goto(consoleUrl(`/tenants/${tenantId}/events`));
    await outcome('console-order-3', 'sent').waitFor({ timeout: 30_000 });
    const sent = engine.meta.received.filter((r) => r.data.some((e) => e.event_id === 'console-order-3'));
    expect(sent.map((r) => r.accessToken)).toEqual([RENEWED_TOKEN]);
  });

  it('refuses a replay form without the session CSRF token with 403, and publishes nothing', async () => {
    const sentBefore = await consoleApp.db.delivery.count({ where: { tenantId, status: 'sent' } });
    const target = consoleUrl(`/tenants/${tenantId}/deliveries/replay/confirm`);
    const delivery = await consoleApp.db.delivery.findFirstOrThrow({ where: { tenantId } });
    for (const form of [{ id: String(delivery.id) }, { id: String(delivery.id), _csrf: 'forged-token' }] as Array<Record<string, string>>) {
      const response = await page.request.post(target, { form, headers: { accept: 'text/html' } });
      expect(response.status()).toBe(403);
    }
    expect(await consoleApp.db.delivery.count({ where: { tenantId, status: 'sent' } })).toBe(sentBefore);
  });

  it('answers 401 to a browser without a session, on pages and on the live stream', async () => {
    const stranger = await browser.newContext();
    const anonymous = await stranger.newPage();
    const response = await anonymous.goto(consoleUrl(`/tenants/${tenantId}/deliveries`));
    expect(response?.status()).toBe(401);
    expect(await anonymous.locator('form.sign-in').count()).toBe(1);
    expect(await anonymous.content()).not.toContain('console-order-3');
    expect((await anonymous.request.get(consoleUrl(`/tenants/${tenantId}/live-stream`))).status()).toBe(401);
    await stranger.close();
  });
});
