export { main, type MainIo } from './cli';
export { parseCliEnv, type CliEnv } from './cli-env';
export { CliError, EXIT, NotFoundError, RuntimeError, UsageError, ValidationError } from './cli-errors';
export { replayDeliveries, type ReplayProgress } from './replay/replay-deliveries';
export { syntheticEvent } from './destination-test.command';
