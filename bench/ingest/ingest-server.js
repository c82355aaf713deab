'use strict';
/**
 * Child process of the benchmark: the real ingest-api (built code from dist) with its outbox
 * relay, on the PostgreSQL and Kafka the parent started, configured only through the app's
 * own environment variables. Talks to the parent over IPC: `ready` with its URL, `stats` on
 * request. SIGTERM runs the app's ordered shutdown.
 */
const { writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');
const path = require('node:path');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { createLogger } = require('@attribution/core');
const { Lifecycle } = require('@attribution/runtime');
const { createTransport, topicSpecs } = require('@attribution/transport');
const { createDbClient } = require('@attribution/db');
const { loadIngestConfig, startIngestApi } = require('@attribution/ingest-api');
const batching = require('@attribution/ingest-api/dist/events/batching-event-writer');

// Bench-only probe: remember the writer instances so their counters can be reported per step.
const writers = new Set();
const insert = batching.BatchingEventWriter.prototype.insert;
batching.BatchingEventWriter.prototype.insert = function probedInsert(rows) {
  writers.add(this);
  return insert.call(this, rows);
};

/**
 * BENCH_WRITER=legacy-prisma: every request does its own Prisma createManyAndReturn, as the
 * ingest-api did before micro-batching, so a run can show what batching changed.
 */
function useLegacyWriter(db) {
  batching.BatchingEventWriter.prototype.insert = async function legacyInsert(rows) {
    writers.add(this);
    const created = await db.event.createManyAndReturn({ data: rows, skipDuplicates: true, select: { eventId: true } });
    return new Set(created.map((row) => row.eventId));
  };
}

/**
 * BENCH_HTTP_METRICS=off: the per-request Prometheus middleware passes straight through, so the
 * `plain` variant measures the API without its observability (tracing is only ever preloaded).
 */
function withoutHttpMetrics() {
  const ingestMetrics = require('@attribution/ingest-api/dist/ingest.metrics');
  const create = ingestMetrics.createIngestMetrics;
  ingestMetrics.createIngestMetrics = (appMetrics) => ({ ...create(appMetrics), middleware: () => (_req, _res, next) => next() });
}

async function main() {
  const config = loadIngestConfig(process.env);
  const logger = createLogger({ service: 'api', level: config.logLevel });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs, exit: (code) => process.exit(code) });
  lifecycle.installProcessHandlers();
  const db = createDbClient(config.databaseUrl);
  if (process.env.BENCH_WRITER === 'legacy-prisma') useLegacyWriter(db);
  if (process.env.BENCH_HTTP_METRICS === 'off') withoutHttpMetrics();
  const transport = createTransport(config.kafka);
  // A broker that is down must not stop the API (the outbox keeps the events): the same holds here,
  // which lets a run measure the API with the relay idle (KAFKA_BROKERS pointing at a closed port).
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions)).catch((error) => {
    process.stderr.write(`ingest-server: could not create topics: ${error?.message ?? error}\n`);
  });
  let published = 0;
  const { url } = await startIngestApi(config, { db, transport, logger, lifecycle, onPublished: (n) => (published += n) });
  lifecycle.add('transport', () => transport.close(), 'clients');
  lifecycle.add('database', () => db.$disconnect(), 'clients');

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let mark = process.hrtime.bigint();
  const writerTotals = () => {
    const totals = { flushes: 0, rows: 0, failedFlushes: 0, splitFlushes: 0, largestBatch: 0 };
    for (const writer of writers) {
      const s = writer.stats();
      for (const key of Object.keys(totals)) totals[key] = key === 'largestBatch' ? Math.max(totals[key], s[key]) : totals[key] + s[key];
    }
    return totals;
  };
  let writerMark = writerTotals();
  let publishedMark = 0;
  // With BENCH_PROFILE_DIR, a CPU profile of each step (between two resets) is written there.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profiler = profileDir ? new Session() : undefined;
  profiler?.connect();
  const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  let profiling = false;
  let profileSeq = 0;
  process.on('message', async (message) => {
    if (message?.type !== 'stats') return;
    if (profiler && profiling) {
      const { profile } = await post('Profiler.stop');
      writeFileSync(path.join(profileDir, `ingest-step-${++profileSeq}.cpuprofile`), JSON.stringify(profile));
      profiling = false;
    }
    if (profiler && message.reset && message.profile) {
      await post('Profiler.enable');
      await post('Profiler.start');
      profiling = true;
    }
    const seconds = Number(process.hrtime.bigint() - mark) / 1e9;
    const used = process.cpuUsage(cpu);
    const loop = performance.eventLoopUtilization(elu);
    const totals = writerTotals();
    // Since the last reset, except largestBatch (since start).
    const writer = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, k === 'largestBatch' ? v : v - writerMark[k]]));
    process.send({
      type: 'stats',
      writer,
      published: published - publishedMark,
      cpuPercent: Math.round(((used.user + used.system) / 1e6 / seconds) * 100),
      eventLoopUtilization: Math.round(loop.utilization * 100),
      eventLoopDelayP99Ms: Math.round(delay.percentile(99) / 1e5) / 10,
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    });
    if (message.reset) {
      writerMark = totals;
      publishedMark = published;
      delay.reset();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
      mark = process.hrtime.bigint();
    }
  });
  process.send({ type: 'ready', url });
}

main().catch((error) => {
  process.stderr.write(`ingest-server: failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
