'use strict';
/**
 * What the apps of a scenario logged (warn and above: the stack runs them at LOG_LEVEL=warn).
 * A failed scenario prints each app's log events by count, so a CI log says why without a
 * rerun; `--logs DIR` keeps every line.
 */
const fs = require('node:fs');
const path = require('node:path');

/** The apps of a stack by name: ingest-api, dispatcher-0, dispatcher-1, ... */
function appsOf(stack) {
  return [['ingest-api', stack.ingest], ...stack.dispatchers.map((app, i) => [`dispatcher-${i}`, app])];
}

/** One line per (app, level, event), with its count and the first error message seen. */
function summarise(stack, limit = 12) {
  const lines = [];
  for (const [name, app] of appsOf(stack)) {
    const counts = new Map();
    for (const line of `${app.stdout()}\n${app.stderr()}`.split('\n')) {
      if (!line.trim()) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = { level: 'raw', event: line.slice(0, 120) };
      }
      const key = `${entry.level} ${entry.event}`;
      const seen = counts.get(key) ?? { n: 0, example: entry.meta?.error?.message ?? entry.meta?.error ?? '' };
      seen.n += 1;
      counts.set(key, seen);
    }
    const top = [...counts].sort((a, b) => b[1].n - a[1].n).slice(0, limit);
    for (const [key, { n, example }] of top) lines.push(`${name}: ${n} × ${key}${example ? ` (${String(example).slice(0, 160)})` : ''}`);
  }
  return lines;
}

/** Writes each app's output to DIR/<scenario>-<app>.log. */
function keep(stack, dir, scenarioId) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, app] of appsOf(stack)) {
    fs.writeFileSync(path.join(dir, `${scenarioId}-${name}.log`), `${app.stdout()}${app.stderr()}`);
  }
}

module.exports = { keep, summarise };
