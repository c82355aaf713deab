import { PassThrough } from 'node:stream';
import { createLogger } from '@attribution/core';
import { createDbClient, type Db } from '@attribution/db';
import { Lifecycle } from '@attribution/runtime';
import { createTestDatabase, seedTenant, type TestDatabase, waitUntil } from '@attribution/testing';
import { InProcessTransport, topicNames, topicSpecs } from '@attribution/transport';
import { loadIngestConfig } from '../env';
import { startIngestApi, type RunningIngestApi } from '../composition-root';

/**
 * Two ingest-api replicas, each with a warm key cache: a key revoked in PostgreSQL must stop
 * working on both within a second, with no restart (LISTEN/NOTIFY invalidation).
 */
describe('API key revocation across replicas', () => {
  let database: TestDatabase;
  let db: Db;
  const replicas: Array<{ api: RunningIngestApi; lifecycle: Lifecycle }> = [];

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_PG_ADMIN_URL);
    db = createDbClient(database.url);
    for (let i = 0; i < 2; i += 1) {
      const logger = createLogger({ service: 'api', stream: new PassThrough() });
      const lifecycle = new Lifecycle({ logger, timeoutMs: 5_000 });
      const transport = new InProcessTransport();
      // Parsed like the real environment, so every other setting keeps its production default.
      const config = loadIngestConfig({ PORT: '0', INGEST_OPS_PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, KAFKA_PARTITIONS: '1', LOG_LEVEL: 'error' });
      await transport.ensureTopics(topicSpecs(topicNames(''), 1));
      replicas.push({ api: await startIngestApi(config, { db, transport, logger, lifecycle }), lifecycle });
    }
  });

  afterAll(async () => {
    for (const { lifecycle } of replicas) await lifecycle.shutdown('test');
    await db.$disconnect();
    await database.drop();
  });

  const post = (url: string, key: string) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_id: `e${Math.random()}`, event_name: 'Lead', event_time: Math.floor(Date.now() / 1000), action_source: 'system_generated' }),
    }).then((r) => r.status);

  it('refuses a revoked key on every replica within one second', async () => {
    const { tenant, secretKey } = await seedTenant(db);
    for (const { api } of replicas) expect(await post(api.url, secretKey)).toBe(202); // caches are warm now
    const revokedAt = Date.now();
    await db.apiKey.updateMany({ where: { tenantId: tenant.id, kind: 'secret' }, data: { revokedAt: new Date() } });
    for (const { api } of replicas) {
      await waitUntil(async () => (await post(api.url, secretKey)) === 401, 'the revoked key to be refused', { timeoutMs: 1_000, intervalMs: 20 });
    }
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  it('refuses the keys of a tenant disabled after its keys were cached', async () => {
    const { tenant, secretKey } = await seedTenant(db);
    expect(await post(replicas[0]!.api.url, secretKey)).toBe(202);
    await db.tenant.update({ where: { id: tenant.id }, data: { status: 'disabled' } });
    await waitUntil(async () => (await post(replicas[0]!.api.url, secretKey)) === 401, 'the disabled tenant to be refused', { timeoutMs: 1_000, intervalMs: 20 });
  });
});
