/**
 * Tenant isolation of every CLI command that writes: run against tenant A, each must leave
 * tenant B byte for byte as it was (destinations, credentials, deliveries, keys, settings) and
 * send none of B's deliveries to Kafka. Erasure's isolation is in cli.integration.test.ts.
 */
import { createDbClient, sealDestinationCredentials, type Db } from '@attribution/db';
import { createTestDatabase, insertStoredEvents, seedTenant, TEST_CREDENTIALS_KEY, type TestDatabase, uniqueTopicPrefix } from '@attribution/testing';
import { decodeEventMessage, KafkaTransport, topicNames, topicSpecs } from '@attribution/transport';
import { readMessages } from '../test/read-topic';
import { parseJson, runCli } from './run-cli';

describe('CLI tenant isolation', () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  const prefix = uniqueTopicPrefix();
  const topics = topicNames(prefix);

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    env = { DATABASE_URL: database.url, CREDENTIALS_KEY: TEST_CREDENTIALS_KEY, KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: prefix };
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  /** A tenant whose Meta token was refused, with parked and dead deliveries, and a GA4 destination. */
  async function tenantWithBacklog() {
    const { tenant } = await seedTenant(db);
    await db.destination.create({
      data: {
        tenantId: tenant.id,
        platform: 'meta',
        status: 'needs_credentials',
        settings: { pixel_id: '111' },
        credentialsEncrypted: sealDestinationCredentials(tenant.id, 'meta', { access_token: 'EAA-refused-0000' }, TEST_CREDENTIALS_KEY),
      },
    });
    await db.destination.create({
      data: { tenantId: tenant.id, platform: 'ga4', status: 'active', settings: { measurement_id: 'G-ISOLATED1' }, credentialsEncrypted: sealDestinationCredentials(tenant.id, 'ga4', { api_secret: 'secret-0001' }, TEST_CREDENTIALS_KEY) },
    });
    const parked = await insertStoredEvents(db, tenant.id, 2);
    const dead = await insertStoredEvents(db, tenant.id, 2);
    await db.delivery.createMany({
      data: [
        ...parked.map((e) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'parked' as const })),
        ...dead.map((e) => ({ eventPk: BigInt(e.id), eventReceivedAt: e.receivedAt, tenantId: tenant.id, destination: 'meta', status: 'dead' as const })),
      ],
    });
    return { tenant, parked, dead };
  }

  /** Everything the CLI could change about a tenant, as stored. */
  async function snapshot(tenantId: string) {
    return {
      tenant: await db.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
      destinations: await db.destination.findMany({ where: { tenantId }, orderBy: { platform: 'asc' } }),
      deliveries: await db.delivery.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
      keys: await db.apiKey.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    };
  }

  it("changes only the named tenant, and replays only that tenant's deliveries", async () => {
    const a = await tenantWithBacklog();
    const b = await tenantWithBacklog();
    const before = await snapshot(b.tenant.id);
    const transport = new KafkaTransport({ brokers: process.env.TEST_KAFKA_BROKERS!.split(','), clientId: 'cli-isolation-test' });
    await transport.ensureTopics(topicSpecs(topics, 1));

    const commands: string[][] = [
      ['destination', 'set', '--tenant', a.tenant.id, 'meta', '--pixel-id', '222', '--access-token', 'EAA-renewed-1234', '--json'],
      ['deliveries', 'replay', '--tenant', a.tenant.id, '--status', 'dead', '--json'],
      ['destination', 'remove', '--tenant', a.tenant.id, 'ga4', '--json'],
      ['keys', 'rotate', '--tenant', a.tenant.id, '--json'],
      ['tenant', 'set-retention', '--tenant', a.tenant.id, '--days', '7', '--json'],
      ['tenant', 'set-origins', '--tenant', a.tenant.id, '--origin', 'https://a.example', '--json'],
      ['tenant', 'disable', '--tenant', a.tenant.id, '--json'],
    ];
    const results = [];
    for (const args of commands) results.push(await runCli(args, env));
    expect(results.map((r) => r.code)).toEqual(commands.map(() => 0));
    expect(parseJson(results[0]!)).toMatchObject({ parked: 2, replayed: 2 });
    expect(parseJson(results[1]!)).toMatchObject({ replayed: 2 });

    // Only A's four deliveries reach the retry topic.
    const received = await readMessages(transport, `${prefix}cli-isolation`, topics.retries[0]!.name, 4, "tenant A's replayed deliveries").finally(() => transport.close());
    const replayed = received.map((m) => decodeEventMessage(m));
    expect(replayed.map((e) => e.eventId).sort()).toEqual([...a.parked, ...a.dead].map((e) => e.eventId).sort());
    expect(replayed.every((e) => e.tenantId === a.tenant.id)).toBe(true);

    // A changed; B is exactly as it was.
    const afterA = await snapshot(a.tenant.id);
    expect(afterA.tenant).toMatchObject({ retentionDays: 7, allowedOrigins: ['https://a.example'] });
    expect(afterA.destinations.map((d) => d.platform)).toEqual(['meta']);
    expect(await snapshot(b.tenant.id)).toEqual(before);
  });

  it("shows one tenant's destinations and refuses to act on another tenant's by platform", async () => {
    const a = await tenantWithBacklog();
    const { tenant: empty } = await seedTenant(db);
    const shown = await runCli(['destination', 'show', '--tenant', empty.id, '--json'], env);
    expect(parseJson<{ destinations: unknown[] }>(shown).destinations).toEqual([]);
    const removed = await runCli(['destination', 'remove', '--tenant', empty.id, 'ga4'], env);
    expect(removed.code).toBe(3);
    expect(await db.destination.count({ where: { tenantId: a.tenant.id } })).toBe(2);
    const replay = await runCli(['deliveries', 'replay', '--tenant', empty.id, '--status', 'parked', '--json'], env);
    expect(parseJson(replay)).toMatchObject({ replayed: 0 });
    expect(await db.delivery.count({ where: { tenantId: a.tenant.id, status: 'parked' } })).toBe(2);
  });
});
