/**
 * Go tools the tests need (promtool, Jaeger v2), built from the Go module proxy by
 * infra/tools/go-tool.sh and cached in infra/tools/.bin, plus a throwaway Jaeger all-in-one
 * (infra/jaeger/run-jaeger.sh) for trace tests.
 *
 * The first build on a fresh machine takes minutes (Jaeger is a large build on 2 cores): give the
 * test that first asks for a tool a long timeout. Later calls return at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { findFreePorts } from '@attribution/local-postgres';

export type GoTool = 'promtool' | 'jaeger';

export interface GoToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The repository root (this file runs both from src under ts-jest and from dist). */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'tools', 'go-tool.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`infra/tools/go-tool.sh not found above ${__dirname}`);
  }
}

/** Runs a command to completion and collects its output; never rejects on a non-zero exit. */
function runCommand(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; onStderrLine?: (line: string) => void } = {},
): Promise<GoToolResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    proc.stderr.setEncoding('utf8');
    if (opts.onStderrLine) createInterface({ input: proc.stderr }).on('line', opts.onStderrLine);
    proc.stderr.on('data', (chunk: string) => (stderr += chunk));
    proc.once('error', reject);
    proc.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const builds = new Map<GoTool, Promise<string>>();

/**
 * The absolute path of a Go tool, building it first if needed (`infra/tools/go-tool.sh <tool>`).
 * Concurrent callers (in this process or others) share one build: the script takes a lock.
 */
export function goToolPath(tool: GoTool, opts: { log?: (line: string) => void } = {}): Promise<string> {
  let build = builds.get(tool);
  if (!build) {
    build = (async () => {
      const script = join(repoRoot(), 'infra', 'tools', 'go-tool.sh');
      const result = await runCommand('bash', [script, tool], { onStderrLine: opts.log });
      const path = result.stdout.trim().split('\n').at(-1) ?? '';
      if (result.code !== 0 || path === '' || !existsSync(path)) {
        throw new Error(`go-tool.sh ${tool} failed (exit ${result.code}):\n${result.stderr.split('\n').slice(-40).join('\n')}`);
      }
      return path;
    })();
    build.catch(() => builds.delete(tool)); // let a later call try again
    builds.set(tool, build);
  }
  return build;
}

/**
 * Runs a Go tool (built first if needed) to completion: `runGoTool('promtool', ['check', 'rules',
 * 'infra/prometheus/alerts.yml'])`. `cwd` defaults to the repository root. Never rejects on a
 * non-zero exit: the caller asserts on `code` and the output.
 */
export async function runGoTool(tool: GoTool, args: readonly string[], opts: { cwd?: string } = {}): Promise<GoToolResult> {
  const bin = await goToolPath(tool);
  return runCommand(bin, args, { cwd: opts.cwd ?? repoRoot() });
}

// ------------------------------------------------------------------------------------------------
// Jaeger

export interface JaegerOptions {
  /** Gets run-jaeger.sh's and Jaeger's output lines (Jaeger logs JSON-ish lines to stderr). */
  log?: (line: string) => void;
  /** How long to wait for the query API once the binary is built (default 60 s). */
  readyTimeoutMs?: number;
}

export interface Jaeger {
  /** OTLP/HTTP base URL; traces go to `${otlpHttpUrl}/v1/traces`. */
  otlpHttpUrl: string;
  /** OTLP/gRPC endpoint, `127.0.0.1:<port>`. */
  otlpGrpcEndpoint: string;
  /** Query API and UI base URL, e.g. `${queryUrl}/api/traces?service=ingest-api`. */
  queryUrl: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const TAIL_LINES = 40;

/**
 * Starts Jaeger v2 all-in-one (OTLP in, in-memory storage, query API) on free ports of
 * 127.0.0.1 and resolves once its query API answers. Builds the binary first when needed (outside
 * the readiness timeout). stop() sends SIGTERM and waits for the exit; a test process that dies
 * first still kills it.
 */
export async function startJaeger(opts: JaegerOptions = {}): Promise<Jaeger> {
  const log = opts.log ?? (() => undefined);
  await goToolPath('jaeger', { log });
  const script = join(repoRoot(), 'infra', 'jaeger', 'run-jaeger.sh');
  const ports = await findFreePorts(4);
  const [otlpHttp, otlpGrpc, query, queryGrpc] = ports as [number, number, number, number];
  const output: string[] = [];
  const proc: ChildProcess = spawn(
    'bash',
    [
      script,
      '--otlp-http-port', String(otlpHttp),
      '--otlp-grpc-port', String(otlpGrpc),
      '--query-port', String(query),
      '--query-grpc-port', String(queryGrpc),
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [proc.stdout, proc.stderr]) {
    if (stream) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (output.length > TAIL_LINES) output.shift();
        log(line);
      });
    }
  }
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const running = (): boolean => proc.exitCode === null && proc.signalCode === null;
  const killOnExit = (): void => {
    if (proc.pid !== undefined && running()) killGroup(proc.pid, 'SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (proc.pid === undefined || !running()) return;
    killGroup(proc.pid, 'SIGTERM');
    const timer = setTimeout(() => proc.pid !== undefined && killGroup(proc.pid, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const queryUrl = `http://127.0.0.1:${query}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!running()) {
      await stop();
      throw new Error(`Jaeger exited before it was ready (code ${proc.exitCode}):\n${output.join('\n')}`);
    }
    try {
      const res = await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Jaeger's query API did not answer on ${queryUrl}:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    otlpGrpcEndpoint: `127.0.0.1:${otlpGrpc}`,
    queryUrl,
    stop,
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
