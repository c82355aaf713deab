import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { createLogger } from '@attribution/core';
import { ApiKeyRepository, PrismaEventWriter, createDbClient, type Db } from '@attribution/db';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { createApp } from './app';
import { ApiKeyService } from './auth/api-key.service';
import { RateLimiter } from './http/rate-limiter';
import { EventService } from './events/event.service';
import { loadOpenApiDocument } from './openapi/openapi-document.loader';
import { loadVerifiedPixels } from './pixel/verified-pixels.loader';

const now = () => Date.now();
const event = (overrides: Record<string, unknown> = {}) => ({
  event_id: `e-${Math.random().toString(36).slice(2)}`,
  event_name: 'Purchase',
  event_time: Math.floor(now() / 1000),
  event_source_url: 'https://shop.example/',
  user_data: { email: 'jane@example.com', phone: '+1 415 555 2671' },
  ...overrides,
});

describe('ingest-api HTTP contract (real PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Db;
  let app: ReturnType<typeof createApp>;
  let logs: string;
  let stored = 0;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    const stream = new PassThrough();
    logs = '';
    stream.on('data', (c: Buffer) => (logs += c.toString()));
    const logger = createLogger({ service: 'api', stream });
    app = createApp({
      logger,
      apiKeys: new ApiKeyService({ cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, maxEntries: 1000 }, { store: new ApiKeyRepository(db) }),
      events: new EventService({ writer: new PrismaEventWriter(db), onStored: () => (stored += 1), logger }),
      rateLimiter: new RateLimiter({ perSecond: 1, burst: 40 }),
      readiness: { postgres: () => db.$queryRaw`SELECT 1`.then(() => undefined) },
      pixels: loadVerifiedPixels(),
      openApiDocument: loadOpenApiDocument(),
      isStopping: () => false,
      http: { bodyLimitBytes: 64 * 1024, trustProxy: 'loopback' },
    });
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  it('serves liveness and readiness', async () => {
    await request(app).get('/health').expect(200, { status: 'ok' });
    await request(app).get('/ready').expect(200, { status: 'ready', checks: { postgres: 'ok' } });
  });

  it('accepts one event or a batch with a secret key and reports duplicates', async () => {
    const { secretKey } = await seedTenant(db);
    const first = event();
    const single = await request(app).post('/v1/events').set('Authorization', `Bearer ${secretKey}`).send(first).expect(202);
    expect(single.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(single.headers['traceparent']).toMatch(new RegExp(`^00-${single.body.trace_id}-[0-9a-f]{16}-01$`));
    const batch = await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${secretKey}`)
      .send({ events: [first, event(), event()] })
      .expect(202);
    expect(batch.body).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(stored).toBeGreaterThanOrEqual(2);
  });

  it('keeps tenants apart: the same event id is new for another tenant, and rows belong to the key owner', async () => {
    const a = await seedTenant(db);
    const b = await seedTenant(db);
    const shared = event({ event_id: 'same-id' });
    await request(app).post('/v1/events').set('Authorization', `Bearer ${a.secretKey}`).send(shared).expect(202);
    const forB = await request(app).post('/v1/events').set('Authorization', `Bearer ${b.secretKey}`).send(shared).expect(202);
    expect(forB.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await db.event.count({ where: { eventId: 'same-id', tenantId: a.tenant.id } })).toBe(1);
    expect(await db.event.count({ where: { eventId: 'same-id', tenantId: b.tenant.id } })).toBe(1);
  });

  it.each([
    ['no key', {}, 401, 'Missing or malformed API key'],
    ['an unknown key', { Authorization: `Bearer sk_${'x'.repeat(32)}` }, 401, 'Unknown API key'],
  ])('answers 401 for %s', async (_case, headers, status, message) => {
    const response = await request(app).post('/v1/events').set(headers).send(event()).expect(status);
    expect(response.body.message).toBe(message);
  });

  it('answers 401 for a revoked key', async () => {
    const { tenant, secretKey } = await seedTenant(db);
    await db.apiKey.updateMany({ where: { tenantId: tenant.id }, data: { revokedAt: new Date() } });
    const response = await request(app).post('/v1/events').set('Authorization', `Bearer ${secretKey}`).send(event()).expect(401);
    expect(response.body.message).toBe('API key has been revoked');
  });

  it('rejects bad bodies with 4xx, a useful message and no personal data echoed', async () => {
    const { secretKey } = await seedTenant(db);
    const post = () => request(app).post('/v1/events').set('Authorization', `Bearer ${secretKey}`);
    expect((await post().set('Content-Type', 'application/json').send('{"event_id": "x",')).body).toEqual({ error: 'invalid_json', message: 'Invalid JSON' });
    await post().set('Content-Type', 'application/xml').send('<event/>').expect(415);
    await post().set('Content-Type', 'application/json').send(JSON.stringify({ events: [event({ pad: 'x'.repeat(70_000) })] })).expect(413);

    const invalid = await post()
      .send({
        events: [
          event(),
          event({ event_time: Date.now(), user_data: { email: 'secret.person@example.com', phone: 12 }, colour: 'red', context: { referrer: 'https://a.example/' } }),
        ],
      })
      .expect(400);
    expect(invalid.body.error).toBe('validation_failed');
    expect(invalid.body.details).toEqual(
      expect.arrayContaining([
        { index: 1, field: 'user_data.phone', message: expect.any(String) },
        { index: 1, field: 'colour', message: 'is not allowed' },
        { index: 1, field: 'context.referrer', message: 'is not allowed' },
      ]),
    );
    expect(JSON.stringify(invalid.body)).not.toContain('secret.person');
    const tooLate = await post().send(event({ event_time: Math.floor(now() / 1000) + 3600 })).expect(400);
    expect(tooLate.body.details[0]).toMatchObject({ index: 0, field: 'event_time', message: expect.stringContaining('milliseconds') });
    expect(logs).not.toContain('secret.person');
  });

  it('stores hashed identifiers only', async () => {
    const { tenant, secretKey } = await seedTenant(db, { defaultCountry: 'US' });
    await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${secretKey}`)
      .send(event({ event_id: 'hashed-1', user_data: { email: 'Jane@Example.com', phone: '(415) 555-2671' } }))
      .expect(202);
    const row = await db.event.findFirstOrThrow({ where: { tenantId: tenant.id, eventId: 'hashed-1' } });
    const userData = row.userData as { meta: Record<string, string[]>; google: Record<string, string[]> };
    // sha256("jane@example.com"), sha256("14155552671"), sha256("+14155552671")
    expect(userData.meta['em']).toEqual(['8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d']);
    expect(userData.meta['ph']).toEqual(['758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0']);
    expect(userData.google['sha256_phone_number']).toEqual(['cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928']);
    expect(JSON.stringify(row.userData)).not.toMatch(/jane|555/i);
  });

  it('stores the page context with the referrer cut to origin and path, and {} for an event without one', async () => {
    const { tenant, secretKey } = await seedTenant(db);
    const context = { visitor_id: 'v-123', utm_source: 'newsletter', library: 'tracking.js/v1' };
    await request(app)
      .post('/v1/events')
      .set('Authorization', `Bearer ${secretKey}`)
      .send({
        events: [
          event({ event_id: 'ctx-1', context: { ...context, page_referrer: 'https://mail.example/reset?email=jane@example.com#t=1' } }),
          event({ event_id: 'ctx-none' }),
        ],
      })
      .expect(202);
    const rows = await db.event.findMany({ where: { tenantId: tenant.id }, orderBy: { eventId: 'asc' }, select: { eventId: true, context: true } });
    expect(rows).toEqual([
      { eventId: 'ctx-1', context: { ...context, page_referrer: 'https://mail.example/reset' } },
      { eventId: 'ctx-none', context: {} },
    ]);
  });

  describe('browsers and public keys', () => {
    const ORIGIN = 'https://shop.example';

    it('answers the CORS preflight without allowing the Authorization header', async () => {
      const response = await request(app)
        .options('/v1/events')
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type, x-api-key')
        .expect(204);
      expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(response.headers['access-control-allow-methods']).toContain('POST');
      expect(response.headers['access-control-allow-headers']).toBe('content-type, x-api-key, traceparent');
      expect(response.headers['vary']).toContain('Origin');
    });

    it('accepts a public key only from an allowed origin, also as a sendBeacon query parameter', async () => {
      const { publicKey } = await seedTenant(db, { allowedOrigins: [ORIGIN] });
      const ok = await request(app).post('/v1/events').set('Origin', ORIGIN).set('x-api-key', publicKey).send(event()).expect(202);
      expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(ok.headers['access-control-expose-headers']).toContain('traceparent');
      await request(app)
        .post(`/v1/events?key=${publicKey}`)
        .set('Origin', ORIGIN)
        .set('Content-Type', 'text/plain;charset=UTF-8')
        .send(JSON.stringify(event()))
        .expect(202);
      const foreign = await request(app).post('/v1/events').set('Origin', 'https://evil.example').set('x-api-key', publicKey).send(event()).expect(403);
      expect(foreign.body.message).toBe('Origin is not allowed for this key');
      await request(app).post('/v1/events').set('x-api-key', publicKey).send(event()).expect(403);
    });

    it('never accepts a secret key from a browser or in the URL', async () => {
      const { secretKey } = await seedTenant(db, { allowedOrigins: [ORIGIN] });
      const fromBrowser = await request(app).post('/v1/events').set('Origin', ORIGIN).set('Authorization', `Bearer ${secretKey}`).send(event()).expect(403);
      expect(fromBrowser.body.message).toContain('Secret keys must not be used from a browser');
      await request(app).post(`/v1/events?key=${secretKey}`).send(event()).expect(401);
    });

    it('takes IP and user agent from the connection for public keys, not from the body', async () => {
      const { tenant, publicKey } = await seedTenant(db, { allowedOrigins: [ORIGIN] });
      await request(app)
        .post('/v1/events')
        .set('Origin', ORIGIN)
        .set('x-api-key', publicKey)
        .set('User-Agent', 'RealBrowser/1.0')
        .set('X-Forwarded-For', '198.51.100.23') // from loopback, a trusted proxy by default
        .send(event({ event_id: 'browser-1', user_data: { client_ip_address: '1.2.3.4', client_user_agent: 'Forged/1.0' } }))
        .expect(202);
      const row = await db.event.findFirstOrThrow({ where: { tenantId: tenant.id, eventId: 'browser-1' } });
      expect(row).toMatchObject({ ipAddress: '198.51.100.23', userAgent: 'RealBrowser/1.0' });
    });
  });

  it('limits each tenant separately and says when to retry', async () => {
    const noisy = await seedTenant(db);
    const quiet = await seedTenant(db);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1) {
      statuses.push((await request(app).post('/v1/events').set('Authorization', `Bearer ${noisy.secretKey}`).send(event())).status);
    }
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(40);
    const limited = await request(app).post('/v1/events').set('Authorization', `Bearer ${noisy.secretKey}`).send(event()).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body).toEqual({ error: 'rate_limited', message: 'Too many requests for this tenant; retry later' });
    await request(app).post('/v1/events').set('Authorization', `Bearer ${quiet.secretKey}`).send(event()).expect(202);
  });

  it('answers 404 for unknown paths', async () => {
    await request(app).get('/nope').expect(404);
  });

  describe('the tracking pixel', () => {
    it('serves /v1/tracking.js: the published bytes in every encoding, CDN headers, no API key', async () => {
      const published = readFileSync(join(__dirname, '../../../packages/pixel/versions/v1/tracking.js'));
      for (const encoding of ['identity', 'gzip', 'br']) {
        // Supertest decodes gzip and br, so the body compares with the file as published.
        const response = await request(app).get('/v1/tracking.js').set('Accept-Encoding', encoding).responseType('blob').expect(200);
        expect(Buffer.compare(response.body as Buffer, published)).toBe(0);
        expect(response.headers).toMatchObject({
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'public, max-age=3600',
          vary: 'Accept-Encoding',
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
          'timing-allow-origin': '*',
          'x-content-type-options': 'nosniff',
          etag: expect.stringMatching(encoding === 'identity' ? /^"[^"-]+"$/ : new RegExp(`^"[^"-]+-${encoding}"$`)),
        });
        expect(response.headers['content-encoding']).toBe(encoding === 'identity' ? undefined : encoding);
        // Shared by every visitor through a CDN, so it carries no one's trace id.
        expect(response.headers['traceparent']).toBeUndefined();
        await request(app).get('/v1/tracking.js').set('Accept-Encoding', encoding).set('If-None-Match', response.headers['etag']!).expect(304);
      }
    });

    it('answers an unpublished version with the app’s 404, echoing nothing', async () => {
      const response = await request(app).get('/v0-unpublished/tracking.js').expect(404);
      expect(response.body).toEqual({ error: 'not_found', message: 'No such endpoint' });
    });
  });
});
