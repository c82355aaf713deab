'use strict';
/**
 * Soak: a steady rate through the whole pipeline for minutes, each app in its own process as it
 * is deployed (ingest-api → PostgreSQL → outbox → a real Kafka broker → dispatcher → the strict
 * platform fakes). Per minute it prints accepted events, the ingest's HTTP p95, deliveries/s,
 * the end-to-end p95 (stored → last destination sent), and per app RSS, heap, event-loop p99
 * and CPU, with outbox pending and consumer lag; then, against the run's own early minutes, a
 * verdict per figure: flat or upward. Every accepted event must end delivered everywhere.
 *
 *   npm run build && npm run bench:soak -- [--minutes 10] [--rate 100] [--tenants 10]
 *     [--platforms meta,ga4,google_ads,tiktok] [--json results.json]
 */
const fs = require('node:fs');
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { createDbClient } = require('@attribution/db');
const { PLATFORM_IDS } = require('@attribution/destinations');
const { TEST_CREDENTIALS_KEY, createTestDatabase, findFreePorts, prepareTemplateDatabase, seedTenant, spawnApp, startKafkaBroker, startTestPostgres } = require('@attribution/testing');
const { benchEvent } = require('../dispatch/bench-event');
const { checkPlatforms, configure, startFakes } = require('../dispatch/destinations');
const { waitFor } = require('../dispatch/measure');
const { minuteRows, printTable, trends } = require('./report');
const { startSampler } = require('./sampler');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const MINUTES = Number(option('minutes', 10));
const RATE = Number(option('rate', 100));
const TENANTS = Number(option('tenants', 10));
const PLATFORMS = option('platforms', PLATFORM_IDS.join(',')).split(',');
const JSON_OUT = option('json', undefined);
const BATCH_EVERY = 5; // every fifth request carries a batch of BATCH_SIZE events, the rest one
const BATCH_SIZE = 5;
const SAMPLE_MS = 5_000;

async function untilReady(name, url, app) {
  await waitFor(
    async () => (app.child.exitCode !== null ? 'exited' : fetch(`${url}/ready`).then((r) => r.status, () => 0)),
    (status) => status === 200 || status === 'exited',
    120_000,
    `${name} to be ready`,
  );
  if (app.child.exitCode !== null) throw new Error(`${name} exited with ${app.child.exitCode}: ${app.stderr().slice(-2000)}${app.stdout().slice(-2000)}`);
}

/** The steady load: RATE events/s for MINUTES, singles and small batches, keys in turn. */
async function load(ingestUrl, keys) {
  const requests = [];
  const perCycle = BATCH_EVERY - 1 + BATCH_SIZE; // events in BATCH_EVERY requests
  const requestRate = (RATE * BATCH_EVERY) / perCycle;
  const total = Math.round(requestRate * MINUTES * 60);
  const started = performance.now();
  const inFlight = new Set();
  let n = 0;
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / requestRate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const size = i % BATCH_EVERY === BATCH_EVERY - 1 ? BATCH_SIZE : 1;
    const events = Array.from({ length: size }, () => benchEvent(`soak-${(n += 1)}`, n));
    const at = Date.now();
    const sent = performance.now();
    const request = fetch(`${ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[i % keys.length]}`, 'content-type': 'application/json' },
      body: JSON.stringify(size === 1 ? events[0] : { events }),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }, () => 0)
      .then((status) => {
        requests.push({ at, ms: Math.round((performance.now() - sent) * 10) / 10, status, events: size });
        inFlight.delete(request);
      });
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return requests;
}

/** Per minute of the load (by received_at): deliveries sent in it, and its events' end-to-end p95. */
async function databaseMinutes(db, startedAt) {
  const rows = await db.$queryRawUnsafe(
    `WITH per_event AS (
       SELECT e.received_at, max(d.sent_at) AS last_sent, count(*) FILTER (WHERE d.status = 'sent')::int AS sent
         FROM events e JOIN deliveries d ON d.event_pk = e.id GROUP BY e.id, e.received_at)
     SELECT floor(EXTRACT(EPOCH FROM received_at - $1::timestamptz) / 60)::int AS minute, sum(sent)::int AS sent,
            (percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM last_sent - received_at) * 1000))::float8 AS p95
       FROM per_event GROUP BY 1 ORDER BY 1`,
    new Date(startedAt),
  );
  return rows.map((r) => ({ minute: r.minute, sent: r.sent, e2eP95: Math.round(r.p95) }));
}

