import Joi from 'joi';
import { Lifecycle, createLogger, envFields, parseEnv, runMain, startTracing } from '@attribution/core';
import { ingestEnvKeys, toIngestConfig, type IngestEnv } from './env';

// Deployed on its own, the ingest-api must hand events to a real broker.
const schema = Joi.object<IngestEnv>({ ...ingestEnvKeys, KAFKA_BROKERS: envFields.kafkaBrokers.required() });

runMain('ingest-api', async () => {
  const config = toIngestConfig(parseEnv(schema, process.env));
  const tracing = startTracing('ingest-api', config.observability.tracing);
  // Loaded after tracing starts, so express, http and pg are instrumented.
  const [{ createDbClient }, { createTransport, topicSpecs }, { startIngestApi }] = await Promise.all([
    import('@attribution/db'),
    import('@attribution/core'),
    import('./ingest-api.service'),
  ]);
  const logger = createLogger({ service: 'api', level: config.logLevel });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const db = createDbClient(config.databaseUrl);
  const transport = createTransport(config.kafka);
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions));
  const { url } = await startIngestApi(config, { db, transport, logger, lifecycle });
  lifecycle.add('transport', () => transport.close());
  lifecycle.add('database', () => db.$disconnect());
  lifecycle.add('tracing', () => tracing.shutdown());
  logger.info('service_started', { port: Number(new URL(url).port) });
});
