'use strict';
/**
 * The prune benchmark's data, made straight in SQL (INSERT ... SELECT generate_series), one day
 * partition at a time: a day's events spread evenly over that UTC day, published, with a small
 * hashed user_data document; every `deliveriesEvery`-th of them has a delivery in the same day,
 * with the attempt row the dispatcher would have written.
 */
const { utcDayStart } = require('@attribution/db');

const DAY_MS = 86_400_000;
const USER_DATA = JSON.stringify({ meta: { em: ['a'.repeat(64)] } });

/** 00:00 UTC of the day `ageDays` before `now`. */
function dayAgo(now, ageDays) {
  return utcDayStart(new Date(now.getTime() - ageDays * DAY_MS));
}

/**
 * One day's rows, loaded the way a bulk load is done: into a table of its own, its indexes
 * built afterwards (ATTACH builds the parent's indexes on it), which is several times faster
 * than inserting through the indexes of an attached partition. The result is the partition
 * `attribution_attach_day_partition()` would have made.
 */
async function loadDay(db, { tenantId, day, rows, prefix, deliveriesEvery }) {
  const start = day.toISOString();
  const end = new Date(day.getTime() + DAY_MS).toISOString();
  const suffix = start.slice(0, 10).replace(/-/g, '');
  const bounds = (key) => `${key} >= '${start}' AND ${key} < '${end}'`;
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL maintenance_work_mem = '512MB'`);
    await tx.$executeRawUnsafe(`CREATE TABLE events_p${suffix} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await tx.$executeRawUnsafe(`
      INSERT INTO events_p${suffix} (id, tenant_id, event_id, event_name, event_time, received_at, action_source, user_data, publish_state, published_at)
      SELECT nextval(pg_get_serial_sequence('events', 'id')), '${tenantId}'::uuid, '${prefix}-' || g, 'Purchase', ts, ts, 'website', '${USER_DATA}'::jsonb, 'published', ts
      FROM generate_series(1, ${rows}) AS g,
           LATERAL (SELECT '${start}'::timestamptz + (g * ${DAY_MS / (rows + 1)}) * interval '1 millisecond' AS ts) AS t`);
    await tx.$executeRawUnsafe(`CREATE UNIQUE INDEX events_p${suffix}_event_id_tenant_id_key ON events_p${suffix} (event_id, tenant_id)`);
    await tx.$executeRawUnsafe(`CREATE TABLE deliveries_p${suffix} (LIKE deliveries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    if (deliveriesEvery) {
      await tx.$executeRawUnsafe(`
        INSERT INTO deliveries_p${suffix} (id, event_pk, event_received_at, tenant_id, destination, status, attempts, sent_at)
        SELECT nextval(pg_get_serial_sequence('deliveries', 'id')), id, received_at, tenant_id, 'meta', 'sent', 1, received_at
        FROM events_p${suffix} WHERE id % ${deliveriesEvery} = 0`);
    }
    await tx.$executeRawUnsafe(`CREATE TABLE delivery_attempts_p${suffix} (LIKE delivery_attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await tx.$executeRawUnsafe(`
      INSERT INTO delivery_attempts_p${suffix} (id, event_pk, event_received_at, tenant_id, destination, status, attempted, status_code, created_at)
      SELECT nextval(pg_get_serial_sequence('delivery_attempts', 'id')), event_pk, event_received_at, tenant_id, destination, status, true, 200, sent_at
      FROM deliveries_p${suffix}`);
    for (const [table, key] of [['events', 'received_at'], ['deliveries', 'event_received_at'], ['delivery_attempts', 'event_received_at']]) {
      await tx.$executeRawUnsafe(`ALTER TABLE ${table}_p${suffix} ADD CONSTRAINT ${table}_p${suffix}_bounds CHECK (${bounds(key)})`);
      await tx.$executeRawUnsafe(`ALTER TABLE ${table} ATTACH PARTITION ${table}_p${suffix} FOR VALUES FROM ('${start}') TO ('${end}')`);
      await tx.$executeRawUnsafe(`ALTER TABLE ${table}_p${suffix} DROP CONSTRAINT ${table}_p${suffix}_bounds`);
    }
  }, { timeout: 600_000 });
}

/** Fills a new partition for each day given (ages in days before `now`) with `rowsPerDay` events of the tenant; resolves to the events made. */
async function fillDays(db, { now, tenantId, ages, rowsPerDay, prefix, deliveriesEvery = 0 }) {
  for (const age of ages) await loadDay(db, { tenantId, day: dayAgo(now, age), rows: rowsPerDay, prefix: `${prefix}-${age}`, deliveriesEvery });
  return ages.length * rowsPerDay;
}

/** Ages from `from` to `to` days, inclusive. */
function ages(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

module.exports = { ages, dayAgo, fillDays };