async function main() {
  checkPlatforms(PLATFORMS);
  const pg = await startTestPostgres();
  const kafka = await startKafkaBroker();
  const fakes = await startFakes();
  const apps = [];
  let db;
  try {
    await prepareTemplateDatabase(pg.adminUrl);
    const database = await createTestDatabase(pg.adminUrl);
    db = createDbClient(database.url);
    const keys = [];
    for (let t = 0; t < TENANTS; t += 1) {
      const { tenant, secretKey } = await seedTenant(db);
      await configure(db, fakes.fakes, tenant.id, t, PLATFORMS);
      keys.push(secretKey);
    }
    const [port, ingestOps, dispatcherOps] = await findFreePorts(3);
    const common = { DATABASE_URL: database.url, KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_PARTITIONS: '6', HOST: '127.0.0.1', LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: 'true' };
    const ingest = spawnApp('apps/ingest-api/dist/main.js', { ...common, PORT: String(port), INGEST_OPS_PORT: String(ingestOps), RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' });
    const dispatcher = spawnApp('apps/dispatcher/dist/main.js', { ...common, ...fakes.env, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY, DISPATCHER_PORT: String(dispatcherOps) });
    apps.push(ingest, dispatcher);
    const targets = [
      { name: 'ingest-api', opsUrl: `http://127.0.0.1:${ingestOps}` },
      { name: 'dispatcher', opsUrl: `http://127.0.0.1:${dispatcherOps}` },
    ];
    await untilReady('ingest-api', targets[0].opsUrl, ingest);
    await untilReady('dispatcher', targets[1].opsUrl, dispatcher);

    console.log(`soak: ${RATE} events/s for ${MINUTES} min, ${TENANTS} tenants → ${PLATFORMS.join('+')}; ingest-api and dispatcher in their own processes`);
    const sampler = startSampler(targets, SAMPLE_MS);
    const startedAt = Date.now();
    const requests = await load(`http://127.0.0.1:${port}`, keys);
    const accepted = requests.filter((r) => r.status === 202).reduce((s, r) => s + r.events, 0);
    const expected = accepted * PLATFORMS.length;
    const settled = await waitFor(
      () => db.$queryRawUnsafe(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status NOT IN ('pending', 'retrying'))::int AS settled FROM deliveries`).then((r) => r[0]),
      (s) => s.settled >= expected,
      300_000,
      'every accepted event to be delivered',
    );
    await sampler.stop();
    const [{ stored }] = await db.$queryRawUnsafe(`SELECT count(*)::int AS stored FROM events`);
    const rows = minuteRows({ startedAt, minutes: MINUTES, requests, samples: sampler.samples, apps: targets.map((t) => t.name), dbMinutes: await databaseMinutes(db, startedAt) });
    printTable(rows, targets.map((t) => t.name));
    const verdicts = trends(rows, targets.map((t) => t.name));
    console.log('\ntrends (late = median of the last 3 minutes, early = minutes 2-4):');
    for (const [name, t] of Object.entries(verdicts)) console.log(`  ${name}: early ${t.early}, late ${t.late}, ratio ${t.ratio}, slope ${t.slopePerMinute} ${t.unit}/min → ${t.verdict}`);
    const totals = { requests: requests.length, accepted, non202: requests.filter((r) => r.status !== 202).length, stored, deliveriesExpected: expected, deliveriesSent: settled.sent, scrapeFailures: sampler.failures.length };
    console.log(`\ntotals: ${JSON.stringify(totals)}`);
    const cpus = os.cpus();
    const machine = { cpus: cpus.length, model: cpus[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ machine, options: { MINUTES, RATE, TENANTS, PLATFORMS }, totals, rows, trends: verdicts }, null, 2));
    const problems = [];
    if (stored !== accepted) problems.push(`${stored} events stored for ${accepted} accepted`);
    if (settled.sent !== expected) problems.push(`${settled.sent} of ${expected} deliveries sent`);
    if (totals.non202 > 0) problems.push(`${totals.non202} requests not answered 202`);
    for (const verdict of ['upward', 'no data']) {
      const names = Object.entries(verdicts).filter(([, t]) => t.verdict === verdict).map(([name]) => name);
      if (names.length > 0) problems.push(`${verdict}: ${names.join(', ')}`);
    }
    if (problems.length > 0) throw new Error(`soak failed: ${problems.join('; ')}`);
  } finally {
    await Promise.all(apps.map((app) => app.stop('SIGTERM')));
    await db?.$disconnect();
    await fakes.stop();
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
