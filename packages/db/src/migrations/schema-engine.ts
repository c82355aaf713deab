/**
 * Runs one command of Prisma's WebAssembly schema engine in a worker thread
 * (runtime/schema-engine-worker.cjs). No schema-engine binary, no network.
 *
 * The worker is used everywhere (app start-up, CLI, Jest) because @prisma/internals loads the
 * engine glue with a native dynamic import(), which Jest's VM sandbox cannot run.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** packages/db, seen from both src/migrations (ts-jest) and dist/migrations (compiled). */
export const DB_PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const MIGRATIONS_DIR = path.join(DB_PACKAGE_ROOT, 'prisma', 'migrations');
export const SCHEMA_PATH = path.join(DB_PACKAGE_ROOT, 'prisma', 'schema.prisma');
const WORKER_PATH = path.join(DB_PACKAGE_ROOT, 'runtime', 'schema-engine-worker.cjs');

export type SchemaEngineCommand = { command: 'apply' } | { command: 'diff' };

export interface SchemaEngineRunOptions {
  migrationsDir?: string;
  schemaPath?: string;
}

/** An error reported by the schema engine (e.g. a failed migration), with Prisma's error code. */
export class SchemaEngineError extends Error {
  override readonly name = 'SchemaEngineError';
  constructor(
    message: string,
    readonly code?: string,
    readonly engineStack?: string,
  ) {
    super(message);
  }
}

interface WorkerReply {
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; stack?: string; code?: string };
}

export function runSchemaEngine<T>(
  databaseUrl: string,
  job: SchemaEngineCommand,
  opts: SchemaEngineRunOptions = {},
): Promise<T> {
  const workerData = {
    ...job,
    databaseUrl,
    migrationsDir: path.resolve(opts.migrationsDir ?? MIGRATIONS_DIR),
    schemaPath: path.resolve(opts.schemaPath ?? SCHEMA_PATH),
  };
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (reply: WorkerReply): void => {
      if (settled) return;
      settled = true;
      if (reply.ok) return resolve(reply.result as T);
      const e = reply.error ?? { name: 'Error', message: 'unknown failure' };
      reject(new SchemaEngineError(`${job.command}: ${stripAnsi(e.message).trim()}`, e.code, e.stack));
    };
    const worker = new Worker(WORKER_PATH, { workerData });
    worker.once('message', (reply: WorkerReply) => {
      settle(reply);
      // The worker replies after closing its pools, but the engine leaves a 10 s timer behind
      // (its advisory-lock timeout), which would keep the thread alive: end it now.
      void worker.terminate();
    });
    worker.once('error', (error) => settle({ ok: false, error: { name: error.name, message: error.message, stack: error.stack } }));
    worker.once('exit', (exitCode) =>
      settle({ ok: false, error: { name: 'Error', message: `schema engine worker exited with code ${exitCode} without replying` } }),
    );
  });
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
