'use strict';
/**
 * The fault matrix's steady load: `rate` events/s for `durationS`, four single-event requests
 * then one batch of five, tenants in turn, every tenth event with every consent signal denied.
 * A client as the docs ask for: a 503 or 429 is retried after its Retry-After (capped at 2 s, so
 * a 10 s outage is probed a few times), a network error after 250 ms, always with the same event
 * ids, until a 202 (the ingest is idempotent on tenant + event id). 500s are retried too, so an
 * engine bug shows as a count, not as events the load gave up on.
 */
const { performance } = require('node:perf_hooks');
const { benchEvent } = require('../../bench/dispatch/bench-event');

const BATCH_EVERY = 5;
const BATCH_SIZE = 5;
const DENIED_EVERY = 10;
const DENIED = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' };

/** One conversion; `order_id` = event id, GA4's transaction_id, the key its dedup uses. */
function faultEvent(id, n) {
  const event = benchEvent(id, n);
  event.custom_data = { ...event.custom_data, order_id: id };
  if (n % DENIED_EVERY === 0) event.consent = DENIED;
  return event;
}

function retryAfterMs(response) {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 2_000) : 500;
}

/** Sends one request until it is accepted; returns the statuses it saw on the way. */
async function sendUntilAccepted(url, key, body, deadline) {
  const statuses = [];
  for (;;) {
    let wait;
    try {
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 202) return { statuses, accepted: true };
      if (response.status !== 503 && response.status !== 429 && response.status < 500) return { statuses, accepted: false };
      wait = retryAfterMs(response);
    } catch {
      statuses.push(0);
      wait = 250;
    }
    if (Date.now() + wait > deadline) return { statuses, accepted: false };
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * Runs the load; resolves when every request is accepted or has given up at `giveUpAt`.
 * `events` maps each event id to { tenant (index), denied, acceptedAt }.
 */
async function runLoad({ url, keys, rate, durationS, idPrefix, giveUpMs = 120_000 }) {
  const requestRate = (rate * BATCH_EVERY) / (BATCH_EVERY - 1 + BATCH_SIZE);
  const total = Math.round(requestRate * durationS);
  const started = performance.now();
  const deadline = Date.now() + durationS * 1000 + giveUpMs;
  const events = new Map();
  const statuses = new Map();
  const pending = [];
  let n = 0;
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / requestRate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const tenant = i % keys.length;
    const size = i % BATCH_EVERY === BATCH_EVERY - 1 ? BATCH_SIZE : 1;
    const batch = Array.from({ length: size }, () => {
      n += 1;
      return faultEvent(`${idPrefix}-${n}`, n);
    });
    const body = JSON.stringify(size === 1 ? batch[0] : { events: batch });
    pending.push(
      sendUntilAccepted(`${url}/v1/events`, keys[tenant], body, deadline).then((result) => {
        for (const status of result.statuses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const acceptedAt = result.accepted ? Date.now() : null;
        for (const event of batch) events.set(event.event_id, { tenant, denied: event.consent === DENIED, acceptedAt });
      }),
    );
  }
  await Promise.all(pending);
  return { events, statuses, requests: total };
}

module.exports = { runLoad };
