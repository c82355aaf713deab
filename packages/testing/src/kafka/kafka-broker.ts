import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { findFreePort } from '@attribution/local-postgres';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaBrokerOptions {
  /** Broker port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Kept after stop() when given; a temporary dir is created and removed otherwise. */
  dataDir?: string;
  /** Gets kafka.sh's output: its own lines and the broker's ERROR lines (the rest is in server.log). */
  log?: (line: string) => void;
}

export interface KafkaBroker {
  brokers: string[];
  port: number;
  stop(): Promise<void>;
  /** Stops and starts again on the same port and data dir: topics and committed offsets survive. */
  restart(): Promise<void>;
  /** Outage simulation: stops the broker but keeps its port and data dir for start(). */
  halt(): Promise<void>;
  /** Starts the broker again after halt() or kill() (same port, data dir, topics and offsets); no-op when running. */
  start(): Promise<void>;
  /** Crash simulation (`kill -9`): no clean shutdown, the log is recovered on start(). */
  kill(): Promise<void>;
}

// A cold JVM start on a busy 2-core CI machine is far slower than the ~3 s seen on an idle one.
const READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 200;
const STOP_GRACE_MS = 20_000;
const TAIL_LINES = 40;
const READINESS_GROUP = 'kafka-broker-readiness';

/**
 * Starts a real single-node Kafka broker (infra/kafka/kafka.sh) on 127.0.0.1 and resolves once
 * clients can use it. Call stop() when done; a crashed test process still kills the JVM on exit.
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const script = join(findRepoRoot(), 'infra', 'kafka', 'kafka.sh');
  const log = opts.log ?? (() => undefined);
  await runScript(script, ['fetch'], log);
  // Below the ephemeral range (see findFreePort): the JVM binds them seconds after they are chosen.
  const port = opts.port ?? (await findFreePort());
  let controllerPort = await findFreePort();
  while (controllerPort === port) controllerPort = await findFreePort();
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kafka-broker-'));
  const output: string[] = [];
  let child: ChildProcess | undefined;

  // Without this a test runner that dies before stop() would leave the JVM (in its own process
  // group) running and its temp dir behind. Only synchronous work is possible in an 'exit' hook.
  const killOnExit = (): void => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      killGroup(child.pid, 'SIGKILL');
    }
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const launch = async (): Promise<void> => {
    const proc = spawn(
      'bash',
      [script, 'start', '--port', String(port), '--controller-port', String(controllerPort), '--data-dir', dataDir],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    output.length = 0;
    onLines(proc, (line) => {
      output.push(line);
      if (output.length > TAIL_LINES) output.shift();
      log(line);
    });
    // 'close' rather than 'exit': the last output lines have been read by then, for the error below.
    const exited = new Promise<never>((_, reject) => {
      proc.once('error', reject);
      proc.once('close', (code, signal) => reject(new Error(`exited early (code ${code}, signal ${signal})`)));
    });
    exited.catch(() => undefined); // it also rejects at every later stop, when nobody is waiting
    const polling = new AbortController();
    try {
      await Promise.race([waitUntilReady(port, polling.signal), exited]);
    } catch (err) {
      await halt();
      throw new Error(
        `Kafka broker on 127.0.0.1:${port} did not become ready: ${(err as Error).message}\n` +
          // The broker's ERROR lines are in the script's output; server.log has the context.
          `--- kafka.sh output ---\n${output.join('\n')}\n` +
          `--- ${join(dataDir, 'server.log')} (tail) ---\n${tail(join(dataDir, 'server.log'))}`,
      );
    } finally {
      polling.abort();
    }
  };

  const halt = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const proc = child;
    const pid = proc?.pid;
    child = undefined;
    if (proc === undefined || pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exit = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    killGroup(pid, signal);
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  };

  const cleanUp = (): void => {
    process.off('exit', killOnExit);
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  process.on('exit', killOnExit);
  await launch().catch((err: unknown) => {
    cleanUp();
    throw err;
  });

  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    stop: () => halt().then(cleanUp),
    restart: () => halt().then(launch),
    halt: () => halt(),
    kill: () => halt('SIGKILL'),
    start: () => (child === undefined ? launch() : Promise.resolve()),
  };
}

/** Walks up because this file runs both from src (ts-jest) and from dist. */
function findRepoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'kafka', 'kafka.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`infra/kafka/kafka.sh not found above ${__dirname}`);
  }
}

/** The first fetch downloads from Maven Central; kept out of the readiness timeout on purpose. */
function runScript(script: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    onLines(proc, (line) => {
      lines.push(line);
      log(line);
    });
    proc.once('error', reject);
    proc.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`kafka.sh ${args.join(' ')} exited with ${code}:\n${lines.join('\n')}`)),
    );
  });
}

/** Ready means the broker is in the cluster metadata and consumer groups can be served. */
async function waitUntilReady(port: number, signal: AbortSignal): Promise<void> {
  const kafka = new Kafka({
    clientId: 'kafka-broker-readiness',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline && !signal.aborted) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      if ((await admin.describeCluster()).brokers.length === 0) throw new Error('no broker registered yet');
      // After a restart the group coordinator replays __consumer_offsets before it answers group
      // calls; a probe group shares the only offsets partition with every group (see kafka.sh).
      // A new broker has no such topic yet, and asking would only make it create one.
      if ((await admin.listTopics()).includes('__consumer_offsets')) {
        await admin.fetchOffsets({ groupId: READINESS_GROUP, topics: [] });
      }
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    // Polling is the only option: nothing signals that the port has opened.
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  // Aborted once the caller has already settled (the broker exited): nobody reads this outcome.
  if (signal.aborted) return;
  throw new Error(`timed out after ${READY_TIMEOUT_MS} ms (last error: ${String(lastError)})`);
}

function onLines(proc: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [proc.stdout, proc.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', onLine);
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone: the group has no members left to signal.
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-TAIL_LINES).join('\n') : '(no log)';
}
