import { parseEnv, required, runService } from '@attribution/runtime';
import { transportEnvFields } from '@attribution/transport';
import { dispatcherEnvKeys, toDispatcherConfig } from './env';

// Deployed on its own, the dispatcher consumes from a real broker.
const schema = { ...dispatcherEnvKeys, KAFKA_BROKERS: required(transportEnvFields.kafkaBrokers) };

runService({
  name: 'dispatcher',
  logAs: 'worker',
  config: () => toDispatcherConfig(parseEnv(schema, process.env)),
  async start({ config, logger, lifecycle }) {
    // Loaded after tracing starts, so pg is instrumented.
    const [{ openDatabase }, { openBus }, { startDispatcher }] = await Promise.all([
      import('@attribution/db'),
      import('@attribution/transport'),
      import('./composition-root'),
    ]);
    const db = openDatabase(config.databaseUrl, lifecycle);
    const transport = await openBus(config, lifecycle);
    const { ops } = await startDispatcher(config, { db, transport, logger, lifecycle });
    return { port: Number(new URL(ops.url).port) };
  },
});
