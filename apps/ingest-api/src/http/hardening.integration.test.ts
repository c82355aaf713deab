import { once } from 'node:events';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { createTestDatabase, seedTenant, type TestDatabase } from '@attribution/testing';
import { InProcessTransport, topicSpecs } from '@attribution/transport';
import { loadIngestConfig } from '../env';
import { startIngestApi, type RunningIngestApi } from '../composition-root';

const HEADERS_TIMEOUT_MS = 1_000;

/** The deployed listeners (public and ops) as a hostile or careless client meets them. */
describe('ingest-api HTTP hardening', () => {
  let database: TestDatabase;
  let db: Db;
  let api: RunningIngestApi;
  let lifecycle: Lifecycle;
  let secretKey: string;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    const logger = createLogger({ service: 'api', stream: new PassThrough() });
    lifecycle = new Lifecycle({ logger, timeoutMs: 5_000 });
    const config = loadIngestConfig({
      PORT: '0',
      INGEST_OPS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      KAFKA_PARTITIONS: '1',
      OTEL_SDK_DISABLED: 'true',
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    });
    const transport = new InProcessTransport();
    await transport.ensureTopics(topicSpecs(config.topics, 1));
    api = await startIngestApi(config, { db, transport, logger, lifecycle });
    ({ secretKey } = await seedTenant(db));
  });

  afterAll(async () => {
    await lifecycle.shutdown('test');
    await db.$disconnect();
    await database.drop();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json', ...headers },
      body,
    });

  it('puts the security headers on every public answer, cross-origin for the pixel, and same-origin on the ops port', async () => {
    const answers = [
      await fetch(`${api.url}/v1/tracking.js`),
      await fetch(`${api.url}/health`),
      await post('{"events":[]}'),
      await fetch(`${api.url}/nowhere`),
    ];
    for (const response of answers) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    const ops = await fetch(`${api.opsUrl}/metrics`);
    expect(ops.status).toBe(200);
    expect(ops.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(ops.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers bad requests with a short JSON error: no stack trace, no framework banner, no echo of the body', async () => {
    const cases: Array<[string, Promise<Response>, number]> = [
      ['unknown path', fetch(`${api.url}/wp-admin/setup.php`), 404],
      ['wrong method', fetch(`${api.url}/v1/events`, { method: 'DELETE' }), 404],
      ['malformed JSON', post('{"events": [ {"email":"leak@example.com",'), 400],
      ['too large', post(JSON.stringify({ events: [{ pad: 'x'.repeat(2_000_000) }] })), 413],
      ['bad encoding', post('{}', { 'content-encoding': 'br-nonsense' }), 415],
      ['ops port, POST', fetch(`${api.opsUrl}/metrics`, { method: 'POST', body: 'x' }), 405],
      ['ops port, unknown path', fetch(`${api.opsUrl}/debug/pprof`), 404],
    ];
    for (const [name, pending, status] of cases) {
      const response = await pending;
      const text = await response.text();
      expect({ name, status: response.status }).toEqual({ name, status });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(() => JSON.parse(text)).not.toThrow();
      expect({ name, text }).toEqual({ name, text: expect.not.stringMatching(/at .+\(.+:\d+:\d+\)|node_modules|Express|leak@example\.com|<html/i) });
      expect(response.headers.get('server')).toBeNull();
    }
  });

  it('cuts off a slowloris client on the public port near the headers timeout, and keeps serving others meanwhile', async () => {
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const started = Date.now();
    const closed = once(socket, 'close');
    socket.write('POST /v1/events HTTP/1.1\r\nHost: loris\r\n');
    const timer = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 150);
    // Another client is served while the slow one is held.
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    await closed;
    clearInterval(timer);
    const elapsed = Date.now() - started;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(HEADERS_TIMEOUT_MS * 2);
  });
});
