/**
 * replayDeliveries against a real PostgreSQL and Kafka: its progress callback reports each
 * published page, and what it reports is what reached the retry topic.
 */
import { createDbClient, DeliveryRepository, type Db } from '@attribution/db';
import { createTestDatabase, insertStoredEvents, seedTenant, type TestDatabase, uniqueTopicPrefix } from '@attribution/testing';
import { decodeEventMessage, KafkaTransport, topicNames, topicSpecs } from '@attribution/transport';
import { readMessages } from '../../test/read-topic';
import { replayDeliveries, type ReplayProgress } from './replay-deliveries';

describe('replayDeliveries progress', () => {
  let database: TestDatabase;
  let db: Db;
  const prefix = uniqueTopicPrefix();
  const topics = topicNames(prefix);
  const transport = new KafkaTransport({ brokers: process.env.TEST_KAFKA_BROKERS!.split(','), clientId: 'cli-replay-progress-test' });

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    await transport.ensureTopics(topicSpecs(topics, 1));
  });

  afterAll(async () => {
    await transport.close();
    await db.$disconnect();
    await database.drop();
  });

  async function deadDeliveries(tenantId: string, count: number) {
    const events = await insertStoredEvents(db, tenantId, count);
    await db.delivery.createMany({ data: events.map((e) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId, destination: 'meta', status: 'dead' as const })) });
    return events;
  }

  it('reports the running count after each page of 500, and the count is what was published', async () => {
    const { tenant } = await seedTenant(db);
    const { tenant: other } = await seedTenant(db);
    const events = await deadDeliveries(tenant.id, 501);
    await deadDeliveries(other.id, 3);
    const producer = transport.createProducer();
    await producer.connect();
    const reports: ReplayProgress[] = [];
    try {
      const result = await replayDeliveries({ deliveries: new DeliveryRepository(db), producer, topics }, { tenantId: tenant.id, statuses: ['dead'] }, (progress) =>
        reports.push({ ...progress }),
      );
      expect(result).toEqual({ replayed: 501 });
    } finally {
      await producer.disconnect();
    }
    expect(reports).toEqual([{ replayed: 500 }, { replayed: 501 }]);

    const received = await readMessages(transport, `${prefix}progress`, topics.retries[0]!.name, 501, 'the replayed deliveries');
    expect(received).toHaveLength(501);
    expect(new Set(received.map((m) => decodeEventMessage(m).eventId))).toEqual(new Set(events.map((e) => e.eventId)));
  });

  it('takes the two arguments its other callers pass, without a callback', async () => {
    const { tenant } = await seedTenant(db);
    await deadDeliveries(tenant.id, 2);
    const producer = transport.createProducer();
    await producer.connect();
    try {
      await expect(replayDeliveries({ deliveries: new DeliveryRepository(db), producer, topics }, { tenantId: tenant.id, statuses: ['dead'] })).resolves.toEqual({ replayed: 2 });
    } finally {
      await producer.disconnect();
    }
  });
});
