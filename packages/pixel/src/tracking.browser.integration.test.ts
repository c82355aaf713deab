import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, waitUntil } from '@attribution/testing';
import { PUBLISHED_VERSIONS_DIR } from './published-versions';

/**
 * The published v1.1 in real headless Chromium, installed with the documented snippet on a site
 * (www.example.com) and loaded from collect.example.com (same site: first-party cookies on
 * .example.com). One local server plays both hosts and records what the pixel posts to
 * /v1/events. The full path through the engine is apps/standalone's tracking-pixel test (v1).
 */
const VERSION = 'v1.1';
const TTP = '2F7h37YkS1j57AYSKTI7IHhJPYH';

const GRANTED = `window.dataLayer=[];function gtag(){dataLayer.push(arguments)}gtag('consent','default',{ad_storage:'granted'});`;
const DENIED = `window.dataLayer=[];function gtag(){dataLayer.push(arguments)}gtag('consent','default',{ad_storage:'denied'});`;

interface Posted {
  event_source_url?: string;
  user_data?: Record<string, string>;
  context?: Record<string, string>;
}

describe(`tracking.js ${VERSION} in Chromium: TikTok's _ttp`, () => {
  let browser: Browser;
  let server: Server;
  let port = 0;
  const posted: Posted[] = [];
  const pageErrors: string[] = [];
  const script = readFileSync(path.join(PUBLISHED_VERSIONS_DIR, VERSION, 'tracking.js'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://host');
      if (url.pathname === `/${VERSION}/tracking.js`) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'access-control-allow-origin': '*' }).end(script);
      } else if (url.pathname === '/v1/events' && req.method === 'POST') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          posted.push(...(JSON.parse(body) as { events: Posted[] }).events);
          res.writeHead(200, { 'access-control-allow-origin': req.headers.origin ?? '*' }).end('{}');
        });
      } else {
        const head = url.pathname === '/denied' ? DENIED : GRANTED;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(`<!doctype html>
<html><head><script>${head}</script>
<script>
  window.attribution=window.attribution||function(){(attribution.q=attribution.q||[]).push(arguments)};
  attribution('init',{key:'pk_test_pixel'});
</script>
<script async src="http://collect.example.com:${port}/${VERSION}/tracking.js"></script>
</head><body></body></html>`);
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    browser = await launchChromium({ loopbackHosts: ['*.example.com'] });
  }, 300_000); // a fresh machine installs Chromium first (infra/tools/chromium.sh)

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  /** Opens `page` for a visitor whose browser holds `_ttp` (as TikTok's pixel leaves it) and returns the PageView posted. */
  async function pageViewWithTtp(page: string, ttp: string): Promise<{ event: Posted; cookies: Record<string, string> }> {
    const context = await browser.newContext();
    await context.addCookies([{ name: '_ttp', value: ttp, domain: '.example.com', path: '/' }]);
    const tab = await context.newPage();
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    const url = `http://www.example.com:${port}${page}`;
    await tab.goto(url);
    const event = await waitUntil(async () => posted.find((e) => e.event_source_url === url), `the PageView of ${page}`);
    const cookies = Object.fromEntries((await context.cookies()).map((cookie) => [cookie.name, cookie.value]));
    await context.close();
    return { event, cookies };
  }

  it('sends the _ttp cookie as user_data.ttp when ad storage is granted, and reports v1.1', async () => {
    const { event, cookies } = await pageViewWithTtp('/granted?visit=1', TTP);
    expect(event.user_data).toMatchObject({ ttp: TTP, fbp: expect.stringMatching(/^fb\.1\.\d{13}\.\d+$/) });
    expect(event.context).toMatchObject({ library: 'tracking.js/v1.1' });
    // Only read: the cookie is still TikTok's, untouched.
    expect(cookies['_ttp']).toBe(TTP);
  });

  it('sends no ttp (and writes no cookie) when ad storage is denied', async () => {
    const { event, cookies } = await pageViewWithTtp('/denied?visit=2', TTP);
    expect(event.user_data ?? {}).not.toHaveProperty('ttp');
    expect(event.user_data ?? {}).not.toHaveProperty('fbp');
    expect(Object.keys(cookies)).toEqual(['_ttp']);
  });

  it('leaves out a _ttp over 512 characters or with other characters', async () => {
    const long = await pageViewWithTtp('/granted?visit=3', 'a'.repeat(513));
    expect(long.event.user_data).not.toHaveProperty('ttp');
    expect(long.event.user_data).toHaveProperty('fbp');
    const odd = await pageViewWithTtp('/granted?visit=4', 'abc%3Bdomain');
    expect(odd.event.user_data).not.toHaveProperty('ttp');
  });
});
