'use strict';
/**
 * The soak's per-minute table and its trend verdicts. The baseline of every trend is the same
 * run's early minutes (the first minute is warm-up and left out): memory or latency that grows
 * with time shows as a late/early ratio above 1 and a positive slope.
 */
const { percentile } = require('../dispatch/measure');

const MiB = 2 ** 20;
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const max = (values) => {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : Math.max(...finite);
};

/** Least-squares slope of y over x (units of y per minute). */
function slope(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Rows of per-minute figures from the load's requests, the scrapes and the database's minutes. */
function minuteRows({ startedAt, minutes, requests, samples, apps, dbMinutes }) {
  const rows = [];
  for (let m = 0; m < minutes; m += 1) {
    const from = startedAt + m * 60_000;
    const inMinute = (at) => at >= from && at < from + 60_000;
    const reqs = requests.filter((r) => inMinute(r.at));
    const db = dbMinutes.find((d) => d.minute === m) ?? {};
    const row = {
      minute: m + 1,
      accepted: reqs.filter((r) => r.status === 202).reduce((s, r) => s + r.events, 0),
      non202: reqs.filter((r) => r.status !== 202).length,
      httpP95: percentile(reqs.map((r) => r.ms).sort((a, b) => a - b), 95),
      deliveredPerSecond: Math.round((db.sent ?? 0) / 60),
      e2eP95: db.e2eP95 ?? NaN,
      apps: {},
    };
    for (const app of apps) {
      const own = samples.filter((s) => s.app === app && inMinute(s.at));
      const cpu = own.length >= 2 ? (own.at(-1).cpuSeconds - own[0].cpuSeconds) / ((own.at(-1).at - own[0].at) / 1000) : NaN;
      row.apps[app] = {
        rssMiB: Math.round(max(own.map((s) => s.rssBytes)) / MiB),
        heapMiB: Math.round(max(own.map((s) => s.heapBytes)) / MiB),
        // The median of the minute's 5 s scrapes: one GC pause should not read as a trend.
        eventLoopP99Ms: Math.round(median(own.map((s) => s.eventLoopP99Seconds * 1000)) * 10) / 10,
        cpuPercent: Math.round(cpu * 100),
        outboxPending: max(own.map((s) => s.outboxPending)),
        consumerLag: max(own.map((s) => s.consumerLag)),
      };
    }
    rows.push(row);
  }
  return rows;
}

/** late/early ratio and slope of one figure, over minutes 2..N. */
function trend(rows, read, unit) {
  const steady = rows.slice(1).map((row) => ({ x: row.minute, y: read(row) })).filter((p) => Number.isFinite(p.y));
  const early = median(steady.slice(0, 3).map((p) => p.y));
  const late = median(steady.slice(-3).map((p) => p.y));
  return { early, late, ratio: Math.round((late / early) * 100) / 100, slopePerMinute: Math.round(slope(steady) * 100) / 100, unit };
}

/** The verdicts: memory and latency must not climb (late/early ≤ 1.15 or a rise under `floor`). */
function trends(rows, apps) {
  const out = {
    'ingest HTTP p95 (ms)': { ...trend(rows, (r) => r.httpP95, 'ms'), floor: 10 },
    'end-to-end p95 (ms)': { ...trend(rows, (r) => r.e2eP95, 'ms'), floor: 50 },
  };
  for (const app of apps) {
    out[`${app} RSS (MiB)`] = { ...trend(rows, (r) => r.apps[app].rssMiB, 'MiB'), floor: 16 };
    out[`${app} heap used (MiB)`] = { ...trend(rows, (r) => r.apps[app].heapMiB, 'MiB'), floor: 8 };
    out[`${app} event-loop p99 (ms)`] = { ...trend(rows, (r) => r.apps[app].eventLoopP99Ms, 'ms'), floor: 5 };
  }
  for (const t of Object.values(out)) {
    if (!Number.isFinite(t.early) || !Number.isFinite(t.late)) t.verdict = 'no data';
    else t.verdict = t.ratio <= 1.15 || t.late - t.early < t.floor ? 'flat' : 'upward';
  }
  return out;
}

function printTable(rows, apps) {
  const head = ['min', 'accepted', 'non-202', 'http p95', 'deliv/s', 'e2e p95', ...apps.flatMap((a) => [`${a} rss`, `${a} heap`, `${a} eld p99`, `${a} cpu%`]), 'outbox', 'lag'];
  console.log(head.join(' | '));
  for (const r of rows) {
    const cells = [r.minute, r.accepted, r.non202, r.httpP95, r.deliveredPerSecond, r.e2eP95];
    for (const a of apps) cells.push(r.apps[a].rssMiB, r.apps[a].heapMiB, r.apps[a].eventLoopP99Ms, r.apps[a].cpuPercent);
    const outbox = max(apps.map((a) => r.apps[a].outboxPending));
    const lag = max(apps.map((a) => r.apps[a].consumerLag));
    console.log([...cells, outbox, lag].join(' | '));
  }
}

module.exports = { minuteRows, printTable, trends };
