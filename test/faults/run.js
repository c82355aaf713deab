'use strict';
/**
 * The fault matrix: the engine's promises under load, one fault at a time (test/faults/
 * scenarios.js), on real processes over loopback. Prints a row per scenario and exits 1 unless
 * every row holds: stored = accepted, nothing lost, no consent leak, no 500, no invalid payload,
 * no event at another tenant's destination, duplicates within the scenario's bound, and every
 * delivery settled. docs/reliability.md has the table and the reasoning behind each bound.
 *
 *   npm run build && npm run test:faults -- [--rate 150] [--duration 60] [--only 0,5b] [--json out.json] [--logs DIR]
 */
const fs = require('node:fs');
const { keep, summarise } = require('./app-logs');
const { runLoad } = require('./load');
const { measure, settle } = require('./measure');
const { FAULT_AT_MS, SCENARIOS } = require('./scenarios');
const { openStack, startShared } = require('./stack');
const { printRow, printHeader } = require('./table');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const RATE = Number(option('rate', 150));
const DURATION_S = Number(option('duration', 60));
const ONLY = option('only', undefined)?.split(',');
const JSON_OUT = option('json', undefined);
const LOG_DIR = option('logs', undefined);
const SETTLE_MS = 150_000;

function problems(row, bound, extra) {
  const out = [...extra];
  const check = (ok, message) => ok || out.push(message);
  check(row.refused === 0, `${row.refused} events never accepted`);
  check(row.stored === row.accepted, `${row.stored} stored for ${row.accepted} accepted`);
  check(row.storedWrongTenant === 0, `${row.storedWrongTenant} events stored under another tenant`);
  check(row.lost === 0, `${row.lost} lost`);
  check(row.leaks === 0, `${row.leaks} consent leaks`);
  check(row.http500 === 0, `${row.http500} HTTP 5xx other than 503`);
  check(row.invalid === 0, `${row.invalid} invalid payloads at the fakes`);
  check(row.misrouted === 0, `${row.misrouted} events at another tenant's destination`);
  for (const [platform, n] of Object.entries(row.duplicates)) check(n <= bound, `${n} duplicates at ${platform} (bound ${bound})`);
  check(Object.keys(row.unsettled).length === 0, `unsettled deliveries: ${JSON.stringify(row.unsettled)}`);
  check(row.blockedRecorded === row.deniedAccepted * 2, `${row.blockedRecorded} blocked_consent outcomes for ${row.deniedAccepted} denied events × 2 destinations`);
  return out;
}

/** Crash scenarios: what can be in flight between a platform's 200 and the recorded outcome. */
const duplicateBound = (scenario) => (scenario.duplicates === 'crash' ? Math.ceil(RATE * 2) : scenario.duplicates);

async function runScenario(shared, scenario) {
  const stack = await openStack(shared, scenario.id, { dispatchers: scenario.dispatchers ?? 1 });
  try {
    const ctx = { shared, stack };
    const load = runLoad({ url: stack.url, keys: stack.tenants.map((t) => t.key), rate: RATE, durationS: DURATION_S, idPrefix: `s${scenario.id}` });
    const faultEnd = new Promise((resolve) => setTimeout(resolve, FAULT_AT_MS)).then(() => scenario.fault(ctx));
    // The fault must heal even when the load fails, or the next scenario inherits it.
    const [loaded, healedAt] = await Promise.all([load, faultEnd]);
    await settle(stack, loaded.events, SETTLE_MS);
    const extra = scenario.verify ? await scenario.verify(ctx) : [];
    const row = await measure(stack, loaded, healedAt);
    extra.push(...(scenario.evidence ? scenario.evidence({ ...ctx, row }) : []));
    const found = problems(row, duplicateBound(scenario), extra);
    return { ...row, problems: found, logs: found.length > 0 ? summarise(stack) : [] };
  } finally {
    if (LOG_DIR) keep(stack, LOG_DIR, scenario.id);
    await Promise.allSettled([shared.kafka.start(), shared.pg.start()]);
    await stack.close();
  }
}

async function main() {
  const chosen = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.id));
  if (chosen.length === 0) throw new Error(`no scenario matches --only ${ONLY} (ids: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  // Stops by itself: a scenario that hangs fails the run instead of holding CI.
  const budgetMs = chosen.length * (DURATION_S * 1000 + SETTLE_MS + 120_000);
  let shared;
  const watchdog = setTimeout(() => {
    console.error(`fault matrix: still running after ${budgetMs / 1000} s, giving up`);
    void Promise.race([shared?.stop(), new Promise((resolve) => setTimeout(resolve, 10_000))]).then(() => process.exit(1));
  }, budgetMs);
  watchdog.unref();
  console.log(`fault matrix: ${RATE} events/s for ${DURATION_S} s per scenario, fault at ${FAULT_AT_MS / 1000} s, loopback`);
  shared = await startShared();
  const results = [];
  try {
    printHeader();
    for (const scenario of chosen) {
      const started = Date.now();
      const row = await runScenario(shared, scenario).catch((error) => ({ error: error.stack ?? String(error), problems: [String(error.message ?? error)] }));
      results.push({ id: scenario.id, name: scenario.name, bound: duplicateBound(scenario), seconds: Math.round((Date.now() - started) / 1000), ...row });
      printRow(results.at(-1));
    }
  } finally {
    await shared.stop();
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ rate: RATE, durationS: DURATION_S, results }, null, 2));
  const failed = results.filter((r) => r.problems.length > 0);
  for (const r of failed) {
    console.error(`\nscenario ${r.id} (${r.name}) failed:\n  - ${r.problems.join('\n  - ')}${r.error ? `\n${r.error}` : ''}`);
    if (r.logs?.length) console.error(`  what the apps logged (warn and above, by count):\n    ${r.logs.join('\n    ')}`);
  }
  console.log(failed.length === 0 ? `\nfault matrix: ${results.length} scenarios passed` : `\nfault matrix: ${failed.length} of ${results.length} scenarios failed`);
  return failed.length === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
