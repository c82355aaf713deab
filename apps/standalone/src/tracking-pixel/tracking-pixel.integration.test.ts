import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDbClient, type Db } from '@attribution/db';
import {
  FakeMetaGraph,
  buildTcString,
  createTestDatabase,
  launchChromium,
  seedTenant,
  waitUntil,
  type TestDatabase,
} from '@attribution/testing';
import type { RunningEngine } from '../engine';
import { startTestEngine } from '../../test/test-engine';
import { SiteServer } from '../../test/site-server';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * What the page offers, for callbacks that Playwright serialises and runs in the page (this file
 * has no DOM types, and those callbacks cannot reach anything defined here).
 */
interface PageGlobals {
  attribution?: ((command: string, ...args: unknown[]) => string) & { version?: string };
  localStorage: { getItem(key: string): string | null; length: number };
}
/** Calls the pixel's API in the page and returns what it returned. */
const pixel = (page: Page, ...args: unknown[]) => page.evaluate((call) => (globalThis as unknown as PageGlobals).attribution!(...(call as [string])), args);
const queuedEvents = async (page: Page) =>
  JSON.parse((await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('_att_q'))) ?? '[]') as Array<{ event_id: string; event_name: string }>;

const GRANTED = `window.dataLayer = window.dataLayer || [];
function gtag(){ dataLayer.push(arguments); }
gtag('consent', 'default', { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });`;

/** A CMP stub that answers like a real one after the visitor refused everything. */
const cmpDenying = (tcString: string) => `window.__tcfapi = function (command, version, callback) {
  if (command !== 'addEventListener') return;
  setTimeout(function () {
    callback({ tcString: ${JSON.stringify(tcString)}, gdprApplies: true, eventStatus: 'useractioncomplete',
      purpose: { consents: {}, legitimateInterests: {} }, vendor: { consents: {}, legitimateInterests: {} } }, true);
  }, 50);
};`;

/**
 * The tracking pixel in real headless Chromium, installed with the documented snippet on a site
 * (www.example.com) and loaded from the engine (collect.example.com, same site: first-party
 * cookies on .example.com), against the real ingest-api, PostgreSQL, Kafka and dispatcher.
 */
