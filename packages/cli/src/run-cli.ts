/**
 * Test helper: runs the BUILT CLI (packages/cli/dist/bin.js) as an operator would, with exactly
 * the environment given (nothing inherited), and returns its exit code and output.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** packages/cli/dist/bin.js, from src/ (ts-jest) as from dist/. */
export const CLI_BIN = path.resolve(__dirname, '..', 'dist', 'bin.js');

export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const cleanEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { env: cleanEnv, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && (error.killed || typeof error.code !== 'number')) {
          reject(new Error(`attribution ${args.join(' ')}: ${error.killed ? 'timed out' : error.message}; stderr: ${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(opts.stdin ?? '');
  });
}

/** Parses stdout of a `--json` run, failing with the output if it is not JSON. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}): ${result.stdout}\nstderr: ${result.stderr}`);
  }
}
