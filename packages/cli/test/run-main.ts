import { main } from '../src/cli';

/** A DATABASE_URL that is never connected to by the tests that use it (nothing listens on port 1). */
export const UNREACHABLE_DB = { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' };

/**
 * Test helper: the CLI in-process (`main`), with exactly the environment given, its output
 * collected. Nothing is read from stdin.
 */
export async function runMain(argv: string[], env: Record<string, string> = UNREACHABLE_DB): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, env, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}
