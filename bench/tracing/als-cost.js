'use strict';
/**
 * What each AsyncLocalStorage in use costs on this Node version: a request-like chain of 200
 * awaits run inside 0, 1 or 2 storages (node bench/tracing/als-cost.js). On Node 20 every
 * storage adds a store copy on every promise, which is why logs and traces share one.
 */
const { AsyncLocalStorage } = require('node:async_hooks');

const RUNS = 20_000;

async function request() {
  for (let i = 0; i < 200; i += 1) await Promise.resolve(i);
}

async function measure(count) {
  const storages = Array.from({ length: count }, () => new AsyncLocalStorage());
  const inside = (k, fn) => (k < storages.length ? storages[k].run({ k }, () => inside(k + 1, fn)) : fn());
  for (let i = 0; i < 2_000; i += 1) await inside(0, request);
  const cpu = process.cpuUsage();
  for (let i = 0; i < RUNS; i += 1) await inside(0, request);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / RUNS;
}

(async () => {
  for (const count of [0, 1, 2]) process.stdout.write(`${count} storage(s): ${(await measure(count)).toFixed(1)} µs per 200-await request\n`);
})();
