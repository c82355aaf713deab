'use strict';
/**
 * The ingest hot path's per-event CPU in isolation: validating one event (Joi, as the route does)
 * and turning it into a stored row (normalising and hashing its identifiers for every platform
 * of the registry). Single-threaded, no I/O, so its figures are steadier than a load test's.
 *
 *   npm run build && node bench/hashing/run.js [--events 20000] [--rounds 7]
 *
 * Prints µs per event for each part, median over rounds.
 */
const { hashUserData } = require('@attribution/destinations');
const { EventSchema, JOI_MESSAGE_OPTIONS } = require('@attribution/core');
const { makeEvent } = require('../ingest/load');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = arg('events', 20_000);
const ROUNDS = arg('rounds', 7);
const events = Array.from({ length: 1000 }, (_, n) => makeEvent(`e-${n}`, n));
const OPTIONS = { abortEarly: false, convert: true, errors: JOI_MESSAGE_OPTIONS };

const parts = {
  'validate (Joi)': (event) => EventSchema.validate(event, OPTIONS),
  'hashUserData (all platforms)': (event) => hashUserData(event.user_data, { defaultCountry: 'US' }),
};

function time(fn) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i += 1) fn(events[i % events.length]);
  return Number(process.hrtime.bigint() - started) / 1000 / EVENTS;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [name, fn] of Object.entries(parts)) {
  time(fn); // warm-up: JIT and caches
  const samples = Array.from({ length: ROUNDS }, () => time(fn));
  process.stdout.write(`${name.padEnd(30)} ${median(samples).toFixed(2).padStart(7)} µs/event (median of ${ROUNDS}; min ${Math.min(...samples).toFixed(2)})\n`);
}
