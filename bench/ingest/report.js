'use strict';
// Prints the benchmark's tables and conclusions (bench/ingest/run.js collects the figures).

/** CPU microseconds per response, from a CPU % of one core: robust to a busy machine, unlike latency. */
const perRequest = (percent, step) => (percent && step.responses ? Math.round(((percent / 100) * 1e6 * step.seconds) / step.responses) : 0);

const ms = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function printTable(title, rows) {
  const header = ['conns', 'req/s', 'events/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'server CPU%', 'server ELU%', 'PG CPU%', 'Kafka CPU%', 'bench CPU%', 'others CPU%', 'server µs/req', 'PG µs/req', 'rows/stmt', 'pending'];
  const lines = rows.map((r) => [
    r.connections,
    Math.round(r.responses / r.seconds),
    r.eventsPerSecond,
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    ms(r.max),
    r.errors,
    r.non2xx,
    r.cpu.byGroup.server ?? 0,
    r.server?.eventLoopUtilization ?? '-',
    r.cpu.byGroup.postgres ?? 0,
    r.cpu.byGroup.kafka ?? 0,
    r.cpu.byGroup.bench ?? 0,
    r.cpu.others,
    perRequest(r.cpu.byGroup.server, r),
    perRequest(r.cpu.byGroup.postgres, r),
    r.rowsPerStatement ?? '-',
    r.pendingAtEnd ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => '| ' + cells.map((c, i) => String(c).padStart(widths[i])).join(' | ') + ' |';
  process.stdout.write(`\n${title}\n${fmt(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${lines.map(fmt).join('\n')}\n`);
}

/** Mean events/s and server CPU per request of a variant's steps at one concurrency (all rounds). */
function meanAt(steps, connections) {
  const at = steps.filter((s) => s.connections === connections);
  const mean = (f) => at.reduce((sum, s) => sum + f(s), 0) / at.length;
  return at.length
    ? { rounds: at.length, eventsPerSecond: mean((s) => s.eventsPerSecond), p95: mean((s) => s.p95), usPerRequest: mean((s) => perRequest(s.cpu.byGroup.server, s)) }
    : null;
}

/** The issue's overhead figure: throughput with tracing and metrics on against both off. */
function observabilityCost(results, variants) {
  const { otlp } = results;
  process.stdout.write(`\nobservability cost (against plain, mean over rounds; ${otlp.exports} OTLP exports, ${(otlp.bytes / 2 ** 20).toFixed(1)} MiB in all):\n`);
  for (const variant of variants) {
    for (const connections of [...new Set(results[variant].map((s) => s.connections))]) {
      const p = meanAt(results.plain, connections);
      const t = meanAt(results[variant], connections);
      if (!p) continue;
      const cost = (1 - t.eventsPerSecond / p.eventsPerSecond) * 100;
      process.stdout.write(
        `  ${variant.padEnd(10)} ${String(connections).padStart(4)} conns, ${t.rounds} round(s): ${p.eventsPerSecond.toFixed(0)} -> ${t.eventsPerSecond.toFixed(0)} events/s ` +
          `(${cost.toFixed(1)}% fewer), p95 ${ms(p.p95)} -> ${ms(t.p95)} ms, server ${p.usPerRequest.toFixed(0)} -> ${t.usPerRequest.toFixed(0)} µs/req\n`,
      );
    }
  }
}

const TITLES = {
  plain: 'ingest-api, plain: tracing and HTTP metrics off',
  traced: 'ingest-api, traced: OpenTelemetry and metrics on as shipped (spans exported over OTLP/HTTP)',
  'traced-all': 'ingest-api, traced-all: the same with every request traced (TRACE_RATE_LIMIT=0)',
};

function report(results) {
  const { ingest, bare, verification: v } = results;
  if (ingest.length) printTable('ingest-api (POST /v1/events -> PostgreSQL, relay -> Kafka)', ingest);
  if (bare.length) printTable('bare Express (express.json + 202)', bare);
  for (const [variant, title] of Object.entries(TITLES)) if (results[variant].length) printTable(title, results[variant]);
  const traced = ['traced', 'traced-all'].filter((t) => results[t].length);
  if (results.plain.length && traced.length) observabilityCost(results, traced);
  // Events/s against bare Express's events/s (its req/s times the batch): the same bodies, parsed and answered.
  const ingestLike = ['ingest', 'plain', 'traced', 'traced-all'].filter((t) => results[t].length);
  if (ingestLike.length && bare.length) {
    process.stdout.write('\nratio to bare Express at the same concurrency (events/s / bare events/s; means over rounds):\n');
    for (const target of ingestLike) {
      for (const connections of [...new Set(results[target].map((s) => s.connections))]) {
        const t = meanAt(results[target], connections);
        const b = meanAt(bare, connections);
        if (b) process.stdout.write(`  ${target.padEnd(10)} ${String(connections).padStart(4)} conns: ${(t.eventsPerSecond / b.eventsPerSecond).toFixed(2)} (p95 ${ms(t.p95)} ms)\n`);
      }
    }
  }
  const disturbed = ['ingest', 'bare', 'plain', 'traced', 'traced-all'].flatMap((t) => results[t].map((s) => [t, s])).filter(([, s]) => s.cpu.others > 20);
  if (disturbed.length) {
    process.stdout.write(
      `\nWARNING: other processes used more than 20% of a core during ${disturbed.map(([t, s]) => `${t}@${s.connections}`).join(', ')}: ` +
        'those figures understate this stack; rerun on a quiet machine\n',
    );
  }
  const clean = (s) => s.errors === 0 && s.non2xx === 0;
  const best = ingest.filter((s) => clean(s) && s.p95 < 50).sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0];
  const ceiling = bare.filter(clean).sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0];
  if (best) {
    process.stdout.write(
      `\nbest ingest step with p95 < 50 ms and no errors: ${best.connections} conns, ${best.eventsPerSecond} events/s, p95 ${ms(best.p95)} ms` +
        (ceiling ? `; bare Express ceiling ${ceiling.eventsPerSecond} events/s (${ceiling.connections} conns) -> ratio ${(best.eventsPerSecond / ceiling.eventsPerSecond).toFixed(2)}` : '') +
        '\n',
    );
  } else if (ingest.length) {
    process.stdout.write('\nno ingest step met p95 < 50 ms with no errors\n');
  }
  if (['ingest', 'plain', 'traced', 'traced-all'].some((t) => results[t].length)) {
    process.stdout.write(
      `\nverification: ${v.accepted} events answered 202, ${v.acceptedFoundInPostgres} of them in PostgreSQL ` +
        `(${v.acceptedFoundInPostgres === v.accepted ? 'all' : 'MISSING ' + (v.accepted - v.acceptedFoundInPostgres)}); ` +
        `${v.rowsInPostgres} rows in total; relay ${v.relayCaughtUpSeconds === null ? 'did NOT catch up' : `caught up ${v.relayCaughtUpSeconds.toFixed(1)} s after the load`}, ` +
        `${v.pendingAfterRelay} pending, ${v.kafkaMessages} messages in Kafka; ingest-api exit code ${v.ingestExitCode}\n`,
    );
  }
}

module.exports = { ms, printTable, report };
