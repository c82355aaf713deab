import { parseEnv, required, runService } from '@attribution/runtime';
import { transportEnvFields } from '@attribution/transport';
import { ingestEnvKeys, toIngestConfig } from './env';

// Deployed on its own, the ingest-api must hand events to a real broker.
const schema = { ...ingestEnvKeys, KAFKA_BROKERS: required(transportEnvFields.kafkaBrokers) };

runService({
  name: 'ingest-api',
  logAs: 'api',
  config: () => toIngestConfig(parseEnv(schema, process.env)),
  async start({ config, logger, lifecycle }) {
    // Loaded after tracing starts, so express, http and pg are instrumented.
    const [{ openDatabase }, { openBus }, { startIngestApi }] = await Promise.all([
      import('@attribution/db'),
      import('@attribution/transport'),
      import('./composition-root'),
    ]);
    const db = openDatabase(config.databaseUrl, lifecycle);
    const transport = await openBus(config, lifecycle);
    const { url } = await startIngestApi(config, { db, transport, logger, lifecycle });
    return { port: Number(new URL(url).port) };
  },
});
