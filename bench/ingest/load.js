'use strict';
/**
 * One load step: autocannon against POST /v1/events for a fixed time at a fixed number of
 * connections, every request one new event or a batch of new events (unique event ids,
 * personal data to hash). Latencies of every response are kept, so percentiles (p95 included,
 * which autocannon does not report) are exact.
 */
const autocannon = require('autocannon');

const FIRST_NAMES = ['Jane', 'John', 'Ana', 'Luis', 'Mei', 'Omar', 'Sara', 'Ivan'];
const CITIES = ['Lisbon', 'Berlin', 'Austin', 'Lyon', 'Osaka', 'Porto'];
const EVENT_NAMES = ['Purchase', 'Lead', 'AddToCart', 'CompleteRegistration', 'InitiateCheckout'];

/** A realistic server-side event: hashed identifiers, click ids, consent, a small basket. */
function makeEvent(eventId, n) {
  const name = FIRST_NAMES[n % FIRST_NAMES.length];
  return {
    event_id: eventId,
    event_name: EVENT_NAMES[n % EVENT_NAMES.length],
    event_time: Math.floor(Date.now() / 1000),
    action_source: 'website',
    event_source_url: `https://shop.example/checkout?step=${n % 4}`,
    user_data: {
      email: `${name.toLowerCase()}.${n}@Example.com `,
      phone: `+1 (415) 555-${String(n % 10_000).padStart(4, '0')}`,
      first_name: name,
      last_name: 'Doe',
      city: CITIES[n % CITIES.length],
      zip: '94105',
      country: 'US',
      external_id: `cust-${n}`,
      client_ip_address: `203.0.113.${n % 250}`,
      client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      fbc: `fb.1.1732550000000.IwAR${n}`,
      fbp: `fb.1.1732550000000.${1_000_000 + n}`,
    },
    custom_data: { currency: 'usd', value: (n % 500) + 0.99, order_id: `o-${eventId}`, content_ids: ['sku-1', 'sku-2'], num_items: 2 },
    consent: { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' },
  };
}

// Event ids are `<prefix>-<n>[.<k>]`: nothing JSON escapes, so they go into the text as they are.
const ID = '@@event-id@@';
const TEMPLATES = 997;

/**
 * The JSON of makeEvent around its event id, for a fixed set of events: building and
 * stringifying 50,000 events a second in the load generator would take the CPU the server is
 * being measured on (the machine has two cores). The data hashed per event is the same either way.
 */
function eventTemplates() {
  return Array.from({ length: TEMPLATES }, (_, n) => JSON.stringify(makeEvent(ID, n)).split(ID));
}

/** One request body: a single event, or `{"events": [...]}` with `batch` events. */
function requestBody(templates, n, batch, idOf) {
  const event = (k) => templates[(n + k) % TEMPLATES].join(idOf(k));
  if (batch === 1) return event(0);
  const parts = [];
  for (let k = 0; k < batch; k += 1) parts.push(event(k));
  return `{"events":[${parts.join(',')}]}`;
}

function percentile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Runs autocannon and resolves with the step's figures. `keys` are the API keys to rotate
 * through (one tenant per key); `idPrefix` makes event ids unique across steps and runs;
 * `batch` events go in each request; `onAccepted(eventId)` sees every event answered 202.
 */
function runLoad({ url, connections, durationSeconds, keys, idPrefix, onAccepted, batch = 1, timeoutSeconds = 10 }) {
  const templates = eventTemplates();
  let sent = 0;
  const latencies = [];
  const statuses = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: durationSeconds,
        timeout: timeoutSeconds,
        pipelining: 1,
        requests: [
          {
            method: 'POST',
            path: '/v1/events',
            setupRequest: (request, context) => {
              const n = sent++;
              const idOf = (k) => `${idPrefix}-${n}${batch === 1 ? '' : `.${k}`}`;
              context.idOf = idOf;
              return {
                ...request,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[n % keys.length]}` },
                body: requestBody(templates, n * batch, batch, idOf),
              };
            },
            onResponse: (status, _body, context) => {
              if (status === 202 && onAccepted) for (let k = 0; k < batch; k += 1) onAccepted(context.idOf(k));
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = Float64Array.from(latencies).sort();
        const seconds = result.duration;
        const ok = result['2xx'];
        resolve({
          connections,
          seconds,
          requests: result.requests.total ?? latencies.length,
          responses: latencies.length,
          ok,
          okPerSecond: Math.round(ok / seconds),
          eventsPerSecond: Math.round((ok * batch) / seconds),
          batch,
          p50: percentile(sorted, 0.5),
          p95: percentile(sorted, 0.95),
          p99: percentile(sorted, 0.99),
          max: sorted.length ? sorted[sorted.length - 1] : 0,
          // autocannon's own figures, to cross-check ours.
          autocannon: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99 },
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statuses,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}

module.exports = { runLoad, makeEvent, percentile };
