import { parseEnv, required, runService } from '@attribution/runtime';
import { transportEnvFields } from '@attribution/transport';
import { consoleEnvKeys, toConsoleConfig } from './env';

// Deployed on its own, the console publishes replays to the dispatcher's real broker.
const schema = { ...consoleEnvKeys, KAFKA_BROKERS: required(transportEnvFields.kafkaBrokers) };

runService({
  name: 'console',
  logAs: 'console',
  config: () => toConsoleConfig(parseEnv(schema, process.env)),
  // Loaded after tracing starts, so express, http and pg are instrumented.
  start: async (context) => (await import('./composition-root')).runConsole(context),
});
