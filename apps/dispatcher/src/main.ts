import Joi from 'joi';
import { Lifecycle, createLogger, createTransport, envFields, parseEnv, runMain, topicSpecs } from '@attribution/core';
import { createDbClient } from '@attribution/db';
import { startDispatcher } from './dispatcher.service';
import { dispatcherEnvKeys, toDispatcherConfig, type DispatcherEnv } from './env';

// Deployed on its own, the dispatcher consumes from a real broker.
const schema = Joi.object<DispatcherEnv>({ ...dispatcherEnvKeys, KAFKA_BROKERS: envFields.kafkaBrokers.required() });

runMain('dispatcher', async () => {
  const config = toDispatcherConfig(parseEnv(schema, process.env));
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const db = createDbClient(config.databaseUrl);
  const transport = createTransport(config.kafka);
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions));
  const { ops } = await startDispatcher(config, { db, transport, logger, lifecycle });
  lifecycle.add('transport', () => transport.close());
  lifecycle.add('database', () => db.$disconnect());
  logger.info('service_started', { port: Number(new URL(ops.url).port) });
});