describe('tracking.js in Chromium against the engine', () => {
  let database: TestDatabase;
  let db: Db;
  let engine: RunningEngine;
  let browser: Browser;
  let site: SiteServer;
  let tenantId: string;
  const meta = new FakeMetaGraph();
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    await meta.start();
    engine = await startTestEngine({ databaseUrl: database.url, kafkaBrokers: process.env.TEST_KAFKA_BROKERS, metaGraphUrl: meta.baseUrl });
    browser = await launchChromium({ loopbackHosts: ['*.example.com'] });
    site = new SiteServer();
    await site.start();
    const { tenant, publicKey } = await seedTenant(db, {
      consentPolicy: 'block',
      allowedOrigins: [siteOrigin()],
      meta: { pixelId: '4455667788', accessToken: 'EAApixelTestToken' },
    });
    tenantId = tenant.id;
    // The newest published version; v1's bytes are guarded by packages/pixel's published-versions test.
    site.install({ publicKey, collectOrigin: `http://collect.example.com:${new URL(engine.ingestUrl).port}`, version: 'v1.1' });
    meta.allow('4455667788', 'EAApixelTestToken');
    site
      .page('/landing', { head: GRANTED })
      .page('/next', { head: GRANTED })
      .page('/plain', { snippet: false })
      .page('/denied', { head: cmpDenying(buildTcString({})) })
      // The site's own fetch never completes here, so only the pixel's beacon can get out.
      .page('/leave', { head: `${GRANTED}\nwindow.fetch = function () { return new Promise(function () {}); };` });
  }, 300_000); // a fresh machine installs Chromium first (infra/tools/chromium.sh)

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
    expect(await engine?.lifecycle.shutdown('test')).toBe(0);
    await db?.$disconnect();
    await meta.stop();
    await database?.drop();
  });

  afterEach(() => {
    // The pixel must never throw into the host page, whatever happened in the test.
    expect(pageErrors).toEqual([]);
  });

  const siteOrigin = () => `http://www.example.com:${site.port}`;

  async function newVisitor(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  }

  /** Loads a page and waits until the pixel has run (the snippet's stub replaced by the API). */
  async function visit(page: Page, path: string, referer?: string): Promise<void> {
    await page.goto(`${siteOrigin()}${path}`, referer ? { referer } : {});
    await page.waitForFunction(() => Boolean((globalThis as unknown as PageGlobals).attribution?.version));
  }

  type EventFilter = NonNullable<NonNullable<Parameters<Db['event']['findFirst']>[0]>['where']>;
  const storedEvent = (where: EventFilter, what: string) =>
    waitUntil(() => db.event.findFirst({ where: { tenantId, ...where }, orderBy: { id: 'desc' } }), what);
  /** The PageView of one visit: the URL (with a marker unique to the test) tells visits apart. */
  const pageView = (url: string) => storedEvent({ eventName: 'PageView', sourceUrl: `${siteOrigin()}${url}` }, `the PageView of ${url}`);

  const cookies = async (context: BrowserContext) =>
    Object.fromEntries((await context.cookies()).map((cookie) => [cookie.name, cookie]));

  it('sends a PageView with the landing click ids, UTMs, page and referrer, and sets first-party cookies', async () => {
    const { context, page } = await newVisitor();
    const before = Date.now();
    const landing = '/landing?fbclid=IwAR2F4-dbP0l7Mn1IawQQ&gclid=Cj0KCQiA_gclidValue&utm_source=newsletter&utm_medium=email&utm_campaign=bf-2026';
    await visit(page, landing, 'https://news.example.org/issue/42?reset_token=abc#top');
    const after = Date.now();
    const event = await pageView(landing);
    const clickIds = event.clickIds as Record<string, string>;
    const pageContext = event.context as Record<string, string>;

    const fbc = /^fb\.1\.(\d{13})\.IwAR2F4-dbP0l7Mn1IawQQ$/.exec(clickIds['fbc'] ?? '');
    expect(fbc).not.toBeNull();
    expect(Number(fbc![1])).toBeGreaterThanOrEqual(before);
    expect(Number(fbc![1])).toBeLessThanOrEqual(after);
    expect(clickIds['fbp']).toMatch(/^fb\.1\.\d{13}\.\d+$/);
    expect(clickIds['gclid']).toBe('Cj0KCQiA_gclidValue');
    expect(pageContext).toEqual({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'bf-2026',
      page_referrer: 'https://news.example.org/issue/42',
      visitor_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      library: 'tracking.js/v1.1',
    });
    expect(event.consent).toEqual({ ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    // A browser cannot choose its address or user agent: they come from the connection.
    expect(event.ipAddress).toBe('127.0.0.1');
    expect(event.userAgent).toContain('Chrome/');

    const jar = await cookies(context);
    expect(jar['_fbc']).toMatchObject({ value: clickIds['fbc'], domain: '.example.com', path: '/', sameSite: 'Lax' });
    expect(jar['_fbp']).toMatchObject({ value: clickIds['fbp'], domain: '.example.com' });
    expect(jar['_att_vid']).toMatchObject({ value: pageContext['visitor_id'], domain: '.example.com' });
    const days = (cookie: { expires: number }) => Math.round((cookie.expires * 1000 - Date.now()) / 86_400_000);
    expect(days(jar['_fbc']!)).toBe(90);
    expect(days(jar['_att_vid']!)).toBeLessThanOrEqual(396);

    // The dispatcher forwards it to Meta with the cookie values untouched.
    const sent = await waitUntil(
      async () => meta.eventsReceived().find((e) => e.event_id === event.eventId),
      'the PageView at the fake Meta',
    );
    expect(sent).toMatchObject({ event_name: 'PageView', user_data: expect.objectContaining({ fbc: clickIds['fbc'], fbp: clickIds['fbp'] }) });
    await context.close();
  });

  it('keeps _fbc for the same fbclid, rewrites it for a new one (case untouched), and carries the first touch to later pages', async () => {
    const { context, page } = await newVisitor();
    await visit(page, '/landing?fbclid=FirstClick_AbC&gclid=G1&utm_source=ads');
    const first = await cookies(context);

    await visit(page, '/next?visit=second-page');
    const next = await pageView('/next?visit=second-page');
    expect(next.clickIds).toMatchObject({ fbc: first['_fbc']!.value, fbp: first['_fbp']!.value, gclid: 'G1' });
    expect(next.context).toMatchObject({ utm_source: 'ads', visitor_id: first['_att_vid']!.value });

    await visit(page, '/landing?fbclid=FirstClick_AbC');
    expect((await cookies(context))['_fbc']!.value).toBe(first['_fbc']!.value);

    const beforeSecondClick = Date.now();
    await visit(page, '/landing?fbclid=SecondClick_XyZ');
    const rewritten = (await cookies(context))['_fbc']!.value;
    expect(rewritten).toMatch(/^fb\.1\.\d{13}\.SecondClick_XyZ$/);
    expect(Number(rewritten.split('.')[2])).toBeGreaterThanOrEqual(beforeSecondClick);
    const last = await cookies(context);
    expect(last['_fbp']!.value).toBe(first['_fbp']!.value);
    expect(last['_att_vid']!.value).toBe(first['_att_vid']!.value);
    await context.close();
  });

  it('tracks a custom event under an id the site can reuse, hashes the email at rest and delivers it to Meta', async () => {
    const { context, page } = await newVisitor();
    await visit(page, '/landing');
    const eventId = await pixel(page, 'track', 'Purchase', { value: 49.9, currency: 'EUR', order_id: 'A-1001' }, { email: ' Jane.Doe@Example.com ' });
    expect(eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stored = await storedEvent({ eventId }, 'the Purchase stored');
    expect(stored).toMatchObject({ eventName: 'Purchase', customData: { value: 49.9, currency: 'EUR', order_id: 'A-1001' } });
    expect(JSON.stringify(stored, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toMatch(/jane\.doe@example\.com/i);
    expect(JSON.stringify(stored.userData)).toContain(sha256('jane.doe@example.com'));

    const sent = await waitUntil(async () => meta.eventsReceived().find((e) => e.event_id === eventId), 'the Purchase at the fake Meta');
    expect(sent).toMatchObject({ event_name: 'Purchase', user_data: expect.objectContaining({ em: [sha256('jane.doe@example.com')] }) });

    // A site-chosen id is kept, so the browser Meta pixel and the server share it.
    const chosen = await pixel(page, 'track', 'Lead', {}, {}, { eventId: 'lead-77' });
    expect(chosen).toBe('lead-77');
    await storedEvent({ eventId: 'lead-77' }, 'the Lead stored under the site-chosen id');
    await context.close();
  });

  it("stores TikTok's _ttp cookie verbatim as a click id when ad storage is allowed, never when it is denied, and leaves the cookie alone", async () => {
    for (const [path, kept] of [['/landing?visit=ttp-granted', true], ['/denied?visit=ttp-denied', false]] as const) {
      const { context, page } = await newVisitor();
      await context.addCookies([{ name: '_ttp', value: '2F7h37YkS1j57AYSKTI7IHhJPYH', domain: '.example.com', path: '/' }]);
      await visit(page, path);
      const event = await pageView(path);
      if (kept) expect(event.clickIds).toMatchObject({ ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH' });
      else expect(event.clickIds).not.toHaveProperty('ttp');
      expect((await cookies(context))['_ttp']).toMatchObject({ value: '2F7h37YkS1j57AYSKTI7IHhJPYH', domain: '.example.com' });
      await context.close();
    }
  });

  it('with a CMP that denies consent: sets no cookies, sends the denial, and the dispatcher blocks the event', async () => {
    const { context, page } = await newVisitor();
    await visit(page, '/denied?fbclid=DeniedClick&utm_source=ads');
    const event = await pageView('/denied?fbclid=DeniedClick&utm_source=ads');
    expect(event.consent).toEqual({ tcf_string: buildTcString({}) });
    expect(event.clickIds).not.toHaveProperty('fbc');
    expect(event.clickIds).not.toHaveProperty('fbp');
    expect(event.context).not.toHaveProperty('visitor_id');
    expect(Object.keys(await cookies(context))).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.length)).toBe(0);

    const delivery = await waitUntil(
      () => db.delivery.findFirst({ where: { eventPk: event.id, destination: 'meta' } }),
      'the consent decision recorded',
    );
    expect(delivery.status).toBe('blocked_consent');
    expect(meta.eventsReceived().some((e) => e.event_id === event.eventId)).toBe(false);
    await context.close();
  });

  it('adds only its one namespace to the page', async () => {
    const { context, page } = await newVisitor();
    await page.goto(`${siteOrigin()}/plain`);
    const bare = await page.evaluate(() => Object.getOwnPropertyNames(globalThis));
    await visit(page, '/landing');
    const withPixel = await page.evaluate(() => Object.getOwnPropertyNames(globalThis));
    // gtag and dataLayer belong to the test page's consent script, not to the pixel.
    expect(withPixel.filter((name) => !bare.includes(name)).sort()).toEqual(['attribution', 'dataLayer', 'gtag']);
    await context.close();
  });

  it('still delivers an event tracked as the visitor leaves, by beacon', async () => {
    const { context, page } = await newVisitor();
    await visit(page, '/leave');
    const eventId = await pixel(page, 'track', 'InitiateCheckout');
    await page.goto('about:blank');
    await storedEvent({ eventId }, 'the event sent while leaving');
    await context.close();
  });

  it('keeps events through a network failure and a 503, and sends them on the next page load', async () => {
    const { context, page } = await newVisitor();
    let refused = 0;
    await context.route('**/v1/events**', async (route) => {
      refused += 1;
      // The first attempt fails at the network, later ones meet an overloaded API.
      if (refused === 1) await route.abort('internetdisconnected');
      else await route.fulfill({ status: 503, headers: { 'retry-after': '1' }, body: '{"error":"unavailable"}' });
    });
    await visit(page, '/landing');
    const eventId = await pixel(page, 'track', 'AddToCart', { value: 5, currency: 'EUR' });
    const queued = await waitUntil(async () => {
      const names = (await queuedEvents(page)).map((e) => e.event_name);
      return refused >= 2 && names.includes('PageView') && names.includes('AddToCart') ? names : undefined;
    }, 'both events queued in localStorage after the failures');
    expect(queued).toHaveLength(2);
    expect(await db.event.count({ where: { tenantId, eventId } })).toBe(0);

    await context.unroute('**/v1/events**');
    // A second tab of the same site: the first one never unloads, so only the queue can carry the events.
    const second = await context.newPage();
    second.on('pageerror', (error) => pageErrors.push(error.message));
    await visit(second, '/next');
    await storedEvent({ eventId }, 'the queued AddToCart delivered on the next page load');
    await waitUntil(async () => (await queuedEvents(second)).length === 0, 'the queue emptied once the API accepted it');
    await context.close();
  });
});
