import { createDbClient, type Db } from '@attribution/db';
import {
  FakeMetaGraph,
  TEST_CREDENTIALS_KEY,
  createTestDatabase,
  seedTenant,
  spawnApp,
  startJaeger,
  uniqueTopicPrefix,
  waitUntil,
  type Jaeger,
  type SpawnedApp,
  type TestDatabase,
} from '@attribution/testing';

// The first run on a machine builds Jaeger from the Go module proxy.
jest.setTimeout(20 * 60_000);

interface JaegerTrace {
  spans: Array<{
    spanID: string;
    operationName: string;
    processID: string;
    references?: Array<{ refType: string; spanID: string }>;
    tags: Array<{ key: string; value: unknown }>;
  }>;
  processes: Record<string, { serviceName: string }>;
}

/** attribution_trace_roots_total of the app serving /metrics on `port`, by decision. */
async function traceRoots(port: string): Promise<Record<'sampled' | 'ratio' | 'rate_limited', number>> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const count = (decision: string) => Number(new RegExp(`^attribution_trace_roots_total\\{decision="${decision}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
  return { sampled: count('sampled'), ratio: count('ratio'), rate_limited: count('rate_limited') };
}

/** The first log line of `event` the app wrote. */
const logLine = (app: SpawnedApp, event: string) =>
  app
    .stdout()
    .split('\n')
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as { trace_id: string | null })[0];

/**
 * One event, one trace: the ingest-api and the dispatcher run as separate processes exporting
 * to a real Jaeger, and the trace id in the 202 response finds spans from both services — the
 * request, the database write, the Kafka publish, the consume, the consent decision and the
 * Meta call — and the same id is on both services' log lines.
 */
describe('one trace per event across services (real Jaeger)', () => {
  let jaeger: Jaeger;
  let database: TestDatabase;
  let db: Db;
  const meta = new FakeMetaGraph();
  const apps: SpawnedApp[] = [];

  beforeAll(async () => {
    jaeger = await startJaeger();
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    await meta.start();
  });

  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL');
    await db?.$disconnect();
    await meta.stop();
    await database?.drop();
    await jaeger?.stop();
  });

  /** The ingest-api and the dispatcher as separate processes exporting to Jaeger, for one tenant. */
  async function startServices(pixelId: string, env: Record<string, string> = {}) {
    const { secretKey } = await seedTenant(db, { meta: { pixelId, accessToken: `EAAtrace${pixelId}` } });
    meta.allow(pixelId, `EAAtrace${pixelId}`);
    const common = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
      KAFKA_PARTITIONS: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      ...env,
    };
    const started = /"event":"service_started","meta":\{"port":(\d+)\}/;
    const ingest = spawnApp('apps/ingest-api/dist/main.js', { ...common, PORT: '0', INGEST_OPS_PORT: '0' });
    apps.push(ingest);
    const [, port, opsPort] = await ingest.waitForOutput(/"event":"service_started","meta":\{"port":(\d+),"ops_port":(\d+)\}/);
    const dispatcher = spawnApp('apps/dispatcher/dist/main.js', { ...common, DISPATCHER_PORT: '0', META_GRAPH_URL: meta.baseUrl, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY });
    apps.push(dispatcher);
    const [, dispatcherPort] = await dispatcher.waitForOutput(started);
    /** Sends one Lead; resolves with the response once Meta received it. */
    const sendLead = async (eventId: string) => {
      const delivered = meta.eventsReceived().length;
      const response = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          event_id: eventId,
          event_name: 'Lead',
          event_time: Math.floor(Date.now() / 1000),
          action_source: 'system_generated',
          user_data: { external_id: `crm-${eventId}` },
          consent: { ad_storage: 'granted', ad_user_data: 'granted' },
        }),
      });
      expect(response.status).toBe(202);
      const { trace_id: traceId } = (await response.json()) as { trace_id: string };
      await meta.waitForEvents(delivered + 1);
      return { traceId, traceparent: response.headers.get('traceparent') };
    };
    return { ingest, port: port!, opsPort: opsPort!, dispatcher, dispatcherPort: dispatcherPort!, sendLead };
  }

  it('joins ingest and dispatch in the trace named by the response, and logs carry its id', async () => {
    const { ingest, opsPort, dispatcher, sendLead } = await startServices('777');
    const { traceId, traceparent } = await sendLead('traced-1');
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    // The request started a trace, and the sampler says so (one per request, none left out).
    const roots = await traceRoots(opsPort);
    expect(roots.sampled).toBeGreaterThanOrEqual(1);
    expect([roots.ratio, roots.rate_limited]).toEqual([0, 0]);

    // Spans are exported in batches; stopping the services flushes them.
    expect(await ingest.stop('SIGTERM')).toBe(0);
    expect(await dispatcher.stop('SIGTERM')).toBe(0);
    const trace = await waitUntil(
      async () => {
        const reply = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`);
        if (!reply.ok) return undefined;
        const [found] = ((await reply.json()) as { data?: JaegerTrace[] }).data ?? [];
        const services = new Set(Object.values(found?.processes ?? {}).map((p) => p.serviceName));
        return services.has('ingest-api') && services.has('dispatcher') ? found : undefined;
      },
      'the trace to hold spans of both services',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const operations = (service: string) =>
      trace.spans.filter((s) => trace.processes[s.processID]?.serviceName === service).map((s) => s.operationName);
    expect(operations('ingest-api')).toEqual(expect.arrayContaining(['POST /v1/events', 'events insert', expect.stringMatching(/events\.ingested publish$/)]));
    expect(operations('dispatcher')).toEqual(expect.arrayContaining([expect.stringMatching(/events\.ingested process$/), 'consent decision', 'meta send']));
    // The request's SERVER span (the ingest-api's own middleware) is named after the route and
    // carries the status; the database write is its child.
    const server = trace.spans.find((s) => s.operationName === 'POST /v1/events')!;
    expect(server.tags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'http.route', value: '/v1/events' }),
        expect.objectContaining({ key: 'http.response.status_code', value: 202 }),
        expect.objectContaining({ key: 'span.kind', value: 'server' }),
      ]),
    );
    const insert = trace.spans.find((s) => s.operationName === 'events insert')!;
    expect(insert.references).toEqual([expect.objectContaining({ refType: 'CHILD_OF', spanID: server.spanID })]);
    const send = trace.spans.find((s) => s.operationName === 'meta send')!;
    expect(send.tags).toEqual(expect.arrayContaining([{ key: 'http.response.status_code', type: 'int64', value: 200 }].map((t) => expect.objectContaining({ key: t.key, value: t.value }))));

    expect(logLine(ingest, 'ingest_received')?.trace_id).toBe(traceId);
    expect(logLine(dispatcher, 'dispatch_success')?.trace_id).toBe(traceId);
  });

  it('leaves out a request the sampler leaves out in every service: same trace id in both logs, no trace started downstream', async () => {
    const { ingest, opsPort, dispatcher, dispatcherPort, sendLead } = await startServices('778', { OTEL_TRACES_SAMPLER_ARG: '0' });
    const { traceId, traceparent } = await sendLead('unsampled-1');
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));

    // The ingest-api decided once; the dispatcher followed the unsampled parent from the message.
    // Scraping /metrics is not traced, so it adds no decision of its own.
    expect(await traceRoots(opsPort)).toEqual({ sampled: 0, ratio: 1, rate_limited: 0 });
    expect(await traceRoots(dispatcherPort)).toEqual({ sampled: 0, ratio: 0, rate_limited: 0 });
    expect(logLine(ingest, 'ingest_received')?.trace_id).toBe(traceId);
    // Meta's 200 comes before the dispatcher records the outcome and logs it: await the line.
    await dispatcher.waitForOutput(/"event":"dispatch_success"/);
    expect(logLine(dispatcher, 'dispatch_success')?.trace_id).toBe(traceId);
  });
});
