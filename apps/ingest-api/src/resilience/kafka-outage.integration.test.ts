import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import {
  createTestDatabase,
  type KafkaBroker,
  seedTenant,
  startKafkaBroker,
  type TestDatabase,
  uniqueTopicPrefix,
  waitUntil,
} from '@attribution/testing';
import { decodeEventMessage, KafkaTransport, topicSpecs } from '@attribution/transport';
import { loadIngestConfig, type IngestConfig } from '../env';
import { startIngestApi, type RunningIngestApi } from '../composition-root';

/**
 * "A 202 is never lost, even if Kafka is down": a private broker (the shared one must never be
 * stopped) goes away while the API keeps taking events; once it is back, the outbox relay
 * publishes every accepted event, each exactly once.
 */
describe('ingest-api during a Kafka outage', () => {
  const PARTITIONS = 3;
  let broker: KafkaBroker;
  let database: TestDatabase;
  let db: Db;
  let transport: KafkaTransport;
  let lifecycle: Lifecycle;
  let api: RunningIngestApi;
  let config: IngestConfig;
  let secretKey: string;
  let logs = '';
  /** Rows the relay has marked published so far, and whoever waits for a total. */
  let published = 0;
  const publishedWaiters: Array<{ target: number; resolve: () => void }> = [];
  const onPublished = (count: number) => {
    published += count;
    for (const waiter of [...publishedWaiters]) {
      if (published >= waiter.target) {
        publishedWaiters.splice(publishedWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const publishedAtLeast = (target: number, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (published >= target) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`only ${published} of ${target} events published after ${timeoutMs} ms\n${logs.slice(-3000)}`)),
        timeoutMs,
      );
      publishedWaiters.push({ target, resolve: () => (clearTimeout(timer), resolve()) });
    });

  beforeAll(async () => {
    [broker, database] = await Promise.all([startKafkaBroker(), createTestDatabase(process.env.TEST_PG_ADMIN_URL)]);
    db = createDbClient(database.url);
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const logger = createLogger({ service: 'api', stream, level: 'info' });
    lifecycle = new Lifecycle({ logger, timeoutMs: 10_000 });
    config = loadIngestConfig({
      PORT: '0',
      INGEST_OPS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix(),
      KAFKA_PARTITIONS: String(PARTITIONS),
      LOG_LEVEL: 'info',
    });
    transport = new KafkaTransport({ brokers: broker.brokers, clientId: 'kafka-outage-test' });
    await transport.ensureTopics(topicSpecs(config.topics, PARTITIONS));
    api = await startIngestApi(config, { db, transport, logger, lifecycle, onPublished });
    secretKey = (await seedTenant(db)).secretKey;
  }, 180_000);

  afterAll(async () => {
    await lifecycle?.shutdown('test');
    await transport?.close().catch(() => undefined);
    await db?.$disconnect();
    await database?.drop();
    await broker?.stop();
  }, 60_000);

  const postEvents = async (eventIds: string[]): Promise<number> => {
    const response = await fetch(`${api.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: eventIds.map((eventId) => ({
          event_id: eventId,
          event_name: 'Purchase',
          event_time: Math.floor(Date.now() / 1000),
          action_source: 'website',
          user_data: { email: 'jane@example.com' },
          custom_data: { value: 12.5, currency: 'EUR' },
        })),
      }),
    });
    return response.status;
  };

  /** Posts `requests` requests of `perRequest` new events each, a few at a time; returns the ids. */
  const postMany = async (label: string, requests: number, perRequest: number): Promise<{ ids: string[]; statuses: number[] }> => {
    const ids: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < requests; i += 4) {
      const round = Array.from({ length: Math.min(4, requests - i) }, () =>
        Array.from({ length: perRequest }, () => `${label}-${randomUUID()}`),
      );
      const results = await Promise.all(round.map((batch) => postEvents(batch)));
      round.forEach((batch, j) => {
        statuses.push(results[j]!);
        if (results[j] === 202) ids.push(...batch);
      });
    }
    return { ids, statuses };
  };

  /** Reads the whole events topic with a fresh consumer group: one entry per message. */
  const readTopic = async (): Promise<string[]> => {
    const kafka = new Kafka({ clientId: 'kafka-outage-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(config.topics.events);
    await admin.disconnect();
    // Idempotent, non-transactional producer: one offset per message, no control records.
    const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    const seen: string[] = [];
    if (total === 0) return seen;
    const consumer = kafka.consumer({ groupId: `kafka-outage-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [config.topics.events], fromBeginning: true });
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(decodeEventMessage({ value: message.value ?? Buffer.alloc(0) }).eventId);
          if (seen.length >= total) done();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        all,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${total} messages`)), 30_000))),
      ]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toHaveLength(total);
    return seen;
  };

  const countPending = () => db.event.count({ where: { publishState: 'pending' } });

  /** Whether every partition of the events topic has a leader (a producer can write to it). */
  const partitionsLed = async (): Promise<boolean> => {
    const admin = new Kafka({ clientId: 'kafka-outage-probe', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata({ topics: [config.topics.events] });
      return topics[0]!.partitions.every((partition) => partition.leader >= 0);
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  it('keeps answering 202 while Kafka is down and publishes every accepted event exactly once after it returns', async () => {
    // Kafka up: events flow straight through.
    const before = await postMany('up', 8, 5);
    expect(before.statuses.every((s) => s === 202)).toBe(true);
    await publishedAtLeast(before.ids.length, 20_000);
    expect(await countPending()).toBe(0);

    // Kafka goes down while requests keep coming and the relay is publishing them: still 202
    // (the request path never touches Kafka), and the events wait in the outbox.
    const streaming = postMany('halting', 24, 5);
    await broker.halt();
    const haltedAt = Date.now();
    const during = await postMany('down', 20, 5);
    const whileHalting = await streaming;
    for (const statuses of [whileHalting.statuses, during.statuses]) expect(statuses).toEqual(statuses.map(() => 202));
    expect(await countPending()).toBeGreaterThanOrEqual(during.ids.length);
    // The relay has tried, failed and backed off for a while; the events are still pending.
    await waitUntil(async () => (logs.match(/outbox_publish_failed/g)?.length ?? 0) >= 3, 'three failed relay attempts', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const pendingInOutage = await countPending();
    expect(pendingInOutage).toBeGreaterThanOrEqual(during.ids.length);
    const outageMs = Date.now() - haltedAt;

    // Kafka back: the relay catches up without any nudge from new requests. The clock starts once
    // the broker leads the topic's partitions again: on a loaded machine that can take a while
    // after the broker answers, and it is the broker's recovery, not the relay's.
    const startCalledAt = Date.now();
    await broker.start();
    await waitUntil(partitionsLed, "the broker to lead the events topic's partitions again", { timeoutMs: 60_000, intervalMs: 200 });
    const brokerUpAt = Date.now();
    await publishedAtLeast(before.ids.length + whileHalting.ids.length + during.ids.length, 30_000);
    const caughtUpAt = Date.now();
    expect(await countPending()).toBe(0);

    // And keeps working afterwards.
    const after = await postMany('after', 4, 5);
    expect(after.statuses.every((s) => s === 202)).toBe(true);
    await publishedAtLeast(before.ids.length + whileHalting.ids.length + during.ids.length + after.ids.length, 20_000);
    expect(await countPending()).toBe(0);

    const accepted = [...before.ids, ...whileHalting.ids, ...during.ids, ...after.ids];
    const seen = await readTopic();
    const counts = new Map<string, number>();
    for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...counts.keys()].sort()).toEqual([...accepted].sort());
    expect(await db.event.count({ where: { publishState: 'published' } })).toBe(accepted.length);

    process.stdout.write(
      `[kafka-outage] ${accepted.length} events; outage ${outageMs} ms with ${pendingInOutage} events pending; broker restart took ` +
        `${brokerUpAt - startCalledAt} ms; relay caught up ${caughtUpAt - brokerUpAt} ms after the broker was ready\n`,
    );
    // The relay logs as itself, not as whichever request nudged it last.
    const relayLines = logs.split('\n').filter((line) => /"event":"outbox_/.test(line));
    expect(relayLines.length).toBeGreaterThan(0);
    for (const line of relayLines) expect(JSON.parse(line)).toMatchObject({ trace_id: null, tenant_id: null });
    // The relay's backoff is capped, so it catches up soon after the broker returns.
    expect(caughtUpAt - brokerUpAt).toBeLessThan(15_000);
  }, 180_000);
});
