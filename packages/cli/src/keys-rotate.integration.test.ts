/**
 * `attribution keys rotate` end to end: two real ingest-api processes with warm key caches, the
 * built CLI rotating the keys, and both replicas refusing the old keys within a second (change
 * triggers + LISTEN) while accepting the new ones.
 */
import { createDbClient, type Db } from '@attribution/db';
import { createTestDatabase, spawnApp, type SpawnedApp, type TestDatabase, uniqueTopicPrefix, waitUntil } from '@attribution/testing';
import { KafkaTransport, topicNames, topicSpecs } from '@attribution/transport';
import { parseJson, runCli } from './run-cli';

const ORIGIN = 'https://shop.example';

describe('attribution keys rotate across ingest-api replicas', () => {
  let database: TestDatabase;
  let db: Db;
  const replicas: SpawnedApp[] = [];
  const urls: string[] = [];
  const prefix = uniqueTopicPrefix();

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    // Created once here, so the two replicas do not race to create them.
    const transport = new KafkaTransport({ brokers: process.env.TEST_KAFKA_BROKERS!.split(','), clientId: 'cli-rotate-test' });
    await transport.ensureTopics(topicSpecs(topicNames(prefix), 1));
    await transport.close();
    for (let i = 0; i < 2; i += 1) {
      replicas.push(
        spawnApp('apps/ingest-api/dist/main.js', {
          DATABASE_URL: database.url,
          KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS,
          KAFKA_TOPIC_PREFIX: prefix,
          KAFKA_PARTITIONS: '1',
          HOST: '127.0.0.1',
          PORT: '0',
          INGEST_OPS_PORT: '0',
          LOG_LEVEL: 'info',
        }),
      );
    }
    for (const replica of replicas) {
      const [, port] = await replica.waitForOutput(/"event":"service_started","meta":\{"port":(\d+)/, 45_000);
      urls.push(`http://127.0.0.1:${port}`);
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGTERM')));
    await db.$disconnect();
    await database.drop();
  });

  const post = (url: string, key: string) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: key.startsWith('pk_') ? { 'x-api-key': key, origin: ORIGIN, 'content-type': 'application/json' } : { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_id: `e-${Math.random()}`, event_name: 'Lead', event_time: Math.floor(Date.now() / 1000), action_source: 'website', event_source_url: `${ORIGIN}/` }),
    }).then((r) => r.status);

  it('refuses the old keys on both replicas within a second and accepts the new ones', async () => {
    const env = { DATABASE_URL: database.url };
    const created = parseJson<{ tenant: { id: string }; keys: { public: string; secret: string } }>(
      await runCli(['tenant', 'create', '--name', 'Rotating shop', '--origin', ORIGIN, '--consent-policy', 'allow', '--json'], env),
    );
    const old = created.keys;
    for (const url of urls) {
      // Warms each replica's key cache, so only the change notification can stop the old keys.
      expect(await post(url, old.secret)).toBe(202);
      expect(await post(url, old.public)).toBe(202);
    }

    const rotated = await runCli(['keys', 'rotate', '--tenant', created.tenant.id, '--json'], env);
    const rotatedAt = Date.now();
    expect(rotated.code).toBe(0);
    const fresh = parseJson<{ keys: { public: string; secret: string }; revoked: Array<{ kind: string }> }>(rotated);
    expect(fresh.revoked.map((k) => k.kind).sort()).toEqual(['public', 'secret']);
    expect(fresh.keys.secret).not.toBe(old.secret);

    await Promise.all(
      urls.flatMap((url) =>
        [old.secret, old.public].map((key) =>
          waitUntil(async () => (await post(url, key)) === 401, `${url} to refuse the old ${key.slice(0, 3)} key`, { timeoutMs: 1_000, intervalMs: 20 }),
        ),
      ),
    );
    expect(Date.now() - rotatedAt).toBeLessThan(1_000);
    for (const url of urls) {
      expect(await post(url, fresh.keys.secret)).toBe(202);
      expect(await post(url, fresh.keys.public)).toBe(202);
    }
    const keys = await db.apiKey.findMany({ where: { tenantId: created.tenant.id } });
    expect(keys.filter((k) => k.revokedAt === null)).toHaveLength(2);
    expect(keys.filter((k) => k.revokedAt !== null)).toHaveLength(2);
  });
});
