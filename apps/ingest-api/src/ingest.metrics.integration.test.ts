import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { createTestDatabase, seedTenant, type TestDatabase, waitUntil } from '@attribution/testing';
import { InProcessTransport, topicSpecs } from '@attribution/transport';
import { loadIngestConfig } from './env';
import { startIngestApi, type RunningIngestApi } from './composition-root';

/** Drives real traffic through the ingest-api, then reads the KPIs back from GET /metrics. */
describe('ingest-api metrics', () => {
  let database: TestDatabase;
  let db: Db;
  let api: RunningIngestApi;
  let lifecycle: Lifecycle;
  let published = 0;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    const logger = createLogger({ service: 'api', stream: new PassThrough() });
    lifecycle = new Lifecycle({ logger, timeoutMs: 5_000 });
    const config = loadIngestConfig({ PORT: '0', INGEST_OPS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, KAFKA_PARTITIONS: '1', OTEL_SDK_DISABLED: 'true' });
    const transport = new InProcessTransport();
    await transport.ensureTopics(topicSpecs(config.topics, 1));
    api = await startIngestApi(config, { db, transport, logger, lifecycle, onPublished: (n) => (published += n) });
  });

  afterAll(async () => {
    await lifecycle.shutdown('test');
    await db.$disconnect();
    await database.drop();
  });

  const scrape = async () => (await fetch(`${api.opsUrl}/metrics`)).text();
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : undefined;
  };

  it('serves /metrics (it carries tenant ids) on the ops port only; the public port has no such route', async () => {
    const publicAnswer = await fetch(`${api.url}/metrics`);
    expect(publicAnswer.status).toBe(404);
    expect(await publicAnswer.text()).not.toContain('attribution_');
    const ops = await fetch(`${api.opsUrl}/metrics`);
    expect(ops.status).toBe(200);
    expect(await ops.text()).toContain('attribution_ingest_requests_total');
    expect((await fetch(`${api.opsUrl}/ready`)).status).toBe(200);
    expect((await fetch(`${api.url}/health`)).status).toBe(200);
  });

  it('counts requests by tenant and status, events, latency, payload size, outbox progress and tracking.js responses', async () => {
    const { tenant, secretKey } = await seedTenant(db);
    const post = (key: string, body: unknown) =>
      fetch(`${api.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const event = (id: string) => ({ event_id: id, event_name: 'Lead', event_time: Math.floor(Date.now() / 1000), action_source: 'system_generated' });
    for (const id of ['m1', 'm2', 'm3']) expect((await post(secretKey, event(id))).status).toBe(202);
    expect((await post(secretKey, event('m1'))).status).toBe(202); // duplicate
    expect((await post(`sk_${'z'.repeat(32)}`, event('x'))).status).toBe(401);
    await waitUntil(async () => published >= 3, 'the relay to publish');
    await waitUntil(async () => value(await scrape(), 'attribution_outbox_published_total') === 3, 'the outbox counter');

    const text = await scrape();
    expect(value(text, `attribution_ingest_requests_total{tenant="${tenant.id}",status="202"}`)).toBe(4);
    expect(value(text, 'attribution_ingest_requests_total{tenant="unknown",status="401"}')).toBe(1);
    expect(value(text, `attribution_ingest_events_total{tenant="${tenant.id}",result="accepted"}`)).toBe(3);
    expect(value(text, `attribution_ingest_events_total{tenant="${tenant.id}",result="duplicate"}`)).toBe(1);
    expect(value(text, 'attribution_ingest_request_duration_seconds_count{status="202"}')).toBe(4);
    expect(value(text, 'attribution_ingest_request_duration_seconds_bucket{le="0.05",status="202"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'attribution_ingest_payload_bytes_count')).toBe(5);
    expect(value(text, 'attribution_dependency_up{dependency="postgres"}')).toBe(1);
    expect(text).toMatch(/^attribution_build_info\{service="ingest-api",version="dev"\} 1$/m);
    expect(text).toContain('attribution_process_cpu_seconds_total');
    // tracking.js: a whole file, then a revalidation of the same representation.
    const script = await fetch(`${api.url}/v1/tracking.js`);
    expect(script.status).toBe(200);
    await script.arrayBuffer();
    const etag = script.headers.get('etag')!;
    expect((await fetch(`${api.url}/v1/tracking.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${api.url}/v9/tracking.js`)).status).toBe(404);
    const after = await scrape();
    expect(value(after, 'attribution_pixel_requests_total{version="v1",status="200"}')).toBe(1);
    expect(value(after, 'attribution_pixel_requests_total{version="v1",status="304"}')).toBe(1);
    expect(after).not.toContain('version="v9"');
    // No label carries an event id, a key or user data.
    expect(text).not.toMatch(/m1|sk_|zzzz/);
  });
});
