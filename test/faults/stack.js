'use strict';
/**
 * The parts a fault scenario runs against, as deployed: one durable PostgreSQL and one Kafka
 * broker shared by the whole matrix, and per scenario a fresh database, fresh strict fakes of
 * Meta and GA4, a few tenants with both destinations, its own topic prefix, and the ingest-api
 * and dispatcher(s) each in its own process.
 */
const { createDbClient } = require('@attribution/db');
const {
  FakeGa4,
  FakeMetaGraph,
  TEST_CREDENTIALS_KEY,
  createTestDatabase,
  findFreePorts,
  prepareTemplateDatabase,
  seedDestination,
  seedTenant,
  spawnApp,
  startKafkaBroker,
  startTestPostgres,
} = require('@attribution/testing');

const TENANTS = 3;
// Short tiers, so a 30 s platform outage is retried within the run: 1 + 3 + 10 + 30 + 60 s
// before a delivery would be dead (longer than any outage the matrix injects).
const RETRY_DELAYS_MS = '1000,3000,10000,30000,60000';

/** Durable: an immediate stop of PostgreSQL must not lose a commit a 202 stood for. */
async function startShared() {
  const pg = await startTestPostgres({ durable: true });
  const kafka = await startKafkaBroker().catch(async (error) => {
    await pg.stop();
    throw error;
  });
  await prepareTemplateDatabase(pg.adminUrl);
  return { pg, kafka, stop: async () => Promise.allSettled([kafka.stop(), pg.stop()]) };
}

async function untilReady(name, opsUrl, app, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`${name} exited with ${app.child.exitCode}: ${app.stderr().slice(-1500)}${app.stdout().slice(-1500)}`);
    const status = await fetch(`${opsUrl}/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function openStack(shared, scenario, { dispatchers = 1 } = {}) {
  const database = await createTestDatabase(shared.pg.adminUrl);
  const db = createDbClient(database.url);
  const meta = await new FakeMetaGraph().start();
  const ga4 = await new FakeGa4().start();
  const tenants = [];
  for (let n = 0; n < TENANTS; n += 1) {
    const { tenant, secretKey } = await seedTenant(db);
    const pixel = meta.provision(n);
    const stream = ga4.provision(n);
    await seedDestination(db, tenant.id, 'meta', pixel);
    await seedDestination(db, tenant.id, 'ga4', stream);
    tenants.push({ id: tenant.id, key: secretKey, pixelId: pixel.settings.pixel_id, measurementId: stream.settings.measurement_id });
  }
  const [port, ingestOps, ...dispatcherOps] = await findFreePorts(2 + dispatchers);
  const prefix = `faults-${scenario}-${Date.now().toString(36)}.`;
  const common = {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: shared.kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: '6',
    KAFKA_RETRY_DELAYS_MS: RETRY_DELAYS_MS,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
  };
  const ingestEnv = { ...common, PORT: String(port), INGEST_OPS_PORT: String(ingestOps), RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' };
  const dispatcherEnv = (opsPort) => ({
    ...common,
    ...meta.env(),
    ...ga4.env(),
    CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
    DISPATCHER_PORT: String(opsPort),
    DESTINATION_TIMEOUT_MS: '2000',
    DISPATCH_SESSION_TIMEOUT_MS: '6000',
  });
  const stack = {
    db,
    meta,
    ga4,
    tenants,
    prefix,
    env: common,
    credentialsKey: TEST_CREDENTIALS_KEY,
    url: `http://127.0.0.1:${port}`,
    ingest: spawnApp('apps/ingest-api/dist/main.js', ingestEnv),
    dispatchers: dispatcherOps.map((opsPort) => spawnApp('apps/dispatcher/dist/main.js', dispatcherEnv(opsPort))),
    /** A new dispatcher process on replica `i`'s port, as a supervisor would restart it. */
    respawnDispatcher: async (i) => {
      stack.dispatchers[i] = spawnApp('apps/dispatcher/dist/main.js', dispatcherEnv(dispatcherOps[i]));
      await untilReady(`dispatcher ${i}`, `http://127.0.0.1:${dispatcherOps[i]}`, stack.dispatchers[i]);
    },
    close: async () => {
      await Promise.allSettled([stack.ingest, ...stack.dispatchers].map((app) => app.stop('SIGTERM')));
      await Promise.allSettled([meta.stop(), ga4.stop(), db.$disconnect()]);
      await database.drop().catch(() => undefined);
    },
  };
  try {
    await untilReady('ingest-api', `http://127.0.0.1:${ingestOps}`, stack.ingest);
    await Promise.all(stack.dispatchers.map((app, i) => untilReady(`dispatcher ${i}`, `http://127.0.0.1:${dispatcherOps[i]}`, app)));
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}

module.exports = { TEST_CREDENTIALS_KEY, openStack, startShared };
