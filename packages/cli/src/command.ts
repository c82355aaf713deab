/**
 * A small command framework: nested command groups, long options, positional arguments,
 * generated `--help`, and commander-style usage errors (`error: unknown option '--x'`).
 * Built on the standard library only, so the CLI has no argument-parsing dependency.
 */
import { UsageError } from './cli-errors';
import type { CommandContext } from './context';

export const PROGRAM = 'attribution';

export interface OptionSpec {
  /** Long name without dashes, e.g. `retention-days`. */
  name: string;
  description: string;
  /** `string` takes a value (`--name N` or `--name=N`); `boolean` is a flag. */
  type: 'string' | 'boolean';
  /** Placeholder in help and errors, e.g. `days` → `--retention-days <days>`. */
  valueName?: string;
  /** May be given several times; the values are collected in order. */
  multiple?: boolean;
  required?: boolean;
  /** Values allowed (checked before the action runs). */
  choices?: readonly string[];
  /** Shown in help only; the action applies its own default. */
  defaultText?: string;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  choices?: readonly string[];
}

/** What the environment must provide for a command (checked once, before it runs). */
export interface EnvNeeds {
  credentialsKey?: boolean;
  /** CREDENTIALS_KEY_PREVIOUS (the key a rotation replaces). */
  previousCredentialsKey?: boolean;
  kafka?: boolean;
}

export interface CommandSpec {
  name: string;
  /** One line, shown in the parent's command list and at the top of the command's help. */
  summary: string;
  /** Longer text shown in the command's own help, after the summary. */
  details?: string;
  options?: OptionSpec[];
  args?: ArgumentSpec[];
  subcommands?: CommandSpec[];
  examples?: string[];
  env?: EnvNeeds;
  action?: (ctx: CommandContext) => Promise<void>;
}

export type OptionValues = Record<string, string | string[] | boolean | undefined>;

export interface ParsedCommand {
  /** From the root to the command that was named. */
  path: CommandSpec[];
  options: OptionValues;
  args: string[];
  help: boolean;
  json: boolean;
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'json', type: 'boolean', description: 'machine-readable JSON output' },
  { name: 'help', type: 'boolean', description: 'display help for command' },
];

function optionLabel(option: OptionSpec): string {
  const short = option.name === 'help' ? '-h, ' : '';
  return option.type === 'string' ? `${short}--${option.name} <${option.valueName ?? 'value'}>` : `${short}--${option.name}`;
}

export function commandName(path: CommandSpec[]): string {
  return path.map((c) => c.name).join(' ');
}

function usageLine(path: CommandSpec[]): string {
  const leaf = path.at(-1)!;
  if (leaf.subcommands) return `Usage: ${commandName(path)} [options] <command>`;
  const args = (leaf.args ?? []).map((a) => ` <${a.name}>`).join('');
  return `Usage: ${commandName(path)} [options]${args}`;
}

/** Whether `--json` was given anywhere, before parsing (so even a usage error can be JSON). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Resolves the command path, then reads the options and arguments of the command named.
 * Global flags (`--json`, `--help`, `-h`) are accepted anywhere.
 */
