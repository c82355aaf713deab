import { ERRORS } from '../http/error-codes';

/**
 * The examples of POST /v1/events. A request example and the response example of the same name
 * go together: the integration test sends each request example to a running API and expects
 * that response. Personal data is the obvious test kind (example.com, 555-01xx numbers,
 * documentation IP ranges).
 */

/**
 * The `event_time` of the examples (2026-01-01T00:00:00Z). Any fixed time falls out of the API's
 * 7-day window, so the examples say to send the current time, and the test does.
 */
export const EXAMPLE_EVENT_TIME = 1767225600;

const SEND_NOW = 'Send the current unix time in `event_time`: events older than 7 days are refused.';

const purchase = {
  event_id: 'order-1042',
  event_name: 'Purchase',
  event_time: EXAMPLE_EVENT_TIME,
  action_source: 'website',
  event_source_url: 'https://shop.example/checkout/thanks',
  user_data: {
    email: 'customer@example.com',
    phone: '+1 202 555 0143',
    external_id: 'customer-7',
    client_ip_address: '203.0.113.7',
    client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) ExampleBrowser/1.0',
    fbp: 'fb.1.1767225000000.1234567890',
  },
  custom_data: { currency: 'EUR', value: 49.9, order_id: 'order-1042', content_ids: ['sku-1', 'sku-2'], num_items: 2 },
  consent: { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'denied' },
};

const lead = { event_id: 'lead-311', event_name: 'Lead', event_time: EXAMPLE_EVENT_TIME, action_source: 'system_generated', user_data: { email: 'lead@example.com' } };

/** What tracking.js sends with navigator.sendBeacon: a batch, as text/plain. */
const pageView = {
  event_id: '3f2a6c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  event_name: 'PageView',
  event_time: EXAMPLE_EVENT_TIME,
  event_source_url: 'https://shop.example/products/sku-1?utm_source=newsletter',
  user_data: { fbp: 'fb.1.1767225000000.1234567890' },
  consent: { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' },
  context: { visitor_id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', page_referrer: 'https://search.example/', utm_source: 'newsletter', library: 'tracking.js/v1.1' },
};

export const JSON_REQUEST_EXAMPLES = {
  purchase: { summary: 'One purchase from a server (sk_ key)', description: SEND_NOW, value: purchase },
  batch: { summary: 'A batch of two events', description: SEND_NOW, value: { events: [{ ...purchase, event_id: 'order-1043' }, lead] } },
  milliseconds: {
    summary: 'Refused: event_time in milliseconds',
    value: { ...lead, event_id: 'lead-312', event_time: EXAMPLE_EVENT_TIME * 1000 },
  },
  invalid_in_batch: {
    summary: 'Refused: one invalid event refuses the whole batch',
    description: `${SEND_NOW} Nothing of a refused batch is stored.`,
    value: { events: [{ ...lead, event_id: 'lead-313' }, { event_id: 'lead-314', event_time: EXAMPLE_EVENT_TIME, colour: 'blue' }] },
  },
};

export const BEACON_REQUEST_EXAMPLES = {
  pixel_beacon: {
    summary: 'What tracking.js sends (pk_ key in ?key=, from an allowed origin)',
    description: SEND_NOW,
    value: { events: [pageView] },
  },
};

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export const ACCEPTED_EXAMPLES = {
  purchase: { value: { accepted: 1, duplicates: 0, trace_id: TRACE_ID } },
  batch: { value: { accepted: 2, duplicates: 0, trace_id: TRACE_ID } },
  pixel_beacon: { value: { accepted: 1, duplicates: 0, trace_id: TRACE_ID } },
  retried: { summary: 'The same event sent again: counted, not stored twice', value: { accepted: 0, duplicates: 1, trace_id: TRACE_ID } },
};

const REFUSED = { error: 'validation_failed', message: ERRORS.validation_failed.message };

/** Examples of refusals that follow from the body alone, by name (see the request examples). */
export const VALIDATION_EXAMPLES = {
  milliseconds: {
    value: {
      ...REFUSED,
      details: [{ index: 0, field: 'event_time', message: 'is in the future (expected unix seconds, not milliseconds)' }],
    },
  },
  invalid_in_batch: {
    value: {
      ...REFUSED,
      details: [
        { index: 1, field: 'event_name', message: 'is required' },
        { index: 1, field: 'colour', message: 'is not allowed' },
      ],
    },
  },
};
