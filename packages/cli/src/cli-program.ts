/**
 * The `attribution` program on commander: the command tree, and the settings every command of
 * it gets (output to the caller's streams, the help's wording, did-you-mean suggestions, and
 * errors thrown instead of exiting, so `main` decides the exit code).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { EnvNeeds } from './cli-env';
import { EXIT, UsageError, type ExitCode } from './cli-errors';
import { CliOption, flagOption, HELP_FORMAT, withExamples } from './cli-options';
import type { CommandContext } from './context';
import { credentialsCommand } from './credentials.command';
import { deliveriesCommand } from './deliveries.command';
import { destinationCommand } from './destination.command';
import { gdprCommand } from './gdpr.command';
import { keysCommand } from './keys.command';
import { tenantCommand } from './tenant.command';

export const PROGRAM = 'attribution';

export type CommandAction = (ctx: CommandContext) => Promise<void>;
/** Makes a command's action its commander action handler, given what it needs from the environment. */
export type Runs = (action: CommandAction, needs?: EnvNeeds) => (...handlerArgs: unknown[]) => Promise<void>;

export interface ProgramIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Columns the help is wrapped to (the terminal's); default 80. */
  helpWidth?: number;
}

const ROOT_NOTES = `
Exit codes: 0 success, 1 runtime failure (database or Kafka unreachable), 2 usage or
validation error (bad flags, bad values, missing environment), 3 not found.

Environment: DATABASE_URL (required); CREDENTIALS_KEY (destination set/show/test,
credentials rotate-key); CREDENTIALS_KEY_PREVIOUS (opens only; rotate-key);
KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_RETRY_DELAYS_MS, KAFKA_CLIENT_ID (replays).`;

/** The version of this package (packages/cli/package.json, next to dist/ and src/). */
function cliVersion(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Built for each run: commander keeps what it parsed on the command objects. */
export function createProgram(runs: Runs, io: ProgramIo): Command {
  const summary = 'Administer the attribution engine: tenants, API keys, destinations, credentials key, deliveries, GDPR erasure.';
  const program = new Command(PROGRAM)
    .summary(summary)
    .description(summary)
    .usage('[options] <command>')
    .version(cliVersion(), '-V, --version', 'output the version number')
    // On the program, so commander accepts it anywhere on the line, before or after the command.
    .addOption(flagOption('--json', 'machine-readable JSON output'));
  for (const group of [tenantCommand, keysCommand, destinationCommand, credentialsCommand, deliveriesCommand, gdprCommand]) program.addCommand(group(runs));
  withExamples(program, ['attribution tenant create --name "Shop" --origin https://shop.example', 'attribution tenant list --json', 'attribution tenant create --help']);
  program.addHelpText('after', ROOT_NOTES);
  program.hook('preAction', (_program, leaf) => checkRequiredOptions(leaf));
  for (const command of everyCommand(program)) configure(command, io);
  return program;
}

/**
 * Required options are checked here, after commander has checked the options it does not know
 * and the arguments (makeOptionMandatory would come first): `tenant create --bogus` is about
 * `--bogus`, not the missing `--name`.
 */
function checkRequiredOptions(command: Command): void {
  for (const option of command.options) {
    if (option instanceof CliOption && option.isRequired && command.getOptionValue(option.attributeName()) === undefined) {
      command.error(`error: required option '${option.flags}' not specified`);
    }
  }
}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

/** `attribution tenant create` */
function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

function configure(command: Command, io: ProgramIo): void {
  const width = () => io.helpWidth ?? 80;
  command
    // main prints errors itself (as text or JSON); commander prints help and the version.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => undefined, getOutHelpWidth: width, getErrHelpWidth: width })
    .configureHelp(HELP_FORMAT)
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .exitOverride((error) => {
      throw HELP_EXITS.has(error.code) ? error : usageError(command, error);
    });
  for (const option of command.options.filter((o) => o.required)) {
    // Ahead of the option's own parser (choices, collecting a repeated option): these come first.
    const parse = option.parseArg;
    option.argParser((value: string, previous: unknown) => {
      checkValue(command, option, value, previous);
      return parse ? parse(value, previous) : value;
    });
  }
}

/** Rules commander does not have, kept from the CLI's first parser. */
function checkValue(command: Command, option: Option, value: string, previous: unknown): void {
  // A following option is a forgotten value, not the value (`--name --origin x`).
  if (value.startsWith('--') && value.length > 2) command.error(`error: option '${option.flags}' argument missing`);
  const repeatable = option instanceof CliOption && option.repeatable;
  if (!repeatable && previous !== undefined) command.error(`error: option '${option.flags}' given more than once`);
}

/** `--help` and `--version` (exit 0), and a group named without a command, whose help went to stderr (exit 2). */
const HELP_EXITS = new Map<string, ExitCode>([
  ['commander.helpDisplayed', EXIT.ok],
  ['commander.version', EXIT.ok],
  ['commander.help', EXIT.usage],
]);

export function helpExitCode(error: unknown): ExitCode | undefined {
  return error instanceof CommanderError ? HELP_EXITS.get(error.code) : undefined;
}

function usageError(command: Command, error: CommanderError): UsageError {
  // Commander's message, then its did-you-mean on the next line: "(Did you mean list?)".
  const [first = '', ...more] = error.message.replace(/^error: /, '').split('\n');
  const suggestion = /^\((.*)\)$/.exec(more.join(' '))?.[1];
  const usage = `Usage: ${command.createHelp().commandUsage(command)}\n(run '${commandPath(command)} --help' for details)`;
  // `--json=yes`: commander sees an unknown option; it is a flag given a value.
  const flag = /^unknown option '(--[^=']+)=/.exec(first)?.[1];
  const isFlag = flag !== undefined && (flag === '--help' || commandAndAncestors(command).some((c) => c.options.some((o) => o.long === flag && o.isBoolean())));
  return isFlag ? new UsageError(`option '${flag}' does not take a value`, usage) : new UsageError(first, usage, suggestion);
}

function commandAndAncestors(command: Command): Command[] {
  return command.parent ? [command, ...commandAndAncestors(command.parent)] : [command];
}
