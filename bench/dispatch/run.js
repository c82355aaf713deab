'use strict';
/**
 * Dispatch benchmark: the whole pipeline on this machine (embedded PostgreSQL, a real Kafka
 * broker, ingest-api + outbox relay + dispatcher in one process) delivering to a local fake Meta
 * Conversions API that validates every request. It prints
 *   1. throughput: events/s from the first POST to the last event received by the destination,
 *      for a burst of events sent in batches;
 *   2. end-to-end latency at a steady rate: ingest 202 → destination received, p50/p95/p99.
 * Loopback only; every server is stopped at the end.
 *
 *   npm run build && npm run bench:dispatch -- [--events 20000] [--rate 200] [--seconds 15] [--tenants 10]
 */
const { performance } = require('node:perf_hooks');
const { createDbClient } = require('@attribution/db');
const { FakeMetaGraph, TEST_CREDENTIALS_KEY, createTestDatabase, prepareTemplateDatabase, seedTenant, startKafkaBroker, startTestPostgres } =
  require('@attribution/testing');
const { startEngine } = require('@attribution/standalone');
const { loadStandaloneEnv } = require('@attribution/standalone');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : fallback);
}

const EVENTS = option('events', 20_000);
const RATE = option('rate', 200);
const SECONDS = option('seconds', 15);
const TENANTS = option('tenants', 10);
const BATCH = 50;
const CONCURRENCY = 8;

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function event(id) {
  return {
    event_id: id,
    event_name: 'Purchase',
    event_time: Math.floor(Date.now() / 1000),
    event_source_url: 'https://shop.example/checkout',
    user_data: { email: `buyer-${id}@example.com`, client_ip_address: '203.0.113.9', client_user_agent: 'Mozilla/5.0 (bench)' },
    custom_data: { currency: 'EUR', value: 42 },
    consent: { ad_storage: 'granted', ad_user_data: 'granted', analytics_storage: 'granted' },
  };
}

async function post(url, key, body) {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

async function waitFor(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const pg = await startTestPostgres();
  const kafka = await startKafkaBroker();
  const meta = await new FakeMetaGraph().start();
  let engine;
  try {
    await prepareTemplateDatabase(pg.adminUrl);
    const database = await createTestDatabase(pg.adminUrl);
    const db = createDbClient(database.url);
    const keys = [];
    for (let t = 0; t < TENANTS; t += 1) {
      const pixel = String(9000 + t);
      const { secretKey } = await seedTenant(db, { meta: { pixelId: pixel, accessToken: `EAAtoken${pixel}` } });
      meta.allow(pixel, `EAAtoken${pixel}`);
      keys.push(secretKey);
    }
    engine = await startEngine(
      loadStandaloneEnv({
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_PARTITIONS: '6',
        CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
        META_GRAPH_URL: meta.baseUrl,
        PORT: '0',
        DISPATCHER_PORT: '0',
        PRUNER_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DEMO_TENANT: 'false',
        RATE_LIMIT_PER_SECOND: '1000000',
        RATE_LIMIT_BURST: '1000000',
        OTEL_SDK_DISABLED: 'true',
      }),
      { handleSignals: false },
    );

    // 1. Burst throughput.
    const burstIds = Array.from({ length: EVENTS }, (_, i) => `burst-${i}`);
    const batches = [];
    for (let i = 0; i < burstIds.length; i += BATCH) batches.push(burstIds.slice(i, i + BATCH));
    const burstStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) {
          const index = next++;
          await post(engine.ingestUrl, keys[index % keys.length], { events: batches[index].map(event) });
        }
      }),
    );
    const ingested = Date.now();
    await waitFor(() => burstIds.every((id) => meta.arrivals.has(id)), 600_000, 'the burst to be delivered');
    const lastArrival = Math.max(...burstIds.map((id) => meta.arrivals.get(id)));
    const burstSeconds = (lastArrival - burstStart) / 1000;

    // 2. Steady-rate latency.
    const sentAt = new Map();
    const steadyIds = [];
    const started = performance.now();
    const total = RATE * SECONDS;
    const inFlight = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = `steady-${i}`;
      steadyIds.push(id);
      inFlight.push(post(engine.ingestUrl, keys[i % keys.length], event(id)).then(() => sentAt.set(id, Date.now())));
    }
    await Promise.all(inFlight);
    await waitFor(() => steadyIds.every((id) => meta.arrivals.has(id)), 120_000, 'the steady events to be delivered');
    const latencies = steadyIds.map((id) => meta.arrivals.get(id) - sentAt.get(id)).sort((a, b) => a - b);

    const unique = meta.uniqueEvents().size;
    const report = {
      machine: { cpus: require('node:os').cpus().length, model: require('node:os').cpus()[0]?.model, memoryGiB: Math.round(require('node:os').totalmem() / 2 ** 30) },
      burst: { events: EVENTS, tenants: TENANTS, ingestSeconds: (ingested - burstStart) / 1000, deliveredSeconds: burstSeconds, eventsPerSecond: Math.round(EVENTS / burstSeconds) },
      steady: { rate: RATE, seconds: SECONDS, events: total, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) },
      destination: { requests: meta.received.length, events: meta.eventsReceived().length, unique, rejected: meta.rejected.length },
    };
    console.log(JSON.stringify(report, null, 2));
    console.log(
      `\nburst: ${EVENTS} events from ${TENANTS} tenants delivered in ${burstSeconds.toFixed(1)} s = ${report.burst.eventsPerSecond} events/s end to end` +
        `\nsteady ${RATE} events/s for ${SECONDS} s: ingest 202 → Meta received p50 ${report.steady.p50} ms, p95 ${report.steady.p95} ms, p99 ${report.steady.p99} ms` +
        `\ndestination: ${report.destination.requests} requests, ${report.destination.events} events (${unique} unique), ${report.destination.rejected} rejected`,
    );
    await db.$disconnect();
  } finally {
    if (engine) await engine.lifecycle.shutdown('bench');
    await meta.stop();
    await kafka.stop();
    await pg.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
