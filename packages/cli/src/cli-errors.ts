/**
 * Every failure the CLI reports is one of these, and each maps to one exit code:
 * 1 runtime failure, 2 usage or validation error, 3 not found.
 */
import { DependencyUnavailableError } from '@attribution/runtime';

export const EXIT = { ok: 0, runtime: 1, usage: 2, notFound: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;
  abstract readonly kind: 'usage' | 'validation' | 'not_found' | 'runtime';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command line: unknown command or option, missing value or argument (commander's words). */
export class UsageError extends CliError {
  readonly exitCode = EXIT.usage;
  readonly kind = 'usage' as const;

  constructor(
    message: string,
    /** The usage line of the command at fault, and how to get its help. */
    readonly usage: string,
    /** Commander's did-you-mean, e.g. `Did you mean list?`. */
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

/** A value or the environment is wrong (bad origin, country, missing CREDENTIALS_KEY...). */
export class ValidationError extends CliError {
  readonly exitCode = EXIT.usage;
  readonly kind = 'validation' as const;
}

/** `tenant <id> not found`, `destination meta of tenant <id> not found`. */
export class NotFoundError extends CliError {
  readonly exitCode = EXIT.notFound;
  readonly kind = 'not_found' as const;
}

/** The command was right but could not be carried out (PostgreSQL or Kafka unreachable...). */
export class RuntimeError extends CliError {
  readonly exitCode = EXIT.runtime;
  readonly kind = 'runtime' as const;
}

/**
 * One line, never a stack trace; connection strings are masked in case a driver echoes one.
 * Prisma's messages start with the code frame of the call ("Invalid `…` invocation in …") and
 * end with what happened, so that last line is the one kept.
 */
export function describeUnexpected(error: unknown): string {
  // The database client reports an outage as DependencyUnavailableError: what happened is its cause.
  if (error instanceof DependencyUnavailableError && error.dependency === 'postgres' && error.cause) return describeUnexpected(error.cause);
  const raw = error instanceof Error ? error.message : String(error);
  const lines = raw.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const line = (lines[0]?.startsWith('Invalid `') ? lines.at(-1) : lines[0]) ?? 'unknown error';
  const fromPrisma = error instanceof Error && error.constructor.name.startsWith('PrismaClient');
  return `${fromPrisma ? 'PostgreSQL (DATABASE_URL): ' : ''}${line.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1****@')}`;
}

export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new RuntimeError(describeUnexpected(error), { cause: error });
}
