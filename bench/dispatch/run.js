'use strict';
/**
 * Dispatch benchmark: the whole pipeline on this machine (test PostgreSQL, a real Kafka broker,
 * ingest-api + outbox relay + dispatcher in one process, `startEngine`) delivering to the strict
 * fakes of the ad platforms. Two scenarios in the same run, taking turns (ABBA...): tenants whose
 * only destination is `--baseline` (default meta), and tenants with every platform of
 * `--platforms` (default all four). For each it prints
 *   1. throughput: events/s from the first POST of a burst until every delivery of it is
 *      recorded as sent (deliveries.sent_at);
 *   2. end-to-end latency at a steady rate: the event stored (events.received_at) → its last
 *      destination recorded as sent, p50/p95/p99;
 * and the ratios of the two. Loopback only; every server is stopped at the end.
 *
 *   npm run build && npm run bench:dispatch -- [--events 5000] [--rate 100] [--seconds 10] [--tenants 10] [--rounds 1]
 *     [--platforms meta,ga4,google_ads,tiktok] [--baseline meta]
 *
 * With `--preload N` it measures the dispatcher alone instead (preload.js): N events pre-loaded
 * in the topic, one dispatcher process, then a steady `--rate` (default 1000) for `--seconds`:
 *   npm run bench:dispatch -- --preload 100000 [--platforms meta] [--tenants 10] [--rounds 2]
 *     [--baseline-root /path/to/other/checkout] [--baseline-env K=V,K=V] [--env K=V,K=V] [--profile] [--out-dir /tmp/bench-dispatch]
 */
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { createDbClient } = require('@attribution/db');
const { PLATFORM_IDS } = require('@attribution/destinations');
const { TEST_CREDENTIALS_KEY, createTestDatabase, prepareTemplateDatabase, seedTenant, startKafkaBroker, startTestPostgres } = require('@attribution/testing');
const { startEngine, loadStandaloneEnv } = require('@attribution/standalone');
const { checkPlatforms, configure, startFakes } = require('./destinations');
const { benchEvent: event } = require('./bench-event');
const { post, settledDeliveries, steadyLatencies, percentile, waitFor } = require('./measure');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const EVENTS = Number(option('events', 5_000));
const RATE = Number(option('rate', 100));
const SECONDS = Number(option('seconds', 10));
const TENANTS = Number(option('tenants', 10));
const ROUNDS = Number(option('rounds', 1));
const PLATFORMS = option('platforms', PLATFORM_IDS.join(',')).split(',');
const BASELINE = option('baseline', 'meta').split(',');
const BATCH = 50;
const CONCURRENCY = 8;

let scenarioNumber = 0;

