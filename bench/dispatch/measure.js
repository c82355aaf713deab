'use strict';
/** What the dispatch benchmark reads back: delivery outcomes from PostgreSQL, and latencies. */

async function post(url, key, body) {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

/** Deliveries of the tenants' events whose id matches `pattern`, by status, and the last send. */
async function settledDeliveries(db, tenants, pattern) {
  const rows = await db.$queryRawUnsafe(
    `SELECT d.status::text AS status, count(*)::int AS n, max(d.sent_at) AS last
       FROM deliveries d JOIN events e ON e.id = d.event_pk
      WHERE d.tenant_id = ANY($1::uuid[]) AND e.event_id LIKE $2
      GROUP BY d.status`,
    tenants,
    pattern,
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const settled = rows.filter((r) => r.status !== 'retrying' && r.status !== 'pending').reduce((sum, r) => sum + r.n, 0);
  const sentRow = rows.find((r) => r.status === 'sent');
  return { byStatus, settled, sent: byStatus.sent ?? 0, lastSentAt: sentRow?.last ? new Date(sentRow.last).getTime() : NaN };
}

/** Per event: stored → its last destination recorded as sent, in ms, sorted. */
async function steadyLatencies(db, tenants, pattern) {
  const rows = await db.$queryRawUnsafe(
    `SELECT (EXTRACT(EPOCH FROM max(d.sent_at) - e.received_at) * 1000)::float8 AS ms
       FROM deliveries d JOIN events e ON e.id = d.event_pk
      WHERE d.tenant_id = ANY($1::uuid[]) AND e.event_id LIKE $2 AND d.status = 'sent'
      GROUP BY e.id, e.received_at`,
    tenants,
    pattern,
  );
  return rows.map((r) => Math.round(r.ms)).sort((a, b) => a - b);
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Polls `read` until `done(value)`; the benchmark's only wait (there is no event to await across processes' tables). */
async function waitFor(read, done, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

module.exports = { post, percentile, settledDeliveries, steadyLatencies, waitFor };
