import { ConfigError } from '../errors/app-error';

/**
 * Entry-point wrapper: a bad configuration or a failed start prints one line that names the
 * problem (never a stack trace, never a secret value) and exits non-zero.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: invalid configuration: ${error.problems.join('; ')}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${name}: failed to start: ${message.split('\n')[0]}\n`);
    }
    process.exit(1);
  });
}