/** One scenario: fresh tenants with `platforms`, a burst, then a steady rate. */
async function runScenario(ctx, platforms) {
  scenarioNumber += 1;
  const tag = `s${scenarioNumber}`;
  const tenants = [];
  const keys = [];
  for (let t = 0; t < TENANTS; t += 1) {
    const { tenant, secretKey } = await seedTenant(ctx.db);
    await configure(ctx.db, ctx.fakes, tenant.id, scenarioNumber * 1000 + t, platforms);
    tenants.push(tenant.id);
    keys.push(secretKey);
  }
  const burstIds = Array.from({ length: EVENTS }, (_, i) => `${tag}-burst-${i}`);
  const started = Date.now();
  let next = 0;
  const batches = [];
  for (let i = 0; i < burstIds.length; i += BATCH) batches.push(burstIds.slice(i, i + BATCH));
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const index = next++;
        await post(ctx.ingestUrl, keys[index % keys.length], { events: batches[index].map((id, j) => event(id, index * BATCH + j)) });
      }
    }),
  );
  const expected = EVENTS * platforms.length;
  const burst = await waitFor(() => settledDeliveries(ctx.db, tenants, `${tag}-burst-%`), (s) => s.settled >= expected, 600_000, 'the burst to be delivered');
  if (burst.sent !== expected) throw new Error(`burst: ${burst.sent} of ${expected} deliveries sent (${JSON.stringify(burst.byStatus)})`);
  const burstSeconds = (burst.lastSentAt - started) / 1000;

  const steadyStart = performance.now();
  const total = RATE * SECONDS;
  const inFlight = [];
  for (let i = 0; i < total; i += 1) {
    const wait = steadyStart + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(post(ctx.ingestUrl, keys[i % keys.length], event(`${tag}-steady-${i}`, EVENTS + i)));
  }
  await Promise.all(inFlight);
  const steadyExpected = total * platforms.length;
  const steady = await waitFor(() => settledDeliveries(ctx.db, tenants, `${tag}-steady-%`), (s) => s.settled >= steadyExpected, 120_000, 'the steady events to be delivered');
  if (steady.sent !== steadyExpected) throw new Error(`steady: ${steady.sent} of ${steadyExpected} deliveries sent (${JSON.stringify(steady.byStatus)})`);
  const latencies = await steadyLatencies(ctx.db, tenants, `${tag}-steady-%`);
  return {
    platforms: platforms.join('+'),
    eventsPerSecond: Math.round(EVENTS / burstSeconds),
    deliveriesPerSecond: Math.round(expected / burstSeconds),
    burstSeconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

async function main() {
  checkPlatforms([...PLATFORMS, ...BASELINE]);
  const pg = await startTestPostgres();
  const kafka = await startKafkaBroker();
  const fakes = await startFakes();
  let engine;
  let db;
  try {
    await prepareTemplateDatabase(pg.adminUrl);
    const database = await createTestDatabase(pg.adminUrl);
    db = createDbClient(database.url);
    engine = await startEngine(
      loadStandaloneEnv({
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_PARTITIONS: '6',
        CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
        ...fakes.env,
        PORT: '0',
        INGEST_OPS_PORT: '0',
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
    const ctx = { db, fakes: fakes.fakes, ingestUrl: engine.ingestUrl };
    const results = { baseline: [], all: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // ABBA: neither scenario always runs on a warmer engine.
      const order = round % 2 === 0 ? ['baseline', 'all'] : ['all', 'baseline'];
      for (const which of order) {
        const result = await runScenario(ctx, which === 'baseline' ? BASELINE : PLATFORMS);
        results[which].push(result);
        console.log(`round ${round + 1} ${result.platforms}: ${result.eventsPerSecond} events/s (${result.deliveriesPerSecond} deliveries/s), steady ${RATE}/s p50 ${result.p50} ms p95 ${result.p95} ms p99 ${result.p99} ms`);
      }
    }
    // Every request the fakes refused as invalid would be a mapping bug, not a figure.
    const invalid = Object.entries(fakes.fakes).map(([id, fake]) => [id, (fake.invalid ?? fake.rejected ?? []).length]).filter(([, n]) => n > 0);
    if (invalid.length > 0) throw new Error(`the fakes refused requests as invalid: ${JSON.stringify(Object.fromEntries(invalid))}`);
    const summary = (list) => ({ eventsPerSecond: median(list.map((r) => r.eventsPerSecond)), deliveriesPerSecond: median(list.map((r) => r.deliveriesPerSecond)), p95: median(list.map((r) => r.p95)) });
    const base = summary(results.baseline);
    const all = summary(results.all);
    const cpus = os.cpus();
    console.log(JSON.stringify({ machine: { cpus: cpus.length, model: cpus[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) }, options: { EVENTS, RATE, SECONDS, TENANTS, ROUNDS }, results }, null, 2));
    console.log(
      `\nmedians over ${ROUNDS} round(s), ${EVENTS}-event bursts from ${TENANTS} tenants, steady ${RATE} events/s for ${SECONDS} s:` +
        `\n  ${BASELINE.join('+')}: ${base.eventsPerSecond} events/s, p95 ${base.p95} ms` +
        `\n  ${PLATFORMS.join('+')}: ${all.eventsPerSecond} events/s (${all.deliveriesPerSecond} deliveries/s), p95 ${all.p95} ms` +
        `\n  ratio: ${(all.eventsPerSecond / base.eventsPerSecond).toFixed(2)} × the events/s, ${(all.deliveriesPerSecond / base.deliveriesPerSecond).toFixed(2)} × the deliveries/s, ${(all.p95 / base.p95).toFixed(2)} × the p95`,
    );
  } finally {
    if (engine) await engine.lifecycle.shutdown('bench');
    await db?.$disconnect();
    await fakes.stop();
    await kafka.stop();
    await pg.stop();
  }
}

/** `K=V,K=V` as an object. */
const envOption = (name) => Object.fromEntries(option(name, '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

const preload = option('preload', null);
const run = preload
  ? () =>
      require('./preload').runPreload({
        preload: Number(preload),
        tenants: TENANTS,
        platforms: option('platforms', 'meta').split(','),
        rate: Number(option('rate', 1_000)),
        seconds: SECONDS,
        rounds: Number(option('rounds', 2)),
        partitions: Number(option('partitions', 6)),
        baselineRoot: option('baseline-root', null),
        profile: process.argv.includes('--profile'),
        outDir: option('out-dir', '/tmp/bench-dispatch'),
        env: envOption('env'),
        baselineEnv: envOption('baseline-env'),
      })
  : main;

run().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
