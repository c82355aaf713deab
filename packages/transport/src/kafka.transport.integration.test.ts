import { uniqueTopicPrefix, waitUntil } from '@attribution/testing';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport } from './kafka.transport';
import type { Consumer, MembershipChange } from './transport';

const SESSION_TIMEOUT_MS = 6_000;

/**
 * The group's view of a consumer, against the real broker: a member that is busy is not a dead
 * member, and a member that joined says so.
 */
describe('KafkaTransport consumer group membership', () => {
  const brokers = process.env.TEST_KAFKA_BROKERS!.split(',');
  const transport = new KafkaTransport({ brokers, clientId: 'membership-test' });
  const admin = new Kafka({ brokers, clientId: 'membership-test-admin', logLevel: logLevel.NOTHING }).admin();
  let consumer: Consumer | undefined;

  beforeAll(() => admin.connect());

  afterAll(async () => {
    await consumer?.stop();
    await transport.close();
    await admin.disconnect();
  });

  it('keeps its partitions through a batch that outlasts the session timeout, so the batch is done once', async () => {
    const topic = `${uniqueTopicPrefix()}slow`;
    const groupId = `${topic}-group`;
    await transport.ensureTopics([{ name: topic, partitions: 1 }]);
    const producer = transport.createProducer();
    await producer.connect();
    await producer.send(topic, [{ key: 'k', value: 'slow destination' }]);
    await producer.disconnect();

    const handled: string[] = [];
    const changes: MembershipChange[] = [];
    consumer = transport.createConsumer(groupId, { lingerMs: 0, sessionTimeoutMs: SESSION_TIMEOUT_MS, onMembership: (change) => changes.push(change) });
    expect(consumer.isMember()).toBe(false);
    await consumer.run([topic], async (batch, controls) => {
      for (const message of batch.messages) {
        handled.push(message.offset);
        // A destination slower than the session: without heartbeats during the batch the group
        // would expire this member, the commit would fail and the message would be handled again.
        await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS * 1.5));
        controls.resolveOffset(message.offset);
      }
    });
    expect(consumer.isMember()).toBe(true);

    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset;
    await waitUntil(async () => (await committed()) === '1', 'the slow batch to be committed', { timeoutMs: 30_000 });
    expect(handled).toEqual(['0']);
    expect(consumer.isMember()).toBe(true);
    // Joined once: a member the group had dropped would have joined again.
    expect(changes).toEqual([{ kind: 'joined', durationMs: expect.any(Number), partitions: 1 }]);

    await consumer.stop();
    expect(consumer.isMember()).toBe(false);
    expect(changes.at(-1)).toEqual({ kind: 'stopped' });
    consumer = undefined;
  });
});
