/**
 * `attribution`: the admin CLI. `main` parses the command line, validates the environment once
 * (only for a command that runs, never for `--help`), runs the command and returns its exit code.
 */
import type { EnvSource } from '@attribution/runtime';
import { parseCliEnv } from './cli-env';
import { EXIT, UsageError, toCliError, type ExitCode } from './cli-errors';
import { commandName, formatHelp, parseCommandLine, PROGRAM, usageLine, wantsJson, type CommandSpec } from './command';
import { CommandContext } from './context';
import { credentialsCommand } from './credentials.command';
import { deliveriesCommand } from './deliveries.command';
import { destinationCommand } from './destination.command';
import { gdprCommand } from './gdpr.command';
import { keysCommand } from './keys.command';
import { Output, type Io } from './output';
import { tenantCommand } from './tenant.command';

export const program: CommandSpec = {
  name: PROGRAM,
  summary: 'Administer the attribution engine: tenants, API keys, destinations, credentials key, deliveries, GDPR erasure.',
  subcommands: [tenantCommand, keysCommand, destinationCommand, credentialsCommand, deliveriesCommand, gdprCommand],
  examples: ['attribution tenant create --name "Shop" --origin https://shop.example', 'attribution tenant list --json', 'attribution tenant create --help'],
};

export interface MainIo extends Io {
  readStdin(): Promise<string>;
}

export async function main(argv: readonly string[], envSource: EnvSource, io: MainIo): Promise<ExitCode> {
  const out = new Output(wantsJson(argv), io);
  let ctx: CommandContext | undefined;
  try {
    const parsed = parseCommandLine(program, argv);
    const leaf = parsed.path.at(-1)!;
    if (parsed.help || !leaf.action) {
      // Asked for: stdout, exit 0. A group (or the program) named without a command: stderr, exit 2.
      const asked = argv.includes('--help') || argv.includes('-h');
      out.help(formatHelp(parsed.path), !asked);
      return asked ? EXIT.ok : EXIT.usage;
    }
    const env = parseCliEnv(envSource, leaf.env ?? {});
    ctx = new CommandContext(parsed.options, parsed.args, env, new Output(parsed.json, io), io.readStdin);
    await leaf.action(ctx);
    return EXIT.ok;
  } catch (caught) {
    const error = toCliError(caught);
    const hint = error instanceof UsageError ? `${usageLine(error.path)}\n(run '${commandName(error.path)} --help' for details)` : undefined;
    out.error(error, hint);
    return error.exitCode;
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}
