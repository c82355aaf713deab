'use strict';
/** The benchmarks' conversion: a Purchase with every platform's identifiers and consent granted. */
function benchEvent(id, i) {
  return {
    event_id: id,
    event_name: 'Purchase',
    event_time: Math.floor(Date.now() / 1000),
    event_source_url: 'https://shop.example/checkout',
    user_data: {
      email: `buyer-${id}@example.com`,
      client_ip_address: '203.0.113.9',
      client_user_agent: 'Mozilla/5.0 (bench)',
      gclid: `Cj0KCQ-bench-${i}`,
      ttclid: `E.C.P.bench-${i}`,
      ga_client_id: `GA1.1.${1000 + i}.1700000000`,
    },
    custom_data: { currency: 'EUR', value: 42 },
    consent: { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' },
  };
}

module.exports = { benchEvent };
