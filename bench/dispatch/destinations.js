'use strict';
/**
 * The benchmark's destinations: every platform's strict fake (PLATFORM_FAKES), and a tenant's
 * destination of each, as the fake provisions it.
 */
const { PLATFORM_FAKES, seedDestination } = require('@attribution/testing');
const { PLATFORM_IDS } = require('@attribution/destinations');

function checkPlatforms(platforms) {
  const unknown = platforms.filter((p) => !PLATFORM_IDS.includes(p));
  if (unknown.length > 0) throw new Error(`unknown platform(s): ${unknown.join(', ')} (known: ${PLATFORM_IDS.join(', ')})`);
}

/** Starts every platform's fake; `env` points the engine at them. */
async function startFakes() {
  const fakes = {};
  for (const id of PLATFORM_IDS) {
    fakes[id] = PLATFORM_FAKES[id]();
    await fakes[id].start();
  }
  const env = Object.assign({}, ...Object.values(fakes).map((f) => f.env()));
  return { fakes, env, stop: () => Promise.all(Object.values(fakes).map((f) => f.stop())) };
}

/** The fakes have no request quota: Google's (300 requests a minute per Cloud project) is in docs/benchmarks.md. */
async function configure(db, fakes, tenantId, n, platforms) {
  for (const platform of platforms) await seedDestination(db, tenantId, platform, fakes[platform].provision(n));
}

module.exports = { checkPlatforms, configure, startFakes };
