'use strict';
/**
 * One fault per scenario, started `FAULT_AT_MS` into the load. `fault(ctx)` injects it, heals
 * it, and resolves with the time it was healed (the start of the recovery window), or null.
 * `duplicates` is the bound per platform (docs/reliability.md says why each is what it is).
 */
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const path = require('node:path');
const { graphError } = require('@attribution/testing');
const { poisonDeadLettered, producePoison } = require('./poison');

const FAULT_AT_MS = 10_000;
const REPO_ROOT = path.resolve(__dirname, '..', '..');
// A crash between a platform's 200 and the recorded outcome resends what was in flight; the
// bound is 2 s of the load's traffic (run.js), absorbed by the platforms' dedup keys (Meta:
// event_id for 48 h; GA4: transaction_id of a purchase).
const CRASH_DUPLICATES = 'crash';
const metaOutageSeen = ({ stack }) => (stack.meta.outageRequests > 0 ? [] : ['no request reached Meta during its outage']);

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `attribution destination set`, as an operator would run it, with the dispatcher's settings. */
async function renewMetaToken(stack, tenant, token) {
  const args = ['packages/cli/dist/bin.js', 'destination', 'set', '--tenant', tenant.id, 'meta', '--pixel-id', tenant.pixelId, '--access-token', token, '--test-event-code', 'TEST12345', '--json'];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...stack.env, CREDENTIALS_KEY: stack.credentialsKey }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`destination set exited ${code}: ${stderr.slice(-1000)}`);
  return stdout;
}

const META_5XX = { reply: { status: 503, body: graphError(503, 2, 'Service temporarily unavailable').body } };
const META_429 = { reply: { status: 429, headers: { 'retry-after': '2' }, body: graphError(429, 80004, 'Too many calls to this ad account').body } };
const META_HANG = { hang: true };

/** Meta down as each phase says, 10 s each, in turn; healed after the last. */
function metaOutage(id, name, phases) {
  return {
    id,
    name,
    evidence: metaOutageSeen,
    duplicates: 0,
    fault: async ({ stack }) => {
      for (const phase of phases) {
        stack.meta.failFor(phase, 10_000);
        await pause(10_000);
      }
      return Date.now();
    },
  };
}

const SCENARIOS = [
  { id: '0', name: 'baseline (no fault)', duplicates: 0, fault: async () => null },
  {
    id: '1',
    name: 'kill -9 Kafka, down 20 s',
    duplicates: CRASH_DUPLICATES,
    fault: async ({ shared }) => {
      await shared.kafka.kill();
      await pause(20_000);
      await shared.kafka.start();
      return Date.now();
    },
  },
  {
    id: '2',
    name: 'PostgreSQL immediate stop, down 10 s',
    duplicates: CRASH_DUPLICATES,
    fault: async ({ shared }) => {
      await shared.pg.halt('immediate');
      await pause(10_000);
      await shared.pg.start();
      return Date.now();
    },
    evidence: ({ row }) => (row.http503 > 0 ? [] : ['the ingest never answered 503 while PostgreSQL was down']),
  },
  {
    id: '3',
    name: 'kill -9 the dispatcher, restarted after 5 s',
    duplicates: CRASH_DUPLICATES,
    fault: async ({ stack }) => {
      await stack.dispatchers[0].stop('SIGKILL');
      await pause(5_000);
      await stack.respawnDispatcher(0);
      return Date.now();
    },
  },
  {
    id: '4',
    name: 'two dispatchers, kill -9 one for good',
    dispatchers: 2,
    duplicates: CRASH_DUPLICATES,
    fault: async ({ stack }) => {
      await stack.dispatchers[1].stop('SIGKILL');
      return Date.now();
    },
  },
  metaOutage('5', 'Meta 5xx 10 s, 429 10 s, no answer 10 s', [META_5XX, META_429, META_HANG]),
  metaOutage('5b', 'Meta 429 with Retry-After, 10 s', [META_429]),
  metaOutage('5c', 'Meta never answers, 10 s', [META_HANG]),
  {
    id: '6',
    name: "a tenant's Meta token expires, renewed 10 s later",
    duplicates: 0,
    fault: async ({ stack }) => {
      const [tenant] = stack.tenants;
      const renewed = `EAArenewed${tenant.pixelId}`;
      stack.meta.allow(tenant.pixelId, renewed);
      await pause(10_000);
      const { replayed } = JSON.parse(await renewMetaToken(stack, tenant, renewed));
      stack.replayed = replayed;
      return Date.now();
    },
    evidence: ({ stack }) => (stack.replayed > 0 && stack.meta.rejected.some((r) => r.status === 401) ? [] : [`the expired token was not noticed (replayed ${stack.replayed})`]),
  },
  {
    id: '7',
    name: 'poison bytes on the events and a retry topic',
    duplicates: 0,
    fault: async ({ shared, stack }) => {
      await producePoison(shared, stack);
      return Date.now();
    },
    verify: ({ shared, stack }) => poisonDeadLettered(shared, stack),
  },
];

module.exports = { FAULT_AT_MS, SCENARIOS };
