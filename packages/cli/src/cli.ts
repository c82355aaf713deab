/**
 * `attribution`: the admin CLI. `main` parses the command line (commander, cli-program.ts),
 * validates the environment once (only for a command that runs, never for `--help`), runs the
 * command and returns its exit code.
 */
import type { Command } from 'commander';
import type { EnvSource } from '@attribution/runtime';
import { parseCliEnv } from './cli-env';
import { EXIT, toCliError, type ExitCode } from './cli-errors';
import { createProgram, helpExitCode, type ProgramIo, type Runs } from './cli-program';
import { CommandContext, type OptionValues } from './context';
import { Output, type Io } from './output';

export interface MainIo extends Io, ProgramIo {
  readStdin(): Promise<string>;
}

/** Whether `--json` was given anywhere, before parsing (so even a usage error can be JSON). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** The command's option values by long name (`retention-days`), as the actions read them. */
function optionValues(command: Command): OptionValues {
  return Object.fromEntries(command.options.map((option) => [option.name(), command.getOptionValue(option.attributeName()) as OptionValues[string]]));
}

export async function main(argv: readonly string[], envSource: EnvSource, io: MainIo): Promise<ExitCode> {
  let ctx: CommandContext | undefined;
  const runs: Runs = (action, needs = {}) => async (...handlerArgs) => {
    const command = handlerArgs.at(-1) as Command;
    const env = parseCliEnv(envSource, needs);
    const out = new Output(command.optsWithGlobals<{ json?: boolean }>().json === true, io);
    ctx = new CommandContext(optionValues(command), command.processedArgs as string[], env, out, io.readStdin);
    await action(ctx);
  };
  try {
    await createProgram(runs, io).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (caught) {
    const helpExit = helpExitCode(caught);
    if (helpExit !== undefined) return helpExit;
    const error = toCliError(caught);
    new Output(wantsJson(argv), io).error(error);
    return error.exitCode;
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}
