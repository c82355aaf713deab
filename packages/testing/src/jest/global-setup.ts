/**
 * Jest global setup of a workspace's `integration` project (runs once per run, in Jest's parent
 * process): one real PostgreSQL with a migrated template database and, when the workspace's
 * jest.config.js asks for it (`services`), one real Kafka broker, shared by every integration
 * test file of the run. Each file then makes its own database (createTestDatabase) and its own
 * topic prefix, so files never see each other's data.
 *
 * Addresses reach the workers through process.env, which they inherit:
 * TEST_PG_ADMIN_URL and TEST_KAFKA_BROKERS. Either can point at an already running server.
 *
 * Jest loads global setup without moduleNameMapper, so `@attribution/db` here is the built
 * package (packages/db/dist): the root test script builds first.
 */
import { startKafkaBroker, type KafkaBroker } from '../kafka';
import { prepareTemplateDatabase, startTestPostgres, type TestPostgres } from '../postgres';

declare global {
  // Handed from global setup to global teardown (same process).
  var __ATTRIBUTION_TEST_PG__: TestPostgres | undefined;
  var __ATTRIBUTION_TEST_KAFKA__: KafkaBroker | undefined;
}

type Service = 'postgres' | 'kafka';

export default async function globalSetup(_global: unknown, project: { globals?: { attributionTestServices?: Service[] } }): Promise<void> {
  const started = Date.now();
  const services = project.globals?.attributionTestServices ?? ['postgres', 'kafka'];
  const kafka = process.env.TEST_KAFKA_BROKERS || !services.includes('kafka') ? undefined : startKafkaBroker();
  if (services.includes('postgres')) {
    if (!process.env.TEST_PG_ADMIN_URL) {
      const pg = await startTestPostgres();
      globalThis.__ATTRIBUTION_TEST_PG__ = pg;
      process.env.TEST_PG_ADMIN_URL = pg.adminUrl;
    }
    await prepareTemplateDatabase(process.env.TEST_PG_ADMIN_URL);
  }
  if (kafka) {
    const broker = await kafka;
    globalThis.__ATTRIBUTION_TEST_KAFKA__ = broker;
    process.env.TEST_KAFKA_BROKERS = broker.brokers.join(',');
  }
  if (services.length > 0) process.stdout.write(`\n[global-setup] ${services.join(' and ')} ready in ${Date.now() - started} ms\n`);
}
