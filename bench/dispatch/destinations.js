'use strict';
/**
 * The benchmark's destinations: one strict fake per platform, and how a tenant's destination of
 * each platform is configured against it. Every platform of the registry must have an entry,
 * so the benchmark can configure "all of them" (checked at start).
 */
const { FakeDataManager, FakeGa4, FakeMetaGraph, FakeTiktok, seedDestination } = require('@attribution/testing');
const { PLATFORM_IDS } = require('@attribution/destinations');

/** What one tenant's destination of each platform looks like; `n` numbers the tenant. */
const SETUPS = {
  meta: {
    fake: () => new FakeMetaGraph(),
    destination: (fake, n) => {
      const pixel = String(90000 + n);
      fake.allow(pixel, `EAAtoken${pixel}`);
      return { settings: { pixel_id: pixel }, credentials: { access_token: `EAAtoken${pixel}` } };
    },
  },
  ga4: {
    fake: () => new FakeGa4(),
    destination: (fake, n) => {
      const id = `G-BENCH${String(n).padStart(5, '0')}`;
      fake.allow(id, `mp-secret-${n}`);
      return { settings: { measurement_id: id }, credentials: { api_secret: `mp-secret-${n}` } };
    },
  },
  google_ads: {
    fake: () => new FakeDataManager(),
    destination: (fake, n) => {
      const credentials = { client_id: `bench-${n}.apps.googleusercontent.com`, client_secret: `bench-secret-${n}`, refresh_token: `1//bench-refresh-${n}` };
      fake.oauth.allow(credentials.client_id, credentials.client_secret, credentials.refresh_token);
      // The fake has no quota; Google's (300 requests a minute per Cloud project) is in docs/benchmarks.md.
      return { settings: { customer_id: String(2_000_000_000 + n), conversion_actions: 'Purchase=111', requests_per_minute: '99999' }, credentials };
    },
  },
  tiktok: {
    fake: () => new FakeTiktok(),
    destination: (fake, n) => {
      const pixel = `CBENCH${String(n).padStart(14, '0')}`;
      fake.allow(pixel, `tt-bench-token-${n}`);
      return { settings: { pixel_code: pixel }, credentials: { access_token: `tt-bench-token-${n}` } };
    },
  },
};

function checkPlatforms(platforms) {
  const missing = PLATFORM_IDS.filter((id) => !SETUPS[id]);
  if (missing.length > 0) throw new Error(`bench/dispatch/destinations.js has no setup for ${missing.join(', ')}`);
  const unknown = platforms.filter((p) => !SETUPS[p]);
  if (unknown.length > 0) throw new Error(`unknown platform(s): ${unknown.join(', ')} (known: ${PLATFORM_IDS.join(', ')})`);
}

/** Starts every platform's fake; `env` points the engine at them. */
async function startFakes() {
  const fakes = {};
  for (const id of PLATFORM_IDS) fakes[id] = await SETUPS[id].fake().start();
  const env = Object.assign({}, ...Object.values(fakes).map((f) => f.env()));
  return { fakes, env, stop: () => Promise.all(Object.values(fakes).map((f) => f.stop())) };
}

async function configure(db, fakes, tenantId, n, platforms) {
  for (const platform of platforms) await seedDestination(db, tenantId, platform, SETUPS[platform].destination(fakes[platform], n));
}

module.exports = { checkPlatforms, configure, startFakes };
