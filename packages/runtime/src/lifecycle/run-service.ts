import { createLogger, type Logger, type ServiceName } from '@attribution/core';
import type { ServiceConfig } from '../config/observability-env';
import { startTracing } from '../tracing/tracing';
import { Lifecycle } from './lifecycle';
import { runMain } from './run-main';

export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  lifecycle: Lifecycle;
}

export interface ServiceDefinition<C extends ServiceConfig> {
  /** The deployable's name: for `runMain`'s messages and the tracing service name. */
  name: string;
  /** The `service` field of its log lines. */
  logAs: ServiceName;
  /** Parses the environment (a ConfigError is reported as one line and exit 1). */
  config: () => C;
  /**
   * Wires the app and registers its shutdown stages; resolves to the fields of the
   * `service_started` line. Import what should be traced (express, pg) here, not at the top of
   * main: tracing starts before this runs.
   */
  start: (context: ServiceContext<C>) => Promise<Record<string, unknown>>;
}

/** The boot of every deployable: config, then tracing, then the app, with one ordered shutdown. */
export function runService<C extends ServiceConfig>(service: ServiceDefinition<C>): void {
  runMain(service.name, async () => {
    const config = service.config();
    const tracing = startTracing(service.name, config.observability.tracing);
    const logger = createLogger({ service: service.logAs, level: config.logLevel });
    const lifecycle = new Lifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
    lifecycle.installProcessHandlers();
    lifecycle.add('tracing', () => tracing.shutdown(), 'telemetry');
    const started = await service.start({ config, logger, lifecycle });
    logger.info('service_started', started);
  });
}
