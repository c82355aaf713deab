'use strict';
// `--require` this into the benchmark's ingest-api to measure it with tracing on: the SDK starts
// before express, http and pg load (as in the app's own main), and exports every span 
// to BENCH_OTLP_ENDPOINT (sampled at BENCH_SAMPLE_RATIO, default 1), or records them without
// exporting when that is unset.
const { startTracing } = require('@attribution/core');

startTracing('ingest-api', { enabled: true, otlpEndpoint: process.env.BENCH_OTLP_ENDPOINT || null, sampleRatio: Number(process.env.BENCH_SAMPLE_RATIO || 1) });
