import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { StoredEvent } from '@attribution/core';
import { DeliveryAttemptRepository, DeliveryRepository, sealDestinationCredentials, type Db } from '@attribution/db';
import { FakeMetaGraph, graphError, insertStoredEvents, seedTenant, TEST_CREDENTIALS_KEY, waitUntil } from '@attribution/testing';
import { retryMessage } from '@attribution/transport';
import { replayDeliveries } from '@attribution/cli';
import { startTestDispatcher, type TestDispatcher } from '../test/dispatcher-harness';
import type { DispatcherConfig } from './env';

/** The dispatcher over real Kafka and PostgreSQL, against a strict fake Graph API. */
describe('dispatcher (real Kafka and PostgreSQL)', () => {
  let dispatcher: TestDispatcher;
  let db: Db;
  let config: DispatcherConfig;
  const meta = new FakeMetaGraph();
  const producer = () => dispatcher.transport.createProducer();
  const logs = () => dispatcher.logs();

  beforeAll(async () => {
    await meta.start();
    dispatcher = await startTestDispatcher({ META_GRAPH_URL: meta.baseUrl, DESTINATION_TIMEOUT_MS: '500' });
    ({ db, config } = dispatcher);
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await meta.stop();
  });

  const publish = (events: StoredEvent[]) => dispatcher.publish(events);

  const statusOf = async (event: StoredEvent) =>
    (await db.delivery.findUnique({ where: { eventPk_destination_eventReceivedAt: { eventPk: BigInt(event.id), destination: 'meta', eventReceivedAt: event.receivedAt } } }))?.status;
  const waitForStatus = (events: StoredEvent[], status: string) =>
    waitUntil(async () => (await Promise.all(events.map(statusOf))).every((s) => s === status), `${events.length} deliveries to be ${status}`);

  async function tenantWithMeta(pixelId: string, token = `EAAtoken${pixelId}`) {
    const created = await seedTenant(db, { meta: { pixelId, accessToken: token } });
    meta.allow(pixelId, token);
    return created;
  }

  it('never sends an event whose consent is denied, and records why', async () => {
    const { tenant } = await tenantWithMeta('1001');
    const [denied] = await insertStoredEvents(db, tenant.id, 1, { consent: { ad_storage: 'granted', ad_user_data: 'denied' } });
    await publish([denied!]);
    await waitForStatus([denied!], 'blocked_consent');
    expect(meta.eventsReceived().filter((e) => e.pixelId === '1001')).toHaveLength(0);
    expect(await new DeliveryAttemptRepository(db).forEvent(tenant.id, { id: BigInt(denied!.id), receivedAt: new Date(denied!.receivedAt) })).toEqual([
      expect.objectContaining({ destination: 'meta', status: 'blocked_consent', attempted: false, statusCode: null, platformRequestId: null }),
    ]);
    expect(logs()).toContain('"event":"consent_blocked"');
  });

  it('retries 429 and 5xx through the retry tiers, then delivers exactly once, keeping every attempt', async () => {
    const { tenant } = await tenantWithMeta('1002');
    const limited = graphError(429, 4, 'Application request limit reached');
    meta.replyNextFor('1002', limited, { status: 503, body: 'upstream unavailable' });
    const events = await insertStoredEvents(db, tenant.id, 3);
    await publish(events);
    await waitForStatus(events, 'sent');
    const rows = await db.delivery.findMany({ where: { tenantId: tenant.id } });
    expect(rows.every((r) => r.attempts === 3 && r.lastStatusCode === 200 && /^fake\d+$/.test(r.lastRequestId ?? ''))).toBe(true);
    expect(meta.eventsReceived().filter((e) => e.pixelId === '1002')).toHaveLength(3);

    const fbtraceOf429 = (limited.body as { error: { fbtrace_id: string } }).error.fbtrace_id;
    for (const event of events) {
      const attempts = await new DeliveryAttemptRepository(db).forEvent(tenant.id, { id: BigInt(event.id), receivedAt: new Date(event.receivedAt) });
      expect(attempts.map((a) => [a.destination, a.status, a.attempted, a.statusCode, a.message, a.platformRequestId])).toEqual([
        ['meta', 'retrying', true, 429, 'code 4: Application request limit reached', fbtraceOf429],
        ['meta', 'retrying', true, 503, 'HTTP 503', null],
        ['meta', 'sent', true, 200, null, rows.find((r) => r.eventPk === BigInt(event.id))!.lastRequestId],
      ]);
    }
  });

  it('records a permanent refusal with the platform message and delivers the rest of the batch', async () => {
    const { tenant } = await tenantWithMeta('1003');
    meta.replyNextFor('1003', graphError(400, 100, 'Invalid parameter: custom_data.value'));
    const [bad] = await insertStoredEvents(db, tenant.id, 1);
    await publish([bad!]);
    await waitForStatus([bad!], 'failed');
    const row = await db.delivery.findFirstOrThrow({ where: { eventPk: BigInt(bad!.id) } });
    expect(row.lastError).toBe('code 100: Invalid parameter: custom_data.value');
    expect(row.lastStatusCode).toBe(400);
    expect(row.lastRequestId).toMatch(/^fake-err-/);
  });

  it('parks events refused for credentials, logs auth_error without the token, and replays them after renewal', async () => {
    const { tenant } = await tenantWithMeta('1004', 'EAA-old-token');
    meta.allow('1004', 'EAA-renewed-token'); // the old token is no longer valid at "Meta"
    const first = await insertStoredEvents(db, tenant.id, 2);
    await publish(first);
    await waitForStatus(first, 'parked');
    await waitUntil(async () => (await db.destination.findFirst({ where: { tenantId: tenant.id } }))?.status === 'needs_credentials', 'the destination to need credentials');
    const later = await insertStoredEvents(db, tenant.id, 1);
    await publish(later);
    await waitForStatus(later, 'parked'); // parked without another refused call
    const authLine = logs().split('\n').find((l) => l.includes('"event":"auth_error"'));
    expect(authLine).toContain(tenant.id);
    expect(logs()).not.toContain('EAA-old-token');

    await db.destination.updateMany({
      where: { tenantId: tenant.id },
      data: { status: 'active', credentialsEncrypted: sealDestinationCredentials(tenant.id, 'meta', { access_token: 'EAA-renewed-token' }, TEST_CREDENTIALS_KEY) },
    });
    const p = producer();
    await p.connect();
    const { replayed } = await replayDeliveries({ deliveries: new DeliveryRepository(db), producer: p, topics: config.topics }, { tenantId: tenant.id, statuses: ['parked'] });
    await p.disconnect();
    expect(replayed).toBe(3);
    await waitForStatus([...first, ...later], 'sent');
    expect(meta.eventsReceived().filter((e) => e.pixelId === '1004')).toHaveLength(3);
  });

  it('delivers an event that one batch carries twice once, with one recorded outcome (an outbox republish)', async () => {
    const { tenant } = await tenantWithMeta('1011');
    const [twice, once] = await insertStoredEvents(db, tenant.id, 2);
    // From here on: a fresh broker can make the consumer restart once while it starts.
    const logsBefore = logs().length;
    // One produce request: the copies share a partition and arrive in one batch.
    await publish([twice!, once!, twice!]);
    await waitForStatus([twice!, once!], 'sent');
    const rows = await db.delivery.findMany({ where: { tenantId: tenant.id } });
    expect(rows.map((r) => [r.eventPk.toString(), r.attempts]).sort()).toEqual([[twice!.id, 1], [once!.id, 1]].sort());
    expect(meta.eventsReceived().filter((e) => e.pixelId === '1011').map((e) => e['event_id']).sort()).toEqual([twice!.eventId, once!.eventId].sort());
    expect(logs().slice(logsBefore)).not.toContain('"event":"consumer_crashed"');
  });

  it('declares a delivery dead past the platform horizon and dead-letters it', async () => {
    const { tenant } = await tenantWithMeta('1005');
    meta.replyNextFor('1005', { status: 500, body: {} }, { status: 500, body: {} }, { status: 500, body: {} });
    // Six days and 23 hours old: inside Meta's 7 days, but the first retry falls past our horizon.
    const [old] = await insertStoredEvents(db, tenant.id, 1, { eventTime: new Date(Date.now() - (7 * 24 - 1) * 3600_000 + 100) });
    await publish([old!]);
    await waitForStatus([old!], 'dead');
    const row = await db.delivery.findFirstOrThrow({ where: { eventPk: BigInt(old!.id) } });
    expect(row.lastError).toMatch(/^retry horizon reached \(167 h after the event\); last error: /);
  });

  it("keeps delivering one tenant's events while another tenant's endpoint hangs", async () => {
    const healthy = await tenantWithMeta('1006');
    const broken = await tenantWithMeta('1007');
    meta.delayFor('1007', 5_000);
    const started = Date.now();
    for (let round = 0; round < 4; round += 1) {
      const mixed = [...(await insertStoredEvents(db, healthy.tenant.id, 2)), ...(await insertStoredEvents(db, broken.tenant.id, 2))];
      await publish(mixed);
    }
    await waitUntil(async () => (await db.delivery.count({ where: { tenantId: healthy.tenant.id, status: 'sent' } })) === 8, 'the healthy tenant to be served');
    // Four rounds against a 500 ms timeout would take 2 s if every round waited for the hang;
    // the circuit opens after three failures and the rest go straight to the retry tiers.
    expect(Date.now() - started).toBeLessThan(4_000);
    // The healthy tenant may well be served before the first hanging call times out.
    await waitUntil(
      async () => (await db.delivery.count({ where: { tenantId: broken.tenant.id, status: { in: ['retrying', 'dead'] } } })) > 0,
      "the hanging tenant's deliveries to go to the retry tiers",
    );
    meta.delayFor('1007', 0);
  });

  it('dead-letters undecodable bytes on the events topic and on a retry topic as they came, and keeps both partitions flowing', async () => {
    const { tenant } = await tenantWithMeta('1008');
    const kafka = new Kafka({ clientId: 'poison-test', brokers: config.kafka!.brokers, logLevel: logLevel.NOTHING });
    const raw = kafka.producer();
    await raw.connect();
    // Not UTF-8, so no JSON either: what a foreign producer or a damaged segment leaves behind.
    const poison = (tag: number) => Buffer.from([0xff, 0xfe, tag, 0x00, 0x81]);
    // Same key as the tenant's events, so the poison sits on the partition its events use.
    const [onEvents] = await raw.send({ topic: config.topics.events, messages: [{ key: tenant.id, value: poison(1) }] });
    const retryTier = config.topics.retries[0]!.name;
    const [onRetry] = await raw.send({ topic: retryTier, messages: [{ key: `${tenant.id}:meta`, value: poison(2), headers: { 'x-destination': 'meta', 'x-attempt': '1', 'x-due-at': '0' } }] });
    await raw.disconnect();

    const [afterEvents, afterRetry] = await insertStoredEvents(db, tenant.id, 2);
    await publish([afterEvents!]);
    const p = producer();
    await p.connect();
    await p.send(retryTier, [retryMessage(afterRetry!, { destination: 'meta', attempt: 1, dueAt: Date.now() }, 'HTTP 503')]);
    await p.disconnect();
    await waitForStatus([afterEvents!, afterRetry!], 'sent');

    const letters: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `${config.groupId}-dlq-reader` });
    await reader.connect();
    await reader.subscribe({ topics: [config.topics.deadLetter], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void letters.push(message) });
    const step = (m: KafkaMessage) => m.headers?.['dlq-step']?.toString();
    await waitUntil(async () => letters.filter((m) => step(m) === 'decode' || step(m) === 'retry').length === 2, 'both poison messages in the dead-letter topic');
    await reader.disconnect();
    const decoded = letters.find((m) => step(m) === 'decode')!;
    const retried = letters.find((m) => step(m) === 'retry')!;
    expect(Buffer.compare(decoded.value!, poison(1))).toBe(0);
    expect(Buffer.compare(retried.value!, poison(2))).toBe(0);
    expect(decoded.headers!['dlq-reason']!.toString()).toBe('Message is not UTF-8');
    expect(retried.headers!['x-destination']!.toString()).toBe('meta');
    // Both groups commit past the poison: it never comes back.
    const admin = kafka.admin();
    await admin.connect();
    const committedPast = async (groupId: string, topic: string, at: { partition: number; baseOffset?: string }) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = offsets?.partitions.find((p) => p.partition === at.partition)?.offset;
      return committed !== undefined && Number(committed) > Number(at.baseOffset);
    };
    await waitUntil(
      async () => (await committedPast(config.groupId, config.topics.events, onEvents!)) && (await committedPast(`${config.groupId}-retry`, retryTier, onRetry!)),
      'both consumer groups to commit past the poison messages',
    );
    await admin.disconnect();
  });

  it('exposes the dispatch KPIs on /metrics', async () => {
    // The lag series is refreshed by a poller, not on the scrape: wait for its first answer.
    let text = '';
    await waitUntil(async () => (text = await (await fetch(`${dispatcher.opsUrl}/metrics`)).text()).includes('attribution_kafka_consumer_lag{'), 'the consumer lag series');
    const sum = (prefix: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(prefix))
        .reduce((total, l) => total + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum('attribution_dispatch_attempts_total{destination="meta",outcome="sent",status_code="200"}')).toBeGreaterThan(0);
    expect(sum('attribution_dispatch_attempts_total{destination="meta",outcome="retry"')).toBeGreaterThan(0);
    expect(sum('attribution_consent_decisions_total{')).toBeGreaterThan(0);
    expect(text).toMatch(/attribution_consent_decisions_total\{tenant="[0-9a-f-]{36}",destination="meta",decision="blocked"\} 1/);
    expect(sum('attribution_dispatch_auth_errors_total{')).toBeGreaterThan(0);
    expect(sum('attribution_dispatch_dead_letters_total{destination="meta",step="dispatch"}')).toBe(1);
    expect(sum('attribution_dispatch_retries_scheduled_total{')).toBeGreaterThan(0);
    expect(sum('attribution_destination_request_duration_seconds_count{destination="meta"}')).toBeGreaterThan(0);
    expect(text).toContain('attribution_kafka_consumer_lag{');
    expect(text).toContain(`attribution_kafka_consumer_group_member{group="${config.groupId}"} 1`);
    expect(text).toContain(`attribution_kafka_consumer_group_member{group="${config.groupId}-retry"} 1`);
    expect(text).toContain('attribution_dependency_up{dependency="kafka"} 1');
  });
});