export function parseCommandLine(root: CommandSpec, argv: readonly string[]): ParsedCommand {
  const path: CommandSpec[] = [root];
  const rest: string[] = [];
  let help = false;
  let json = false;
  let i = 0;
  // 1. The command path: leading words that name subcommands.
  for (; i < argv.length; i += 1) {
    const token = argv[i]!;
    const current = path.at(-1)!;
    if (token === '--help' || token === '-h') help = true;
    else if (token === '--json') json = true;
    else if (!current.subcommands) break;
    else if (token.startsWith('-')) throw new UsageError(`unknown option '${token.split('=')[0]}'`, path);
    else {
      const sub = current.subcommands.find((c) => c.name === token);
      if (!sub) throw new UsageError(`unknown command '${token}'`, path);
      path.push(sub);
    }
  }
  rest.push(...argv.slice(i));
  const leaf = path.at(-1)!;
  if (leaf.subcommands) {
    // A group named without a subcommand: show its help (an error unless help was asked for).
    return { path, options: {}, args: [], help: true, json };
  }

  // 2. The leaf's options and arguments.
  const specs = new Map((leaf.options ?? []).map((o) => [o.name, o]));
  const options: OptionValues = {};
  const args: string[] = [];
  for (let j = 0; j < rest.length; j += 1) {
    const token = rest[j]!;
    if (token === '--') {
      args.push(...rest.slice(j + 1));
      break;
    }
    if (token === '--help' || token === '-h') {
      help = true;
      continue;
    }
    if (token === '--json') {
      json = true;
      continue;
    }
    if (!token.startsWith('-') || token === '-') {
      args.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.startsWith('--') ? token.slice(2, eq === -1 ? undefined : eq) : '';
    if (name === 'json' || name === 'help') throw new UsageError(`option '--${name}' does not take a value`, path);
    const spec = specs.get(name);
    if (!spec) throw new UsageError(`unknown option '${eq === -1 ? token : token.slice(0, eq)}'`, path);
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`option '${optionLabel(spec)}' does not take a value`, path);
      value = true;
    } else if (eq !== -1) {
      value = token.slice(eq + 1);
    } else {
      const next = rest[j + 1];
      // A following option is a forgotten value, not the value (`--name --json`).
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`option '${optionLabel(spec)}' argument missing`, path);
      }
      value = next;
      j += 1;
    }
    if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(
        `option '${optionLabel(spec)}' argument '${value}' is invalid. Allowed choices are ${spec.choices.join(', ')}.`,
        path,
      );
    }
    if (spec.multiple) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(value as string);
      options[name] = list;
    } else if (options[name] !== undefined) {
      throw new UsageError(`option '${optionLabel(spec)}' given more than once`, path);
    } else {
      options[name] = value;
    }
  }
  if (help) return { path, options, args, help, json };

  const expected = leaf.args ?? [];
  if (args.length > expected.length) {
    throw new UsageError(
      `too many arguments for '${leaf.name}'. Expected ${expected.length} argument${expected.length === 1 ? '' : 's'} but got ${args.length}.`,
      path,
    );
  }
  expected.forEach((spec, index) => {
    const value = args[index];
    if (value === undefined) throw new UsageError(`missing required argument '${spec.name}'`, path);
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`command-argument value '${value}' is invalid for argument '${spec.name}'. Allowed choices are ${spec.choices.join(', ')}.`, path);
    }
  });
  for (const spec of leaf.options ?? []) {
    if (spec.required && options[spec.name] === undefined) {
      throw new UsageError(`required option '${optionLabel(spec)}' not specified`, path);
    }
  }
  return { path, options, args, help, json };
}

function columns(rows: Array<[string, string]>, indent = 2): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${' '.repeat(indent)}${left.padEnd(width)}  ${right}`.trimEnd());
}

export function formatHelp(path: CommandSpec[]): string {
  const leaf = path.at(-1)!;
  const lines = [usageLine(path), '', leaf.summary];
  if (leaf.details) lines.push('', leaf.details);
  if (leaf.args?.length) {
    lines.push('', 'Arguments:');
    lines.push(...columns(leaf.args.map((a) => [a.name, a.choices ? `${a.description} (${a.choices.join(' | ')})` : a.description])));
  }
  const options = [...(leaf.options ?? []), ...GLOBAL_OPTIONS];
  lines.push('', 'Options:');
  lines.push(
    ...columns(
      options.map((o) => {
        const notes = [
          o.required ? 'required' : '',
          o.multiple ? 'repeatable' : '',
          o.choices ? `choices: ${o.choices.join(', ')}` : '',
          o.defaultText ? `default: ${o.defaultText}` : '',
        ].filter(Boolean);
        return [optionLabel(o), notes.length ? `${o.description} (${notes.join('; ')})` : o.description];
      }),
    ),
  );
  if (leaf.subcommands) {
    lines.push('', 'Commands:');
    lines.push(...columns(leaf.subcommands.map((c) => [c.subcommands ? `${c.name} <command>` : c.name, c.summary])));
  }
  if (leaf.examples?.length) {
    lines.push('', 'Examples:');
    lines.push(...leaf.examples.map((e) => `  $ ${e}`));
  }
  if (path.length === 1) {
    lines.push(
      '',
      'Exit codes: 0 success, 1 runtime failure (database or Kafka unreachable), 2 usage or',
      'validation error (bad flags, bad values, missing environment), 3 not found.',
      '',
      'Environment: DATABASE_URL (required); CREDENTIALS_KEY (destination set/show/test,',
      'credentials rotate-key); CREDENTIALS_KEY_PREVIOUS (opens only; rotate-key);',
      'KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_RETRY_DELAYS_MS, KAFKA_CLIENT_ID (replays).',
    );
  }
  return `${lines.join('\n')}\n`;
}

export { usageLine };
