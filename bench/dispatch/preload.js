'use strict';
/**
 * Dispatcher throughput (`bench:dispatch -- --preload N`): N events stored in PostgreSQL and
 * pre-loaded in the events topic, then ONE dispatcher process (the built app, as deployed: info
 * logs, metrics, tracing defaults) drains the topic into the platforms' strict fakes. Measured:
 * events/s from the moment it joined its group to the last outcome recorded in `deliveries`,
 * checked exactly (one outcome per event and destination, all sent, no repeat at any fake); then,
 * with the same process, the end-to-end latency at a steady rate (stored → last destination
 * recorded sent). With `--baseline-root <checkout>` the same runs alternate (ABBA) with that
 * checkout's built dispatcher, on the same topic contents, database and fakes; `--baseline-env`
 * gives the baseline runs their own variables (this checkout with a setting changed, say).
 */
const os = require('node:os');
const path = require('node:path');
const { mkdirSync } = require('node:fs');
const { Pool } = require('pg');
const { createDbClient } = require('@attribution/db');
const { TEST_CREDENTIALS_KEY, createTestDatabase, prepareTemplateDatabase, seedTenant, startKafkaBroker, startTestPostgres } = require('@attribution/testing');
const { KafkaTransport, topicNames, topicSpecs } = require('@attribution/transport');
const { sampleCpu, cpuBetween } = require('../ingest/proc-stats');
const { checkPlatforms, configure, startFakes } = require('./destinations');
const { startDispatcherProcess } = require('./dispatcher-process');
const { publish, steadySource, storePreload } = require('./preload-events');
const { fakeCounts, latencies, verify, waitForOutcomes } = require('./preload-measure');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** One run: a fresh topic with the preloaded messages, fresh fakes, one dispatcher process. */
async function runOnce(ctx, variant, k) {
  const { o } = ctx;
  const prefix = `bench${k}.`;
  const topics = topicNames(prefix);
  await ctx.transport.ensureTopics(topicSpecs(topics, o.partitions));
  await publish(ctx.producer, topics.events, ctx.messages);
  const fakes = await startFakes();
  ctx.tenants.forEach((_, t) => o.platforms.forEach((p) => fakes.fakes[p].provision(t)));
  const logFile = path.join(o.outDir, `dispatcher-${k}-${variant.name}.log`);
  const nodeOptions = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(o.outDir, `profile-${k}-${variant.name}`)}`] : [];
  const env = {
    DATABASE_URL: ctx.databaseUrl,
    KAFKA_BROKERS: ctx.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: String(o.partitions),
    CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
    DISPATCHER_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...fakes.env,
    ...o.env,
    ...variant.env,
  };
  const roles = new Map();
  const commits = async () => (await ctx.pool.query('SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0].n;
  const commitsBefore = await commits();
  const before = sampleCpu(roles);
  const dispatcher = startDispatcherProcess({ root: variant.root, env, logFile, nodeOptions });
  roles.set(dispatcher.child.pid, 'dispatcher');
  let result;
  let code;
  try {
    const joinedAt = await dispatcher.joined(`${prefix}dispatcher`);
    const expected = o.preload * o.platforms.length;
    const burst = await waitForOutcomes(ctx.pool, 'pre', expected, 600_000);
    const cpu = cpuBetween(before, sampleCpu(roles), roles);
    // PostgreSQL transactions during the burst (the benchmark's own polls included: about 5 a second).
    const transactions = (await commits()) - commitsBefore;
    const steadyTag = `st${k}`;
    await steadySource(ctx.pool, ctx.producer, topics.events, ctx.tenants, { rate: o.rate, seconds: o.seconds, tag: steadyTag });
    const steady = await waitForOutcomes(ctx.pool, steadyTag, o.rate * o.seconds * o.platforms.length, 120_000);
    const counts = fakeCounts(Object.fromEntries(o.platforms.map((p) => [p, fakes.fakes[p]])));
    verify(burst, { rows: expected, perFake: o.preload + o.rate * o.seconds }, counts, o.preload);
    verify(steady, { rows: o.rate * o.seconds * o.platforms.length, perFake: o.preload + o.rate * o.seconds }, counts, o.rate * o.seconds);
    const seconds = (burst.last - joinedAt) / 1000;
    result = {
      variant: variant.name,
      eventsPerSecond: Math.round(o.preload / seconds),
      deliveriesPerSecond: Math.round(expected / seconds),
      seconds: Math.round(seconds * 100) / 100,
      firstOutcomeAfterJoinMs: Math.round(burst.first - joinedAt),
      pgTransactionsPer1000Events: Math.round((transactions / o.preload) * 1000 * 10) / 10,
      cpu: cpu.byGroup,
      othersCpu: cpu.others,
      steady: await latencies(ctx.pool, steadyTag),
    };
  } finally {
    code = await dispatcher.stop();
    await fakes.stop();
    // The attempt history too: every run then writes into tables of the same size.
    await ctx.pool.query('TRUNCATE deliveries, delivery_attempts');
  }
  if (code !== 0) throw new Error(`the ${variant.name} dispatcher exited ${code} (log: ${logFile})`);
  return result;
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runPreload(o) {
  checkPlatforms(o.platforms);
  mkdirSync(o.outDir, { recursive: true });
  const pg = await startTestPostgres();
  const kafka = await startKafkaBroker();
  const ctx = { o, brokers: kafka.brokers.join(','), tenants: [] };
  let db;
  try {
    await prepareTemplateDatabase(pg.adminUrl);
    const database = await createTestDatabase(pg.adminUrl);
    ctx.databaseUrl = database.url;
    db = createDbClient(database.url);
    ctx.pool = new Pool({ connectionString: database.url, max: 4 });
    const provisioning = await startFakes();
    for (let t = 0; t < o.tenants; t += 1) {
      const { tenant } = await seedTenant(db);
      await configure(db, provisioning.fakes, tenant.id, t, o.platforms);
      ctx.tenants.push(tenant.id);
    }
    await provisioning.stop();
    ctx.messages = await storePreload(ctx.pool, ctx.tenants, o.preload, 'pre');
    ctx.transport = new KafkaTransport({ brokers: kafka.brokers, clientId: 'bench-preload' });
    ctx.producer = ctx.transport.createProducer();
    await ctx.producer.connect();
    const variants = [{ name: 'current', root: REPO_ROOT, env: {} }];
    if (o.baselineRoot || Object.keys(o.baselineEnv).length > 0) variants.unshift({ name: 'baseline', root: path.resolve(o.baselineRoot ?? REPO_ROOT), env: o.baselineEnv });
    const results = [];
    for (let round = 0; round < o.rounds; round += 1) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const result = await runOnce(ctx, variant, results.length + 1);
        results.push(result);
        console.log(
          `round ${round + 1} ${result.variant}: ${result.eventsPerSecond} events/s (${result.deliveriesPerSecond} deliveries/s, ${result.seconds} s), ` +
            `steady ${o.rate}/s p50 ${result.steady.p50} p95 ${result.steady.p95} p99 ${result.steady.p99} ms, CPU % ${JSON.stringify(result.cpu)} others ${result.othersCpu}, PG transactions/1000 events ${result.pgTransactionsPer1000Events}`,
        );
      }
    }
    const cpus = os.cpus();
    console.log(JSON.stringify({ machine: { cpus: cpus.length, model: cpus[0]?.model, node: process.version }, options: { ...o, env: o.env }, results }, null, 2));
    const summary = {};
    for (const { name } of variants) {
      const mine = results.filter((r) => r.variant === name);
      summary[name] = { eventsPerSecond: median(mine.map((r) => r.eventsPerSecond)), p95: median(mine.map((r) => r.steady.p95)) };
      console.log(`median ${name}: ${summary[name].eventsPerSecond} events/s, steady ${o.rate}/s p95 ${summary[name].p95} ms (${mine.length} runs)`);
    }
    if (summary.baseline) {
      console.log(`ratio current/baseline: ${(summary.current.eventsPerSecond / summary.baseline.eventsPerSecond).toFixed(2)} × events/s, ${(summary.current.p95 / summary.baseline.p95).toFixed(2)} × p95`);
    }
  } finally {
    await ctx.producer?.disconnect();
    await ctx.transport?.close();
    await ctx.pool?.end();
    await db?.$disconnect();
    await kafka.stop();
    await pg.stop();
  }
}

module.exports = { runPreload };
