'use strict';
/** What the preload benchmark reads back: the outcome rows, and what each fake accepted. */
const { percentile } = require('./measure');

/** Outcome rows of events whose id starts with `tag-`: how many, of how many events, and when. */
async function outcomes(pool, tag) {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n, count(DISTINCT d.event_pk)::int AS events,
            count(*) FILTER (WHERE d.status = 'sent')::int AS sent,
            (EXTRACT(EPOCH FROM min(d.created_at)) * 1000)::float8 AS first,
            (EXTRACT(EPOCH FROM max(d.updated_at)) * 1000)::float8 AS last
       FROM deliveries d JOIN events e ON e.id = d.event_pk
      WHERE e.event_id LIKE $1`,
    [`${tag}-%`],
  );
  return rows[0];
}

/** Polls until `expected` outcome rows of `tag` exist (the benchmark's only wait: another process writes them). */
async function waitForOutcomes(pool, tag, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM deliveries d JOIN events e ON e.id = d.event_pk WHERE e.event_id LIKE $1`, [`${tag}-%`]);
    if (rows[0].n >= expected) return outcomes(pool, tag);
    if (Date.now() > deadline) throw new Error(`timed out: ${rows[0].n} of ${expected} outcomes of ${tag} recorded`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stored → last destination recorded sent, per event of `tag`: p50/p95/p99 in ms. */
async function latencies(pool, tag) {
  const { rows } = await pool.query(
    `SELECT (EXTRACT(EPOCH FROM max(d.sent_at) - e.received_at) * 1000)::float8 AS ms
       FROM deliveries d JOIN events e ON e.id = d.event_pk
      WHERE e.event_id LIKE $1 AND d.status = 'sent'
      GROUP BY e.id, e.received_at`,
    [`${tag}-%`],
  );
  const sorted = rows.map((r) => Math.round(r.ms)).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** Events each fake accepted (valid, authorised), and the requests it refused as invalid. */
function fakeCounts(fakes) {
  return Object.fromEntries(
    Object.entries(fakes).map(([id, fake]) => {
      // Every accepted event, repeats included (some fakes' own counts deduplicate).
      const accepted = (fake.eventsReceived?.() ?? fake.eventsIngested()).length + (fake.testEventsReceived?.().length ?? 0);
      return [id, { accepted, invalid: (fake.invalid ?? fake.rejected ?? []).length }];
    }),
  );
}

/**
 * Every event has exactly one outcome per destination, all `sent`, and every fake accepted each
 * event exactly once (a repeat would make its count exceed the events).
 */
function verify(result, expected, fakes, events) {
  const problems = [];
  if (result.n !== expected.rows || result.sent !== expected.rows) problems.push(`${result.n} outcome rows (${result.sent} sent), expected ${expected.rows}`);
  if (result.events !== events) problems.push(`${result.events} events with an outcome, expected ${events}`);
  for (const [id, counts] of Object.entries(fakes)) {
    if (counts.accepted !== expected.perFake) problems.push(`${id} accepted ${counts.accepted} events, expected ${expected.perFake}`);
    if (counts.invalid > 0) problems.push(`${id} refused ${counts.invalid} requests`);
  }
  if (problems.length > 0) throw new Error(`verification failed: ${problems.join('; ')}`);
}

module.exports = { fakeCounts, latencies, outcomes, verify, waitForOutcomes };
