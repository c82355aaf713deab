'use strict';
// `--require` this into the benchmark's ingest-api to measure it with tracing on: the SDK starts
// before express, http and pg load (as in the app's own main), configured exactly as the app
// configures it, from the standard OTEL_* variables (run.js points OTEL_EXPORTER_OTLP_ENDPOINT at
// its sink; `--env OTEL_TRACES_SAMPLER_ARG=0.1` or `--env OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128` vary it).
const { observabilityEnvKeys, parseEnv, startTracing, toObservabilityConfig } = require('@attribution/runtime');

startTracing('ingest-api', toObservabilityConfig(parseEnv(observabilityEnvKeys, process.env)).tracing);
