import { parseEnv, required, runService } from '@attribution/runtime';
import { transportEnvFields } from '@attribution/transport';
import { ingestEnvKeys, toIngestConfig } from './env';

// Deployed on its own, the ingest-api must hand events to a real broker.
const schema = { ...ingestEnvKeys, KAFKA_BROKERS: required(transportEnvFields.kafkaBrokers) };

runService({
  name: 'ingest-api',
  logAs: 'api',
  config: () => toIngestConfig(parseEnv(schema, process.env)),
  // Loaded after tracing starts, so express, http and pg are instrumented.
  start: async (context) => (await import('./composition-root')).runIngestApi(context),
});
