import { parseEnv, required, runService } from '@attribution/runtime';
import { transportEnvFields } from '@attribution/transport';
import { dispatcherEnvKeys, toDispatcherConfig } from './env';

// Deployed on its own, the dispatcher consumes from a real broker.
const schema = { ...dispatcherEnvKeys, KAFKA_BROKERS: required(transportEnvFields.kafkaBrokers) };

runService({
  name: 'dispatcher',
  logAs: 'worker',
  config: () => toDispatcherConfig(parseEnv(schema, process.env)),
  // Loaded after tracing starts, so pg is instrumented.
  start: async (context) => (await import('./composition-root')).runDispatcher(context),
});
