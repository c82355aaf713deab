import { Writable } from 'node:stream';
import winston from 'winston';
import { currentLogContext } from './log-context';
import { redact } from './redact';

export type ServiceName = 'api' | 'worker' | 'pruner' | 'console';
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

/**
 * One JSON object per line with exactly the fields level, service, trace_id, tenant_id, event
 * and meta. Meta is redacted before it is serialised, so callers cannot leak personal data.
 */
export function createLogger(options: LoggerOptions): Logger {
  const shape = winston.format((info) => {
    const context = currentLogContext();
    const line = {
      level: info.level,
      service: options.service,
      trace_id: (info['trace_id'] as string | undefined) ?? context.trace_id,
      tenant_id: (info['tenant_id'] as string | undefined) ?? context.tenant_id,
      event: info.message,
      meta: redact(info['meta'] ?? {}),
    };
    return { ...line, [Symbol.for('level')]: info.level, [Symbol.for('message')]: JSON.stringify(line) } as unknown as winston.Logform.TransformableInfo;
  });

  const stream = options.stream ?? process.stdout;
  const winstonLogger = winston.createLogger({
    level: options.level ?? 'info',
    format: shape(),
    transports: [new winston.transports.Stream({ stream })],
  });

  let closed: Promise<void> | undefined;
  const write = (level: LogLevel) => (event: string, meta?: LogMeta) => {
    if (closed) return;
    const { tenant_id, trace_id, ...rest } = meta ?? {};
    winstonLogger.log({ level, message: event, meta: rest, tenant_id, trace_id });
  };

  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (stream === process.stdout || stream === process.stderr) return resolve();
        winstonLogger.on('finish', () => resolve());
        winstonLogger.end();
      });
      return closed;
    },
  };
}
