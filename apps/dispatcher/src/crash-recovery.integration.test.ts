import type { StoredEvent } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import {
  createTestDatabase,
  findFreePort,
  FakeMetaGraph,
  insertStoredEvents,
  seedTenant,
  spawnApp,
  type SpawnedApp,
  TEST_CREDENTIALS_KEY,
  type TestDatabase,
  uniqueTopicPrefix,
  waitUntil,
} from '@attribution/testing';
import { encodeEventMessage, KafkaTransport, topicNames, topicSpecs } from '@attribution/transport';

const TENANTS = 12;
const EVENTS_PER_TENANT = 10;
const PARTITIONS = 3;
const TENANT_CONCURRENCY = 2;
// The default (DISPATCH_SESSION_TIMEOUT_MS): a restarted dispatcher joins once the killed
// member's session expires.
const SESSION_TIMEOUT_MS = 10_000;

/**
 * The dispatcher process is killed (SIGKILL, no goodbye) while batches are in flight, then
 * started again. Kafka redelivers what was not committed, the delivery rows stop anything
 * already recorded from going out twice, and Meta's event_id deduplication absorbs the few
 * sends that were on the wire at the moment of the kill. Nothing may be missing.
 */
describe('dispatcher crash recovery', () => {
  let database: TestDatabase;
  let db: Db;
  let dispatcher: SpawnedApp | undefined;
  const meta = new FakeMetaGraph();
  const prefix = uniqueTopicPrefix();

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    await meta.start();
  });

  afterAll(async () => {
    await dispatcher?.stop('SIGKILL');
    await db.$disconnect();
    await meta.stop();
    await database.drop();
  });

  const start = (port = 0) =>
    spawnApp('apps/dispatcher/dist/main.js', {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: String(PARTITIONS),
      DISPATCH_PARTITIONS_CONCURRENTLY: String(PARTITIONS),
      META_GRAPH_URL: meta.baseUrl,
      CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
      DISPATCHER_PORT: String(port),
      DISPATCH_TENANT_CONCURRENCY: String(TENANT_CONCURRENCY),
      LOG_LEVEL: 'info',
    });

  it('delivers every event after a SIGKILL mid-batch, with no event missing and duplicates only from the kill window', async () => {
    const events: StoredEvent[] = [];
    for (let t = 0; t < TENANTS; t += 1) {
      const pixelId = String(5000 + t);
      const { tenant } = await seedTenant(db, { meta: { pixelId, accessToken: `EAAtoken${pixelId}` } });
      meta.allow(pixelId, `EAAtoken${pixelId}`).delayFor(pixelId, 150);
      events.push(...(await insertStoredEvents(db, tenant.id, EVENTS_PER_TENANT)));
    }
    const transport = new KafkaTransport({ brokers: process.env.TEST_KAFKA_BROKERS!.split(','), clientId: 'crash-test' });
    const topics = topicNames(prefix);
    await transport.ensureTopics(topicSpecs(topics, PARTITIONS));
    const producer = transport.createProducer();
    await producer.connect();
    await producer.send(topics.events, events.map((e) => encodeEventMessage(e)));
    await producer.disconnect();
    await transport.close();

    dispatcher = start();
    await dispatcher.waitForOutput(/"event":"service_started"/);
    await waitUntil(async () => meta.received.length >= 3, 'the dispatcher to be mid-way', { timeoutMs: 30_000, intervalMs: 10 });
    expect(await dispatcher.stop('SIGKILL')).toBeNull();
    const sentBeforeKill = await db.delivery.count({ where: { status: 'sent' } });
    expect(sentBeforeKill).toBeLessThan(events.length);

    const port = await findFreePort();
    const restartedAt = Date.now();
    dispatcher = start(port);
    const ops = `http://127.0.0.1:${port}`;
    // Alive but not ready while the group still waits for the killed member to expire.
    await waitUntil(async () => (await fetch(`${ops}/health`).catch(() => undefined))?.status === 200, 'the ops server to answer');
    // What the DispatcherNotConsuming alert watches: a group this process is not yet a member of.
    // Which of its two groups that is depends on timing (on a loaded machine the restart itself can
    // outlast the dead member's session, and the events group is joined before the ops server
    // answers), so the metric is read first and must show at least one at 0.
    const membership = [...(await fetch(`${ops}/metrics`).then((r) => r.text())).matchAll(/^attribution_kafka_consumer_group_member\{group="([^"]+)"\} (\d)$/gm)];
    expect(membership.map((m) => m[1]).sort()).toEqual([`${prefix}dispatcher`, `${prefix}dispatcher-retry`]);
    expect(membership.some((m) => m[2] === '0')).toBe(true);
    const joining = await fetch(`${ops}/ready`);
    expect(joining.status).toBe(503);
    expect(await joining.json()).toMatchObject({ status: 'not_ready', checks: { consumers: 'unavailable', postgres: 'ok', kafka: 'ok' } });
    // Well inside KafkaJS's own 30 s default session, which this used to wait for.
    await dispatcher.waitForOutput(/"event":"service_started"/, SESSION_TIMEOUT_MS + 10_000);
    process.stdout.write(`[crash-recovery] restarted dispatcher consuming after ${Date.now() - restartedAt} ms\n`);
    // The one member of the group holds every partition, and says how long joining took.
    expect(dispatcher.stdout()).toMatch(new RegExp(`"event":"consumer_joined","meta":\\{"group":"${prefix.replace(/\./g, '\\.')}dispatcher","duration_ms":\\d+,"partitions":${PARTITIONS}\\}`));
    expect(await fetch(`${ops}/ready`).then((r) => r.json())).toMatchObject({ status: 'ready', checks: { consumers: 'ok' } });
    expect(await fetch(`${ops}/metrics`).then((r) => r.text())).toContain(`attribution_kafka_consumer_group_member{group="${prefix}dispatcher"} 1`);
    await waitUntil(async () => (await db.delivery.count({ where: { status: 'sent' } })) === events.length, 'every delivery to be sent', { timeoutMs: 45_000 });
    expect(await dispatcher.stop('SIGTERM')).toBe(0);
    expect(dispatcher.stdout()).toContain(`"event":"consumer_stopped","meta":{"group":"${prefix}dispatcher"}`);

    const unique = meta.uniqueEvents();
    expect(unique.size).toBe(events.length);
    const duplicates = meta.eventsReceived().length - unique.size;
    // At most what was on the wire at the kill: one tenant batch per concurrent dispatch slot.
    expect(duplicates).toBeLessThanOrEqual(PARTITIONS * TENANT_CONCURRENCY * EVENTS_PER_TENANT);
    expect(await db.delivery.count()).toBe(events.length);
  });
});
