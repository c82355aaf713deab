import request from 'supertest';
import { testConsoleApp, TEST_ADMIN_TOKEN } from '../../test/console-app';
import { cookieValue, csrfField, signIn } from '../../test/sign-in';

describe('console sign-in, sessions and CSRF', () => {
  it('answers 401 without a session: the sign-in page for a browser, JSON otherwise', async () => {
    const { app } = testConsoleApp(null);
    const browser = await request(app).get('/tenants').set('accept', 'text/html');
    expect(browser.status).toBe(401);
    expect(browser.text).toContain('<form class="sign-in" method="post" action="/sign-in">');
    const script = await request(app).get('/tenants/6f1c0000-0000-4000-8000-000000000001/events').set('accept', 'application/json');
    expect(script.status).toBe(401);
    expect(script.body).toEqual({ error: 'unauthenticated', message: 'Sign in to use the console' });
    expect((await request(app).post('/tenants/x/deliveries/replay/confirm').type('form').send({ id: '1' })).status).toBe(401);
    expect((await request(app).get('/tenants/x/live-stream')).status).toBe(401);
  });

  it('signs in with the token into an HttpOnly SameSite=Strict cookie holding an opaque id, never the token', async () => {
    const { app } = testConsoleApp(null);
    const { response, cookie } = await signIn(app);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/tenants');
    const set = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('console_session='))!;
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).not.toMatch(/; Secure/);
    expect(set).not.toContain(TEST_ADMIN_TOKEN);
    expect(cookie).toMatch(/^console_session=[A-Za-z0-9_-]{43}$/);
    const page = await request(app).get('/nowhere').set('cookie', cookie).set('accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.text).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const { app } = testConsoleApp(null);
    const form = await request(app).get('/sign-in').set('x-forwarded-proto', 'https');
    expect(form.headers['set-cookie']![0]).toMatch(/; Secure/);
    const response = await request(app)
      .post('/sign-in')
      .set('x-forwarded-proto', 'https')
      .set('cookie', `console_sign_in=${cookieValue(form.headers['set-cookie'], 'console_sign_in')}`)
      .type('form')
      .send({ _csrf: csrfField(form.text), token: TEST_ADMIN_TOKEN });
    expect(cookieValue(response.headers['set-cookie'], 'console_session')).toBeDefined();
    expect((response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('console_session='))).toMatch(/; Secure/);
  });

  it('refuses a wrong token with 401 and a sign-in form without its cookie with 403', async () => {
    const { app } = testConsoleApp(null);
    const wrong = await signIn(app, `${TEST_ADMIN_TOKEN}x`);
    expect(wrong.response.status).toBe(401);
    expect(wrong.response.text).toContain('That token was not accepted.');
    expect(cookieValue(wrong.response.headers['set-cookie'], 'console_session')).toBeUndefined();
    const form = await request(app).get('/sign-in');
    const forged = await request(app).post('/sign-in').type('form').send({ _csrf: csrfField(form.text), token: TEST_ADMIN_TOKEN });
    expect(forged.status).toBe(403);
  });

  it('makes a client wait after five refused tokens (429 with Retry-After), even with the right token meanwhile', async () => {
    const { app } = testConsoleApp(null);
    for (let i = 0; i < 5; i += 1) expect((await signIn(app, `guess-${i}`)).response.status).toBe(401);
    const throttled = await signIn(app);
    expect(throttled.response.status).toBe(429);
    expect(Number(throttled.response.headers['retry-after'])).toBeGreaterThan(800);
    expect(throttled.response.text).toContain('Too many refused sign-ins; try again in 15 minute(s)');
    expect(cookieValue(throttled.response.headers['set-cookie'], 'console_session')).toBeUndefined();
    const other = testConsoleApp(null);
    expect((await signIn(other.app)).response.status).toBe(303);
  });

  it('refuses every POST without the session CSRF token (403), and signs out with it', async () => {
    const { app, replays } = testConsoleApp(null);
    const { cookie, csrf } = await signIn(app);
    const target = '/tenants/6f1c0000-0000-4000-8000-000000000001/deliveries/replay/confirm';
    expect((await request(app).post(target).set('cookie', cookie).type('form').send({ id: '1' })).status).toBe(403);
    expect((await request(app).post(target).set('cookie', cookie).type('form').send({ id: '1', _csrf: `${csrf}x` })).status).toBe(403);
    expect((await request(app).post('/sign-out').set('cookie', cookie).type('form').send({})).status).toBe(403);
    expect(replays).toEqual([]);
    const out = await request(app).post('/sign-out').set('cookie', cookie).type('form').send({ _csrf: csrf });
    expect(out.status).toBe(303);
    expect((await request(app).get('/nowhere').set('cookie', cookie)).status).toBe(401);
  });

  it('serves every page under a strict Content-Security-Policy, never cached', async () => {
    const { app } = testConsoleApp(null);
    const page = await request(app).get('/sign-in');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|style="/);
    expect((await request(app).get('/assets/live.js')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await request(app).get('/health')).body).toEqual({ status: 'ok' });
  });
});
