/**
 * How the commands declare their options and arguments on commander: the factories every
 * command uses, and what the help says about them ("(required; repeatable; choices: a, b)").
 * Commands apply their own defaults (a missing option stays undefined), so a default is named
 * in the help only.
 */
import { Argument, Command, Option, type Help } from 'commander';

/**
 * An option with what commander does not record itself: whether it must be given (checked
 * after unknown options and arguments, cli-program.ts), whether it repeats, and the default the
 * action applies.
 */
export class CliOption extends Option {
  isRequired = false;
  repeatable = false;
  helpDefault: string | undefined;
}

export interface ValueSettings {
  required?: boolean;
  /** May be given several times; the values are collected in order. */
  repeatable?: boolean;
  choices?: readonly string[];
  /** Shown in help only; the action applies its own default. */
  defaultText?: string;
}

/** An option that takes a value: `--name <name>` (`--name N` or `--name=N`). */
export function valueOption(flags: string, description: string, settings: ValueSettings = {}): CliOption {
  const option = new CliOption(flags, description);
  option.isRequired = settings.required === true;
  if (settings.choices) option.choices(settings.choices);
  if (settings.repeatable) {
    option.repeatable = true;
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  }
  option.helpDefault = settings.defaultText;
  return option;
}

/** A flag: `--yes`. */
export function flagOption(flags: string, description: string): CliOption {
  return new CliOption(flags, description);
}

/** `--tenant <id>`, which most commands require. */
export function tenantOption(description = 'tenant id', required = true): CliOption {
  return valueOption('--tenant <id>', description, { required });
}

export function argument(name: string, description: string, choices?: readonly string[]): Argument {
  const arg = new Argument(`<${name}>`, description);
  return choices ? arg.choices(choices) : arg;
}

export interface CommandHelp {
  /** Shown in the command's own help, after the summary. */
  details?: string;
  examples?: readonly string[];
}

/** A command that runs: `summary` in its group's list, and with the details and examples in its own help. */
export function leafCommand(name: string, summary: string, help: CommandHelp = {}): Command {
  const command = new Command(name).summary(summary).description(help.details ? `${summary}\n\n${help.details}` : summary);
  return help.examples ? withExamples(command, help.examples) : command;
}

/** A command group: named without one of its commands, it prints its help (exit 2). */
export function groupCommand(name: string, summary: string, commands: Command[]): Command {
  const group = new Command(name).summary(summary).description(summary).usage('[options] <command>');
  for (const command of commands) group.addCommand(command);
  return group;
}

export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);
}

/** The help's wording of options, arguments and command lists (configureHelp). */
export const HELP_FORMAT: Partial<Help> = {
  showGlobalOptions: true,
  optionDescription(option: Option): string {
    const own = option instanceof CliOption ? option : undefined;
    const notes = [
      own?.isRequired ? 'required' : '',
      own?.repeatable ? 'repeatable' : '',
      option.argChoices ? `choices: ${option.argChoices.join(', ')}` : '',
      own?.helpDefault ? `default: ${own.helpDefault}` : '',
    ].filter(Boolean);
    return notes.length ? `${option.description} (${notes.join('; ')})` : option.description;
  },
  argumentDescription(arg: Argument): string {
    return arg.argChoices ? `${arg.description} (${arg.argChoices.join(' | ')})` : arg.description;
  },
  subcommandTerm(command: Command): string {
    return command.commands.length > 0 ? `${command.name()} <command>` : command.name();
  },
};
