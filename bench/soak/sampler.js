'use strict';
/**
 * Scrapes each app's own /metrics (the same figures an SRE's Prometheus sees) every few seconds:
 * resident memory, event-loop delay p99, CPU seconds, outbox pending, consumer lag.
 */

/** The samples of a Prometheus text exposition: [{ name, labels, value }]. */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const sum = (samples, name, where = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);

/** One scrape of one app, reduced to the soak's figures (NaN where the app has no such metric). */
async function scrape(app) {
  const response = await fetch(`${app.opsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${app.name} /metrics answered ${response.status}`);
  const samples = parseMetrics(await response.text());
  const has = (name) => samples.some((s) => s.name === name);
  return {
    app: app.name,
    at: Date.now(),
    rssBytes: sum(samples, 'attribution_process_resident_memory_bytes'),
    heapBytes: sum(samples, 'attribution_nodejs_heap_size_used_bytes'),
    eventLoopP99Seconds: sum(samples, 'attribution_nodejs_eventloop_lag_p99_seconds'),
    cpuSeconds: sum(samples, 'attribution_process_cpu_seconds_total'),
    outboxPending: has('attribution_outbox_pending_events') ? sum(samples, 'attribution_outbox_pending_events') : NaN,
    consumerLag: has('attribution_kafka_consumer_lag') ? sum(samples, 'attribution_kafka_consumer_lag') : NaN,
  };
}

/** Scrapes every app each `intervalMs` until stop(); a failed scrape is recorded, not fatal. */
function startSampler(apps, intervalMs) {
  const samples = [];
  const failures = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      const results = await Promise.allSettled(apps.map(scrape));
      for (const result of results) {
        if (result.status === 'fulfilled') samples.push(result.value);
        else failures.push({ at: started, error: String(result.reason) });
      }
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0 && !stopped) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    samples,
    failures,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

module.exports = { parseMetrics, startSampler };
