'use strict';
/**
 * Prune benchmark: retention by day partitions under ingest load. One tenant with the longest
 * retention holds `--rows` expired events in whole days (dropped as partitions), a tenant with a
 * shorter retention holds `--short-rows` expired events inside days that are kept (deleted in
 * batches), and the ingest-api serves a steady load of single events from a third tenant. Four
 * steps in ABBA order: ingest alone, ingest while the pruner removes the first half of the
 * expired rows, while it removes the second half, alone again (each half is made expired by
 * lowering the retentions before its step). The report gives each prune's time and rows, and
 * ingest p95 alone vs while pruning. PostgreSQL is the durable embedded server (fsync on), the
 * ingest-api runs in this process with the in-process bus. Loopback only.
 *
 *   npm run build && npm run bench:prune -- [--rows 10000000] [--short-rows 100000] [--batch 5000] [--pause 0] [--connections 20] [--seconds 10]
 */
const { mkdtempSync, chmodSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const os = require('node:os');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { createLogger } = require('@attribution/core');
const { Lifecycle } = require('@attribution/runtime');
const { InProcessTransport, topicSpecs } = require('@attribution/transport');
const { applyMigrations, createDbClient } = require('@attribution/db');
const { findFreePort, startEmbeddedPostgres } = require('@attribution/local-postgres');
const { loadIngestConfig, startIngestApi } = require('@attribution/ingest-api');
const { PruneService } = require('@attribution/pruner');
const { seedTenant } = require('@attribution/testing');
const { runLoad } = require('../ingest/load');
const { ages, fillDays } = require('./expired-data');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : fallback);
}

const ROWS = option('rows', 10_000_000);
const SHORT_ROWS = option('short-rows', 100_000);
const BATCH = option('batch', 5_000);
const CONNECTIONS = option('connections', 20);
const SECONDS = option('seconds', 10);
const PAUSE = option('pause', 0);

// Longest retention 100 -> 95 -> 90 days: its expired days are 96-100 days old, then 91-95.
// Shorter retention 60 -> 50 -> 40 days: its expired rows are 51-60, then 41-50 days old.
const ROUNDS = [
  { longest: 95, shorter: 50 },
  { longest: 90, shorter: 40 },
];

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-prune-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await findFreePort(), persistent: false });
  const lifecycle = new Lifecycle({ logger: createLogger({ service: 'api', stream: new PassThrough() }), timeoutMs: 10_000 });
  try {
    await applyMigrations(pg.url);
    const db = createDbClient(pg.url);
    const now = new Date();
    const { tenant: longest } = await seedTenant(db, { retentionDays: 100 });
    const { tenant: shorter } = await seedTenant(db, { retentionDays: 60 });
    const load = await seedTenant(db, { retentionDays: 30 }); // the tenant whose traffic is measured
    const started = Date.now();
    const expired = await fillDays(db, { now, tenantId: longest.id, ages: ages(91, 100), rowsPerDay: Math.round(ROWS / 10), prefix: 'old', deliveriesEvery: 10 });
    const kept = await fillDays(db, { now, tenantId: longest.id, ages: [10], rowsPerDay: Math.round(ROWS / 20), prefix: 'kept' });
    const shortExpired = await fillDays(db, { now, tenantId: shorter.id, ages: ages(41, 60), rowsPerDay: Math.round(SHORT_ROWS / 20), prefix: 'short' });
    await db.$executeRawUnsafe('VACUUM ANALYZE events');
    await db.$executeRawUnsafe('VACUUM ANALYZE deliveries');
    await db.$executeRawUnsafe('CHECKPOINT');
    console.log(`[prune] ${expired + kept + shortExpired} events (${expired} + ${shortExpired} to expire, ${kept} kept) inserted in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const config = loadIngestConfig({ PORT: '0', INGEST_OPS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: pg.url, KAFKA_PARTITIONS: '1', LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: 'true', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' });
    const transport = new InProcessTransport();
    await transport.ensureTopics(topicSpecs(config.topics, 1));
    const api = await startIngestApi(config, { db, transport, logger: createLogger({ service: 'api', stream: new PassThrough() }), lifecycle });
    const step = (idPrefix) => runLoad({ url: api.url, connections: CONNECTIONS, durationSeconds: SECONDS, keys: [load.secretKey], idPrefix });
    // The pruner's log tells how long its partition step took (prune_partitions: create ahead, drop).
    const prunerLog = new PassThrough();
    let partitionStepMs = 0;
    prunerLog.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.includes('"event":"prune_partitions"')) partitionStepMs = JSON.parse(line).meta.duration_ms;
    });
    const pruner = new PruneService({ databaseUrl: pg.url, batchSize: BATCH, batchPauseMs: PAUSE }, { db, logger: createLogger({ service: 'pruner', stream: prunerLog }) });
    const remaining = () => db.event.count({ where: { tenantId: { in: [longest.id, shorter.id] } } });

    await step('warmup');
    const results = [{ name: 'alone', ingest: await step('alone-1') }];
    for (const [i, round] of ROUNDS.entries()) {
      await db.tenant.update({ where: { id: longest.id }, data: { retentionDays: round.longest } });
      await db.tenant.update({ where: { id: shorter.id }, data: { retentionDays: round.shorter } });
      const before = await remaining();
      const pruneStarted = Date.now();
      const pruning = pruner.pruneAll().then((report) => ({ ...report, seconds: (Date.now() - pruneStarted) / 1000 }));
      const ingest = await step(`during-${i}`);
      const prune = await pruning;
      results.push({ name: `while pruning (round ${i + 1})`, ingest, prune: { ...prune, partitionSeconds: partitionStepMs / 1000, gone: before - (await remaining()) } });
    }
    results.push({ name: 'alone', ingest: await step('alone-2') });
    const left = await remaining();

    console.log(`\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString()}`);
    console.log(`\n| prune round | expired rows gone | partitions dropped | rows deleted in batches | partition step s | whole run s | rows/s |\n|---|---|---|---|---|---|---|`);
    for (const { name, prune } of results.filter((r) => r.prune)) {
      console.log(`| ${name} | ${prune.gone} | ${prune.partitionsDropped} | ${prune.deleted} | ${prune.partitionSeconds.toFixed(2)} | ${prune.seconds.toFixed(2)} | ${Math.round(prune.gone / prune.seconds)} |`);
    }
    console.log(`left: ${left} events of the two tenants (expected ${kept}: the kept day)`);
    console.log(`\n| ingest (${CONNECTIONS} connections, ${SECONDS} s) | events/s | p50 ms | p95 ms | p99 ms | non-202 |\n|---|---|---|---|---|---|`);
    for (const { name, ingest: r } of results) console.log(`| ${name} | ${r.okPerSecond} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.responses - r.ok} |`);
    const mean = (rows) => rows.reduce((sum, r) => sum + r.ingest.p95, 0) / rows.length;
    const alone = mean(results.filter((r) => !r.prune));
    const during = mean(results.filter((r) => r.prune));
    console.log(`\ningest p95: alone ${alone.toFixed(1)} ms, while pruning ${during.toFixed(1)} ms (${during >= alone ? '+' : ''}${(((during - alone) / alone) * 100).toFixed(1)}%)`);
    await db.$disconnect();
    if (left !== kept) process.exitCode = 1;
  } finally {
    await lifecycle.shutdown('bench');
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
