export { main, program, type MainIo } from './cli';
export { parseCliEnv, type CliEnv } from './cli-env';
export { CliError, EXIT, NotFoundError, RuntimeError, UsageError, ValidationError } from './cli-errors';
export { formatHelp, parseCommandLine, type CommandSpec, type OptionSpec } from './command';
export { replayDeliveries, type ReplayProgress } from './replay/replay-deliveries';
export { syntheticEvent } from './destination-test.command';
