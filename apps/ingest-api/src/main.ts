import Joi from 'joi';
import { Lifecycle, createLogger, createTransport, envFields, parseEnv, runMain, topicSpecs } from '@attribution/core';
import { createDbClient } from '@attribution/db';
import { ingestEnvKeys, toIngestConfig, type IngestEnv } from './env';
import { startIngestApi } from './ingest-api.service';

// Deployed on its own, the ingest-api must hand events to a real broker.
const schema = Joi.object<IngestEnv>({ ...ingestEnvKeys, KAFKA_BROKERS: envFields.kafkaBrokers.required() });

runMain('ingest-api', async () => {
  const config = toIngestConfig(parseEnv(schema, process.env));
  const logger = createLogger({ service: 'api', level: config.logLevel });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const db = createDbClient(config.databaseUrl);
  const transport = createTransport(config.kafka);
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions));
  const { url } = await startIngestApi(config, { db, transport, logger, lifecycle });
  lifecycle.add('transport', () => transport.close());
  lifecycle.add('database', () => db.$disconnect());
  logger.info('service_started', { port: Number(new URL(url).port) });
});
