import { Writable } from 'node:stream';
import { currentLogContext } from './log-context';
import { redact } from './redact';

export type ServiceName = 'api' | 'worker' | 'pruner';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogMeta = Record<string, unknown>;

export interface Logger {
  debug(event: string, meta?: LogMeta): void;
  info(event: string, meta?: LogMeta): void;
  warn(event: string, meta?: LogMeta): void;
  error(event: string, meta?: LogMeta): void;
  /** Flushes and closes the output; later calls are no-ops. */
  close(): Promise<void>;
}

export interface LoggerOptions {
  service: ServiceName;
  level?: LogLevel;
  /** Where JSON lines go; stdout unless a test captures them. */
  stream?: Writable;
}

/** Lower is more severe; a line is written when its level is at or above the logger's. */
const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * One JSON object per line with exactly the fields level, service, trace_id, tenant_id, event
 * and meta. Meta is redacted before it is serialised, so callers cannot leak personal data.
 * Each line is one write to the stream, with nothing in between: the dispatcher writes a line
 * per delivered event, and winston's object-mode stream pipeline (which this replaced, with the
 * same output) cost more CPU than building and writing the line (docs/benchmarks.md, issue 15).
 */
export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stdout;
  const threshold = SEVERITY[options.level ?? 'info'];
  let closed: Promise<void> | undefined;
  const write = (level: LogLevel) => (event: string, meta?: LogMeta) => {
    if (closed || SEVERITY[level] > threshold) return;
    const { tenant_id, trace_id, ...rest } = meta ?? {};
    const context = currentLogContext();
    const line = {
      level,
      service: options.service,
      trace_id: (trace_id as string | undefined) ?? context.trace_id,
      tenant_id: (tenant_id as string | undefined) ?? context.tenant_id,
      event,
      meta: redact(rest),
    };
    stream.write(`${JSON.stringify(line)}\n`);
  };

  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    close() {
      // The stream is the caller's (stdout, or a test's): flushed, never ended.
      closed ??= new Promise<void>((resolve) => {
        if (stream.writableNeedDrain) stream.once('drain', () => resolve());
        else setImmediate(resolve);
      });
      return closed;
    },
  };
}
