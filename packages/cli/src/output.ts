/**
 * Results go to stdout: aligned text for people, or one JSON document with `--json`.
 * Warnings and errors go to stderr (as JSON lines with `--json`), so stdout stays parseable.
 */
import { UsageError, type CliError } from './cli-errors';
import { progressLine, type Progress, type ProgressStream } from './cli-progress';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The terminal stream for progress lines (process.stderr); none: no progress is shown. */
  progress?: ProgressStream;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** A plain aligned table; an empty list prints the header and `(none)`. */
export function table<T>(rows: readonly T[], cols: Array<Column<T>>): string {
  const cells = rows.map((row) => cols.map((c) => c.value(row)));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [line(cols.map((c) => c.header.toUpperCase())), ...cells.map(line)];
  if (rows.length === 0) lines.push('(none)');
  return lines.join('\n');
}

/** `key: value` lines with the values aligned. */
export function fields(pairs: Array<[string, string]>, indent = ''): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)} ${v}`.trimEnd()).join('\n');
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly io: Io,
  ) {}

  /** The command's one result: `value` as JSON, or the human text. */
  result(value: unknown, human: () => string): void {
    this.io.stdout(`${this.json ? toJson(value) : human()}\n`);
  }

  /** Something the operator must know although the command succeeded. */
  warn(message: string, details: Record<string, unknown> = {}): void {
    this.io.stderr(this.json ? `${JSON.stringify({ warning: message, ...details })}\n` : `warning: ${message}\n`);
  }

  /** A usage error also names the command's usage, and commander's did-you-mean when it has one. */
  error(error: CliError): void {
    const suggestion = error instanceof UsageError ? error.suggestion : undefined;
    if (this.json) {
      const details = { kind: error.kind, message: error.message, exit_code: error.exitCode, ...(suggestion ? { suggestion } : {}) };
      this.io.stderr(`${JSON.stringify({ error: details })}\n`);
      return;
    }
    const hint = error instanceof UsageError ? [suggestion ? `(${suggestion})` : '', error.usage].filter(Boolean).join('\n') : '';
    this.io.stderr(`error: ${error.message}\n${hint ? `${hint}\n` : ''}`);
  }

  /** A progress line on stderr for a long operation: only at a terminal, never with --json. */
  progress(): Progress {
    return progressLine(this.io.progress, this.json);
  }
}
