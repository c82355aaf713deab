import { ConfigError } from '../errors/app-error';
import { observabilityEnvKeys, toObservabilityConfig } from './observability-env';
import { parseEnv } from './parse-env';

const parse = (env: Record<string, string>) => toObservabilityConfig(parseEnv(observabilityEnvKeys, env));

describe('observability environment', () => {
  it('traces up to 100 new traces a second by default, exporting nowhere, with the OpenTelemetry batch defaults', () => {
    expect(parse({}).tracing).toEqual({
      enabled: true,
      otlpEndpoint: null,
      sampleRatio: 1,
      maxTracesPerSecond: 100,
      batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000 },
    });
  });

  it('reads the sampling ratio, the trace rate limit and the standard OTEL_BSP_* variables', () => {
    const { tracing } = parse({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      TRACE_RATE_LIMIT: '0',
      OTEL_BSP_MAX_QUEUE_SIZE: '4096',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '128',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BSP_EXPORT_TIMEOUT: '10000',
    });
    expect(tracing).toEqual({
      enabled: true,
      otlpEndpoint: 'http://jaeger:4318',
      sampleRatio: 0.25,
      maxTracesPerSecond: 0,
      batch: { maxQueueSize: 4096, maxExportBatchSize: 128, scheduledDelayMillis: 1000, exportTimeoutMillis: 10_000 },
    });
  });

  it('never exports batches larger than the queue can hold', () => {
    expect(parse({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' }).tracing.batch).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
  });

  it('lists every bad OTEL_BSP_* variable at once, without echoing values', () => {
    let caught: unknown;
    try {
      parse({ OTEL_BSP_MAX_QUEUE_SIZE: 'lots', OTEL_BSP_SCHEDULE_DELAY: '-1', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0', OTEL_BSP_EXPORT_TIMEOUT: '1.5' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'OTEL_BSP_EXPORT_TIMEOUT',
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      'OTEL_BSP_MAX_QUEUE_SIZE',
      'OTEL_BSP_SCHEDULE_DELAY',
    ]);
    expect(problems.join(' ')).not.toContain('lots');
  });
});
