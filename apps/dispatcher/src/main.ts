import Joi from 'joi';
import { Lifecycle, createLogger, envFields, parseEnv, runMain, startTracing } from '@attribution/core';
import { dispatcherEnvKeys, toDispatcherConfig, type DispatcherEnv } from './env';

// Deployed on its own, the dispatcher consumes from a real broker.
const schema = Joi.object<DispatcherEnv>({ ...dispatcherEnvKeys, KAFKA_BROKERS: envFields.kafkaBrokers.required() });

runMain('dispatcher', async () => {
  const config = toDispatcherConfig(parseEnv(schema, process.env));
  const tracing = startTracing('dispatcher', config.observability.tracing);
  // Loaded after tracing starts, so pg and http are instrumented.
  const [{ createDbClient }, { createTransport, topicSpecs }, { startDispatcher }] = await Promise.all([
    import('@attribution/db'),
    import('@attribution/core'),
    import('./dispatcher.service'),
  ]);
  const logger = createLogger({ service: 'worker', level: config.logLevel });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
  lifecycle.installSignalHandlers();
  const db = createDbClient(config.databaseUrl);
  const transport = createTransport(config.kafka);
  await transport.ensureTopics(topicSpecs(config.topics, config.partitions));
  const { ops } = await startDispatcher(config, { db, transport, logger, lifecycle });
  lifecycle.add('transport', () => transport.close());
  lifecycle.add('database', () => db.$disconnect());
  lifecycle.add('tracing', () => tracing.shutdown());
  logger.info('service_started', { port: Number(new URL(ops.url).port) });
});
