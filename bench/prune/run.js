'use strict';
/**
 * Prune benchmark: one tenant with ROWS expired events (and a third as many kept), then the
 * ingest-api under steady load twice — alone, and while the pruner deletes the expired rows in
 * bounded batches — so the report shows the pruner's rows/s and what it does to ingest p95.
 * PostgreSQL is the durable embedded server (fsync on); the ingest-api runs in this process
 * with the in-process bus (Kafka plays no part in either measurement). Loopback only.
 *
 *   npm run build && npm run bench:prune -- [--rows 1000000] [--batch 5000] [--connections 20] [--seconds 10]
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

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : fallback);
}

const ROWS = option('rows', 1_000_000);
const BATCH = option('batch', 5_000);
const CONNECTIONS = option('connections', 20);
const SECONDS = option('seconds', 10);

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-prune-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await findFreePort(), persistent: false });
  const lifecycle = new Lifecycle({ logger: createLogger({ service: 'api', stream: new PassThrough() }), timeoutMs: 10_000 });
  try {
    await applyMigrations(pg.url);
    const db = createDbClient(pg.url);
    const { tenant } = await seedTenant(db, { retentionDays: 30 });
    const load = await seedTenant(db); // the tenant whose traffic is measured
    const started = Date.now();
    await db.$executeRawUnsafe(`
      INSERT INTO events (tenant_id, event_id, event_name, event_time, received_at, action_source, user_data)
      SELECT '${tenant.id}'::uuid, 'old-' || g, 'Purchase', ts, ts, 'website', '{"meta":{"em":["${'a'.repeat(64)}"]}}'::jsonb
      FROM generate_series(1, ${Math.round(ROWS * 1.5)}) AS g,
           LATERAL (SELECT now() - ((g % 3) * 20 + 35) * interval '1 day' + (g % 3 = 2)::int * interval '50 day' AS ts) t`);
    const expired = await db.event.count({ where: { tenantId: tenant.id, receivedAt: { lt: new Date(Date.now() - 30 * 86_400_000) } } });
    console.log(`[prune] ${Math.round(ROWS * 1.5)} rows inserted in ${((Date.now() - started) / 1000).toFixed(1)} s; ${expired} expired`);

    const config = loadIngestConfig({ PORT: '0', INGEST_OPS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: pg.url, KAFKA_PARTITIONS: '1', LOG_LEVEL: 'warn', OTEL_SDK_DISABLED: 'true', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' });
    const transport = new InProcessTransport();
    await transport.ensureTopics(topicSpecs(config.topics, 1));
    const api = await startIngestApi(config, { db, transport, logger: createLogger({ service: 'api', stream: new PassThrough() }), lifecycle });
    const step = (idPrefix) => runLoad({ url: api.url, connections: CONNECTIONS, durationSeconds: SECONDS, keys: [load.secretKey], idPrefix });

    const alone = await step('alone');
    const pruner = new PruneService({ databaseUrl: pg.url, batchSize: BATCH, batchPauseMs: 0 }, { db, logger: createLogger({ service: 'pruner', stream: new PassThrough() }) });
    const pruneStarted = Date.now();
    const pruning = pruner.pruneAll().then((report) => ({ ...report, seconds: (Date.now() - pruneStarted) / 1000 }));
    const during = await step('during');
    const prune = await pruning;

    const line = (name, r) => `| ${name} | ${r.okPerSecond} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.responses - r.ok} |`;
    console.log(`\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`prune: ${prune.deleted} rows deleted in ${prune.seconds.toFixed(1)} s = ${Math.round(prune.deleted / prune.seconds)} rows/s (batches of ${BATCH})`);
    console.log(`\n| ingest (${CONNECTIONS} connections, ${SECONDS} s) | events/s | p50 ms | p95 ms | p99 ms | non-202 |\n|---|---|---|---|---|---|`);
    console.log(line('alone', alone));
    console.log(line('while pruning', during));
    await db.$disconnect();
  } finally {
    await lifecycle.shutdown('bench');
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
