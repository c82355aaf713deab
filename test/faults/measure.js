'use strict';
/**
 * What a scenario's run did, counted from the ground truth on both ends: the event ids the load
 * was answered 202 for, the rows in PostgreSQL, and what the strict fakes accepted. Meta
 * deduplicates on (pixel, event_name, event_id) and GA4 a purchase on transaction_id, so those
 * are the keys "unique" is counted by; "duplicates" are the copies beyond the first.
 */
const SETTLED = new Set(['sent', 'blocked_consent', 'filtered', 'skipped']);

/** Every platform call the fakes accepted, as (platform, tenant destination, event id). */
function arrivals(stack) {
  return [
    ...stack.meta.eventsReceived().map((e) => ({ platform: 'meta', destination: e.pixelId, id: String(e['event_id']) })),
    ...stack.ga4.eventsReceived().map((e) => ({ platform: 'ga4', destination: e.measurementId, id: String(e.params['transaction_id']) })),
  ];
}

async function deliveryStatuses(db) {
  const rows = await db.$queryRawUnsafe(`SELECT status::text AS status, count(*)::int AS n FROM deliveries GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Polls until every granted, accepted event reached both platforms and no delivery is in flight. */
async function settle(stack, events, timeoutMs) {
  const granted = [...events.values()].filter((e) => e.acceptedAt !== null && !e.denied).length;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = arrivals(stack);
    const unique = (platform) => new Set(seen.filter((a) => a.platform === platform && events.has(a.id)).map((a) => a.id)).size;
    const statuses = await deliveryStatuses(stack.db).catch(() => ({}));
    const inFlight = (statuses.pending ?? 0) + (statuses.retrying ?? 0);
    if ((unique('meta') >= granted && unique('ga4') >= granted && inFlight === 0) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** When the backlog from before `faultEnd` was delivered: its last sent_at, minus `faultEnd`. */
async function recoveryMs(db, faultEnd) {
  if (faultEnd === null) return null;
  const [row] = await db.$queryRawUnsafe(
    `SELECT max(d.sent_at) AS last FROM deliveries d JOIN events e ON e.id = d.event_pk WHERE e.received_at <= $1 AND d.status = 'sent'`,
    new Date(faultEnd),
  );
  return row.last ? Math.max(0, row.last.getTime() - faultEnd) : null;
}

/** The longest an accepted event waited, from received_at to its last delivery. */
async function maxDelayMs(db) {
  const [row] = await db.$queryRawUnsafe(
    `SELECT max(EXTRACT(EPOCH FROM d.sent_at - e.received_at) * 1000)::float8 AS ms FROM deliveries d JOIN events e ON e.id = d.event_pk WHERE d.status = 'sent'`,
  );
  return row.ms === null ? null : Math.round(row.ms);
}

async function measure(stack, load, faultEnd) {
  const tenantOf = new Map(stack.tenants.map((t, i) => [t.pixelId, i]).concat(stack.tenants.map((t, i) => [t.measurementId, i])));
  const accepted = [...load.events].filter(([, e]) => e.acceptedAt !== null);
  const stored = await stack.db.$queryRawUnsafe(`SELECT event_id, tenant_id::text AS tenant_id FROM events`);
  const storedIds = new Map(stored.map((r) => [r.event_id, r.tenant_id]));
  const seen = { meta: new Map(), ga4: new Map() };
  let misrouted = 0;
  let unknown = 0;
  for (const a of arrivals(stack)) {
    const event = load.events.get(a.id);
    if (!event) unknown += 1;
    else if (tenantOf.get(a.destination) !== event.tenant) misrouted += 1;
    seen[a.platform].set(a.id, (seen[a.platform].get(a.id) ?? 0) + 1);
  }
  const granted = accepted.filter(([, e]) => !e.denied).map(([id]) => id);
  const denied = accepted.filter(([, e]) => e.denied).map(([id]) => id);
  const platforms = Object.keys(seen);
  const statuses = await deliveryStatuses(stack.db);
  return {
    accepted: accepted.length,
    refused: load.events.size - accepted.length,
    http500: [...load.statuses].filter(([s]) => s >= 500 && s !== 503).reduce((n, [, c]) => n + c, 0),
    http503: load.statuses.get(503) ?? 0,
    networkErrors: load.statuses.get(0) ?? 0,
    stored: stored.length,
    storedWrongTenant: accepted.filter(([id, e]) => storedIds.has(id) && storedIds.get(id) !== stack.tenants[e.tenant].id).length,
    delivered: Object.fromEntries(platforms.map((p) => [p, granted.filter((id) => seen[p].has(id)).length])),
    expectedPerPlatform: granted.length,
    duplicates: Object.fromEntries(platforms.map((p) => [p, [...seen[p].values()].reduce((n, c) => n + c - 1, 0)])),
    lost: platforms.reduce((n, p) => n + granted.filter((id) => !seen[p].has(id)).length, 0) + accepted.filter(([id]) => !storedIds.has(id)).length,
    leaks: platforms.reduce((n, p) => n + denied.filter((id) => seen[p].has(id)).length, 0),
    misrouted: misrouted + unknown,
    invalid: stack.meta.rejected.filter((r) => r.status === 400).length + stack.ga4.invalid.length + stack.ga4.unauthorised.length,
    recoveryMs: await recoveryMs(stack.db, faultEnd),
    maxDelayMs: await maxDelayMs(stack.db),
    unsettled: Object.fromEntries(Object.entries(statuses).filter(([s]) => !SETTLED.has(s))),
    blockedRecorded: statuses.blocked_consent ?? 0,
    deniedAccepted: denied.length,
  };
}

module.exports = { measure, settle };
