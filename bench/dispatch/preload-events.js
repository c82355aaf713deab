'use strict';
/**
 * The preload benchmark's events, stored and published as the ingest-api and its outbox relay
 * would: rows in `events` (hashed identifiers, as `toEventRow` makes them), then the same rows
 * read back as `StoredEvent`s and produced to the events topic, keyed by tenant. The dispatcher
 * looks each delivery's event up by its primary key, so the rows must exist before it runs.
 */
const { randomUUID } = require('node:crypto');
const { CLICK_ID_KEYS } = require('@attribution/core');
const { INSERT_EVENTS_SQL, toInsertParameter, toStoredEvent } = require('@attribution/db');
const { hashUserData } = require('@attribution/destinations');
const { encodeEventMessage } = require('@attribution/transport');
const { benchEvent } = require('./bench-event');

// What toStoredEvent reads, under the names Prisma would give it (pg returns bigint ids as strings).
const STORED_COLUMNS = `id, tenant_id AS "tenantId", event_id AS "eventId", event_name AS "eventName", event_time AS "eventTime",
  received_at AS "receivedAt", action_source AS "actionSource", source_url AS "sourceUrl", ip_address AS "ipAddress",
  user_agent AS "userAgent", user_data AS "userData", click_ids AS "clickIds", custom_data AS "customData", consent, trace_id AS "traceId"`;
const INSERT_RETURNING_SQL = INSERT_EVENTS_SQL.replace(/RETURNING[\s\S]*$/, `RETURNING ${STORED_COLUMNS}`);

/** The row the ingest-api would store for the benchmark event `id` of `tenantId` (server key). */
function eventRow(tenantId, id, i) {
  const event = benchEvent(id, i);
  const clickIds = {};
  for (const key of CLICK_ID_KEYS) if (event.user_data[key]) clickIds[key] = event.user_data[key];
  return {
    tenantId,
    eventId: event.event_id,
    eventName: event.event_name,
    eventTime: new Date(event.event_time * 1000),
    actionSource: 'website',
    sourceUrl: event.event_source_url,
    ipAddress: event.user_data.client_ip_address,
    userAgent: event.user_data.client_user_agent,
    userData: hashUserData(event.user_data, {}),
    clickIds,
    customData: event.custom_data,
    consent: event.consent,
    context: {},
    traceId: randomUUID().replace(/-/g, ''),
    traceparent: null,
  };
}

/** Inserts the rows in one statement and returns them as the bus carries them. */
async function storeEvents(pool, rows) {
  const { rows: stored } = await pool.query(INSERT_RETURNING_SQL, [toInsertParameter(rows)]);
  return stored.map(toStoredEvent);
}

/** `count` events over `tenants` in turn, stored in chunks; their encoded messages, in order. */
async function storePreload(pool, tenants, count, tag) {
  const messages = [];
  const CHUNK = 2_000;
  for (let start = 0; start < count; start += CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i += 1) rows.push(eventRow(tenants[i % tenants.length], `${tag}-${i}`, i));
    for (const event of await storeEvents(pool, rows)) messages.push(encodeEventMessage(event));
  }
  return messages;
}

/** Produces the messages in chunks (one request per chunk, as the relay's batches). */
async function publish(producer, topic, messages) {
  const CHUNK = 1_000;
  for (let i = 0; i < messages.length; i += CHUNK) await producer.send(topic, messages.slice(i, i + CHUNK));
}

/**
 * A steady source: every 10 ms, the events due by then are stored (received_at = their commit)
 * and published at once, as the relay does right after the insert. Resolves when all are out.
 */
async function steadySource(pool, producer, topic, tenants, { rate, seconds, tag }) {
  const total = rate * seconds;
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    if (due > sent) {
      const rows = [];
      for (; sent < due; sent += 1) rows.push(eventRow(tenants[sent % tenants.length], `${tag}-${sent}`, sent));
      const stored = await storeEvents(pool, rows);
      await producer.send(topic, stored.map((event) => encodeEventMessage(event)));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

module.exports = { publish, steadySource, storePreload };
