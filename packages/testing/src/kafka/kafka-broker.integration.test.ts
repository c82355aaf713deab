import { createServer } from 'node:net';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker';

// The evidence behind docs/kafka.md: the KafkaJS calls our services make, against the real broker
// version pinned in infra/kafka/pom.xml, including a broker restart in the middle.

const TOPIC = 'conversions.test';
const GROUP = 'dispatcher.test';

let broker: KafkaBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
}, 180_000);

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function produce(from: number, to: number): Promise<void> {
  const messages = [];
  for (let i = from; i < to; i++) messages.push({ key: `k${i}`, value: `v${i}`, headers: { 'x-seq': String(i) } });
  await producer.send({ topic: TOPIC, acks: -1, messages });
}

/**
 * Joins GROUP and resolves each message up to `limit`, committing through
 * commitOffsetsIfNecessary inside eachBatch as the dispatcher does, then pauses.
 */
async function consumeUpTo(limit: number): Promise<{ seen: string[]; consumer: Consumer }> {
  // disconnect() waits for the in-flight fetch, which long-polls up to maxWaitTimeInMs (5 s by default).
  const consumer = kafka.consumer({ groupId: GROUP, maxWaitTimeInMs: 200 });
  consumers.push(consumer);
  const seen: string[] = [];
  const done = deferred();
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    // Without a threshold or interval commitOffsetsIfNecessary() never commits (see docs/kafka.md).
    autoCommitThreshold: 1,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, pause }) => {
      for (const message of batch.messages) {
        if (seen.length >= limit) break;
        seen.push(`${message.value?.toString()}|${message.headers?.['x-seq']?.toString()}`);
        resolveOffset(message.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
      if (seen.length >= limit) {
        pause();
        done.resolve();
      }
    },
  });
  await done.promise;
  return { seen, consumer };
}

async function committedOffset(): Promise<string | undefined> {
  const [topic] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  return topic?.partitions.find((p) => p.partition === 0)?.offset;
}

async function leave(consumer: Consumer): Promise<void> {
  await consumer.disconnect();
  consumers.splice(consumers.indexOf(consumer), 1);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('admin creates the topic explicitly (auto-creation is off)', async () => {
  await expect(admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true })).resolves.toBe(
    true,
  );
  expect(await admin.listTopics()).toContain(TOPIC);
  const noRetry = kafka.producer({ retry: { retries: 0 } });
  await noRetry.connect();
  await expect(noRetry.send({ topic: 'not.created', messages: [{ value: 'x' }] })).rejects.toThrow(
    /does not host this topic-partition/,
  );
  await noRetry.disconnect();
  expect(await admin.listTopics()).not.toContain('not.created');
});

test('produce with acks=-1 and headers; a second group member resumes at the committed offset', async () => {
  await produce(0, 10);
  expect(await admin.fetchTopicOffsets(TOPIC)).toEqual([expect.objectContaining({ partition: 0, high: '10', low: '0' })]);

  const first = await consumeUpTo(6);
  expect(first.seen).toEqual(['v0|0', 'v1|1', 'v2|2', 'v3|3', 'v4|4', 'v5|5']);
  expect(await committedOffset()).toBe('6');
  expect((await admin.listGroups()).groups).toContainEqual(expect.objectContaining({ groupId: GROUP }));
  await leave(first.consumer);

  const second = await consumeUpTo(4);
  expect(second.seen).toEqual(['v6|6', 'v7|7', 'v8|8', 'v9|9']);
  expect(await committedOffset()).toBe('10');
  await leave(second.consumer);
});

test('restart keeps port, topic and committed offsets; clients carry on', async () => {
  await broker.restart();

  expect(await admin.listTopics()).toContain(TOPIC);
  expect(await committedOffset()).toBe('10');
  await produce(10, 13);
  const third = await consumeUpTo(3);
  expect(third.seen).toEqual(['v10|10', 'v11|11', 'v12|12']);
  await leave(third.consumer);
});

test('stop() ends the broker and frees its port', async () => {
  const other = await startKafkaBroker();
  expect(await portIsFree(other.port)).toBe(false);
  await other.stop();
  expect(await portIsFree(other.port)).toBe(true);
});
