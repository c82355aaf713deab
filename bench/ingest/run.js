'use strict';
/**
 * Ingest benchmark: starts PostgreSQL and a Kafka broker on this machine, runs the real
 * ingest-api (built code) in a child process, loads POST /v1/events with autocannon at several
 * concurrencies, then puts the same load on a bare Express handler in another child process,
 * so the result reads as a ratio to the framework's ceiling on the same machine in the same run.
 * Afterwards it checks that every event answered 202 is in PostgreSQL and that the outbox relay
 * published everything to Kafka. Everything listens on 127.0.0.1 and is stopped at the end.
 *
 *   npm run build && npm run bench:ingest -- [--duration 15] [--concurrency 10,50,100,200] ...
 *
 * See bench/README.md for every option.
 */
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const { chmodSync, mkdirSync, mkdtempSync, rmSync, openSync, closeSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { topicNames } = require('@attribution/transport');
const { applyMigrations, createDbClient } = require('@attribution/db');
const { findFreePort, startEmbeddedPostgres } = require('@attribution/local-postgres');
const { createTestDatabase, prepareTemplateDatabase, seedTenant, startKafkaBroker, startTestPostgres } = require('@attribution/testing');
const { runLoad } = require('./load');
const { cpuBetween, sampleCpu } = require('./proc-stats');
const { ms, report } = require('./report');
const { startOtlpSink } = require('./otlp-sink');

const OPTIONS = {
  duration: { env: 'BENCH_DURATION', default: '15', help: 'seconds of measured load per step' },
  warmup: { env: 'BENCH_WARMUP', default: '3', help: 'seconds of unmeasured load before each step' },
  'run-warmup': {
    env: 'BENCH_RUN_WARMUP',
    default: '15',
    help: 'seconds of unmeasured load on the first ingest server before any step (the broker JIT and PostgreSQL caches warm up once)',
  },
  concurrency: { env: 'BENCH_CONCURRENCY', default: '10,25,50,100,200', help: 'connections per step, comma-separated' },
  tenants: { env: 'BENCH_TENANTS', default: '10', help: 'tenants (API keys) the requests rotate through' },
  batch: { env: 'BENCH_BATCH', default: '1', help: 'events per request: 1 sends single events, more sends {"events": [...]} batches' },
  pg: { env: 'BENCH_PG', default: 'durable', help: 'durable: fsync and synchronous_commit on, data on disk; fast: the test server (fsync off, RAM disk)' },
  target: {
    env: 'BENCH_TARGET',
    default: 'ingest,bare',
    help:
      'what to load, comma-separated: ingest (as deployed, tracing off), bare (Express alone), plain (tracing and HTTP metrics off), ' +
      'traced (tracing and metrics on as shipped, spans exported), traced-all (the same with every request traced: TRACE_RATE_LIMIT=0)',
  },
  rounds: { env: 'BENCH_ROUNDS', default: '1', help: 'times each ingest target runs, taking turns in ABBA order (plain, traced, traced, plain...); figures are averaged' },
  'node-options': { env: 'BENCH_NODE_OPTIONS', default: '', help: 'extra Node flags for both servers, e.g. "--max-semi-space-size=32"' },
  'log-level': { env: 'BENCH_LOG_LEVEL', default: 'info', help: 'LOG_LEVEL of the ingest-api (info logs one line per request, as deployed)' },
  env: { env: 'BENCH_SERVER_ENV', default: '', help: 'extra ingest-api variables, e.g. "EVENT_BATCH_WINDOW_MS=2,EVENT_BATCH_MAX_IN_FLIGHT=4"' },
  out: { env: 'BENCH_OUT', default: '', help: 'also write the results as JSON to this file' },
  profile: { env: 'BENCH_PROFILE', default: '', help: 'write a CPU profile of the ingest-api for each step into this folder' },
  'relay-timeout': { env: 'BENCH_RELAY_TIMEOUT', default: '180', help: 'seconds to wait for the outbox relay to publish everything' },
};

/**
 * The ingest-api as deployed is `ingest`; the overhead of observability is `traced` (and
 * `traced-all`) against `plain`, measured in one run on the same database and broker.
 */
const TRACING = ['--require', path.join(__dirname, 'tracing-preload.js')];
const INGEST_VARIANTS = {
  ingest: { env: {}, nodeOptions: [] },
  plain: { env: { BENCH_HTTP_METRICS: 'off' }, nodeOptions: [] },
  traced: { env: {}, nodeOptions: TRACING },
  'traced-all': { env: { TRACE_RATE_LIMIT: '0' }, nodeOptions: TRACING },
};
const TRACED = ['traced', 'traced-all'];
const ingestTargets = (targets) => targets.filter((t) => t !== 'bare');

function parseArgs(argv) {
  const values = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'npm run bench:ingest -- [options]\n' +
          Object.entries(OPTIONS)
            .map(([name, o]) => `  --${name.padEnd(15)} ${o.help} (default ${JSON.stringify(o.default)}, env ${o.env})`)
            .join('\n') +
          '\n',
      );
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !(match[1] in OPTIONS)) throw new Error(`unknown argument ${arg} (try --help)`);
    values[match[1]] = match[2] ?? argv[++i];
  }
  const get = (name) => values[name] ?? process.env[OPTIONS[name].env] ?? OPTIONS[name].default;
  const positive = (name) => {
    const n = Number(get(name));
    if (!(n >= 0)) throw new Error(`--${name} must be a number`);
    return n;
  };
  const concurrency = String(get('concurrency'))
    .split(',')
    .map((c) => Number(c.trim()));
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 2000)) throw new Error('--concurrency must list integers 1..2000');
  const serverEnv = Object.fromEntries(
    String(get('env'))
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new Error(`--env expects KEY=VALUE pairs, got ${pair}`);
        return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      }),
  );
  const pg = get('pg');
  if (!['durable', 'fast'].includes(pg)) throw new Error('--pg must be durable or fast');
  const targets = String(get('target')).split(',').map((t) => t.trim());
  if (targets.some((t) => !['ingest', 'bare', ...Object.keys(INGEST_VARIANTS)].includes(t))) throw new Error(`--target takes ${['bare', ...Object.keys(INGEST_VARIANTS)].join(', ')}`);
  return {
    durationSeconds: Math.max(1, positive('duration')),
    warmupSeconds: positive('warmup'),
    runWarmupSeconds: positive('run-warmup'),
    concurrency,
    tenants: Math.max(1, Math.floor(positive('tenants'))),
    batch: Math.min(1000, Math.max(1, Math.floor(positive('batch')))),
    pg,
    targets,
    nodeOptions: String(get('node-options')).split(' ').filter(Boolean),
    logLevel: get('log-level'),
    serverEnv,
    out: get('out'),
    profileDir: get('profile') ? path.resolve(get('profile')) : '',
    relayTimeoutSeconds: positive('relay-timeout'),
    rounds: Math.max(1, Math.floor(positive('rounds'))),
  };
}

// ---------------------------------------------------------------------------------------------

function machineFacts() {
  const cpuModel = (/^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8')) ?? [])[1] ?? os.cpus()[0]?.model;
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpuModel,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Forks a server script with an IPC channel, its output going to a log file; resolves on `ready`. */
async function startChild(name, script, { env, nodeOptions, logFile, roles }) {
  const fd = openSync(logFile, 'a');
  const child = fork(path.join(__dirname, script), [], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    execArgv: nodeOptions,
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  roles.set(child.pid, name);
  const exited = once(child, 'exit');
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s (log: ${logFile})`)), 90_000);
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready; log tail:\n${tail(logFile)}`));
    });
  });
  const url = await ready;
  return {
    child,
    url,
    /** Asks the child for its counters since the last reset (and resets them if asked). */
    stats(reset, profile = false) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), 5_000);
        const onMessage = (message) => {
          if (message?.type !== 'stats') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.send({ type: 'stats', reset, profile });
      });
    },
    /** SIGTERM, then SIGKILL after the grace period; resolves with the exit code. */
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function withPg(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function pendingCount(url) {
  return withPg(url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM events WHERE publish_state = 'pending'`)).rows[0].n));
}

/** Polls until the relay has published everything, bounded; resolves with the seconds it took or null. */
async function waitForRelay(url, timeoutSeconds) {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  for (let i = 0; Date.now() < deadline && i < 100_000; i += 1) {
    if ((await pendingCount(url)) === 0) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

async function kafkaMessageCount(brokers, topic) {
  const admin = new Kafka({ clientId: 'bench-ingest', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const facts = machineFacts();
  const runId = randomBytes(4).toString('hex');
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  // PostgreSQL runs as its own system user when we are root: it must be able to reach its data dir.
  chmodSync(runDir, 0o755);
  const cleanups = [];
  const roles = new Map();
  const log = (line) => process.stdout.write(`[bench] ${line}\n`);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    log('interrupted: stopping servers');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  log(`run ${runId}: ${facts.nproc} cores (${facts.cpuModel}), ${facts.memoryGiB} GiB, Node ${facts.node}, load average ${facts.loadAverage.join(' ')}`);
  log(`steps: ${options.concurrency.join(', ')} connections x ${options.durationSeconds} s (+${options.warmupSeconds} s warm-up), ${options.batch} event(s) per request, ${options.tenants} tenants, PostgreSQL ${options.pg}`);
  const results = { machine: facts, options, ingest: [], bare: [], plain: [], traced: [], 'traced-all': [], verification: {} };
  try {
    // PostgreSQL and Kafka on this machine, started together.
    const kafkaStarting = ingestTargets(options.targets).length ? startKafkaBroker() : Promise.resolve(null);
    // Registered first, so it runs last, and also when PostgreSQL fails while Kafka is starting.
    cleanups.push(async () => (await kafkaStarting.catch(() => null))?.stop());
    let databaseUrl;
    let adminUrl;
    if (options.pg === 'durable') {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(runDir, 'pg'),
        port: await findFreePort(),
        persistent: false,
        database: 'attribution_bench',
        postgresFlags: ['-c', 'max_connections=200'],
      });
      cleanups.push(() => pg.stop());
      await applyMigrations(pg.url);
      databaseUrl = pg.url;
      adminUrl = pg.adminUrl;
    } else {
      const pg = await startTestPostgres();
      cleanups.push(() => pg.stop());
      await prepareTemplateDatabase(pg.adminUrl);
      databaseUrl = (await createTestDatabase(pg.adminUrl)).url;
      adminUrl = pg.adminUrl;
    }
    const kafka = await kafkaStarting;
    results.machine.postgres = await withPg(adminUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
    results.machine.postgresSettings = await withPg(adminUrl, async (c) =>
      Object.fromEntries((await c.query(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'max_connections', 'shared_buffers')`)).rows.map((r) => [r.name, r.setting])),
    );
    results.machine.kafka = '4.4.0 (infra/kafka/kafka.sh, single KRaft node)';
    log(`PostgreSQL ${results.machine.postgres} ${JSON.stringify(results.machine.postgresSettings)}; Kafka ${kafka ? kafka.brokers.join(',') : 'not started'}`);

    const db = createDbClient(databaseUrl);
    const keys = [];
    try {
      for (let i = 0; i < options.tenants; i += 1) keys.push((await seedTenant(db, { name: `bench-${i}` })).secretKey);
    } finally {
      await db.$disconnect();
    }

    const topicPrefix = `bench-${runId}.`;
    const serverEnv = {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafka ? kafka.brokers.join(',') : '',
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_CLIENT_ID: 'bench-ingest',
      HOST: '127.0.0.1',
      PORT: '0',
      INGEST_OPS_PORT: '0',
      LOG_LEVEL: options.logLevel,
      // One replica taking the whole load from few tenants: the per-tenant limit is not what we measure.
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '10000000',
      ...options.serverEnv,
    };

    const accepted = [];
    const runSteps = async (target, server, turn = 0) => {
      for (const connections of options.concurrency) {
        if (interrupted) return;
        // The turn is part of the id: a later round must store new events, not answer duplicates.
        const idPrefix = `${runId}-${target}-t${turn}-c${connections}`;
        const onAccepted = target !== 'bare' ? (id) => accepted.push(id) : undefined;
        if (options.warmupSeconds > 0) {
          await runLoad({ url: server.url, connections, durationSeconds: options.warmupSeconds, keys, idPrefix: `${idPrefix}-warm`, onAccepted, batch: options.batch });
        }
        if (target !== 'bare') {
          // Start each step with the relay caught up, so steps do not inherit each other's backlog.
          await waitForRelay(databaseUrl, options.relayTimeoutSeconds);
          // And with no dirty pages left over: a checkpoint that a step triggers mid-load is its
          // own (WAL volume), not one the previous step left behind.
          await withPg(adminUrl, (c) => c.query('CHECKPOINT'));
        }
        await server.stats(true, true);
        const before = sampleCpu(roles);
        const step = await runLoad({ url: server.url, connections, durationSeconds: options.durationSeconds, keys, idPrefix, onAccepted, batch: options.batch });
        const after = sampleCpu(roles);
        step.server = await server.stats(true);
        step.cpu = cpuBetween(before, after, roles);
        if (target !== 'bare') {
          const w = step.server?.writer;
          step.rowsPerStatement = w && w.flushes ? Math.round((w.rows / w.flushes) * 10) / 10 : null;
          step.pendingAtEnd = await pendingCount(databaseUrl);
        }
        results[target].push(step);
        log(
          `${target} ${connections} conns: ${step.eventsPerSecond} events/s, p50 ${ms(step.p50)} p95 ${ms(step.p95)} p99 ${ms(step.p99)} ms, ` +
            `errors ${step.errors}, non-2xx ${step.non2xx}${step.rowsPerStatement ? `, ${step.rowsPerStatement} rows/statement` : ''}, load avg ${os.loadavg()[0].toFixed(2)}`,
        );
      }
    };

    if (TRACED.some((t) => options.targets.includes(t))) {
      // Spans leave the process as in production (batched OTLP/HTTP) to a sink that only counts them.
      const sink = await startOtlpSink();
      cleanups.push(() => sink.stop());
      for (const t of TRACED) INGEST_VARIANTS[t].env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
      results.otlp = sink.stats;
    }
    // Turns in ABBA order (plain, traced, traced, plain, ...): the machine drifts during a run (the
    // broker's JIT warming up, PostgreSQL's cache filling, the table growing), and a linear drift
    // then weighs the same on every variant instead of favouring whichever runs later.
    const turns = Array.from({ length: options.rounds }, (_, round) => {
      const order = ingestTargets(options.targets);
      return round % 2 ? order.reverse() : order;
    }).flat();
    for (const [turn, target] of turns.entries()) {
      if (interrupted) break;
      const variant = INGEST_VARIANTS[target];
      const logFile = path.join(runDir, `${target}.log`);
      const profileDir = options.profileDir ? path.join(options.profileDir, `${target}-${turn + 1}`) : '';
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      const server = await startChild('server', 'ingest-server.js', {
        env: { ...serverEnv, ...variant.env, ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}) },
        nodeOptions: [...options.nodeOptions, ...variant.nodeOptions],
        logFile,
        roles,
      });
      cleanups.push(() => server.stop());
      log(`ingest-api (${target}) ready at ${server.url} (log ${logFile})`);
      if (turn === 0 && options.runWarmupSeconds > 0) {
        // Without it the first turn ran on a cold broker and database: the first round was always
        // the slowest, and which target goes first skewed the comparison.
        const connections = Math.max(...options.concurrency);
        await runLoad({ url: server.url, connections, durationSeconds: options.runWarmupSeconds, keys, idPrefix: `${runId}-run-warm`, onAccepted: (id) => accepted.push(id), batch: options.batch });
        log(`run warm-up: ${options.runWarmupSeconds} s at ${connections} connections on ${target}, not measured`);
      }
      await runSteps(target, server, turn);
      // The relay publishes what the last step left pending before this replica goes away; a
      // replica stopping with a backlog leaves it to the next one, and after the last there is none.
      await waitForRelay(databaseUrl, options.relayTimeoutSeconds);
      const code = await server.stop();
      cleanups.pop();
      results.verification.ingestExitCode = Math.max(results.verification.ingestExitCode ?? 0, code ?? 1);
    }

    if (ingestTargets(options.targets).length) {
      // Every 202 is a promise that the event is in PostgreSQL; the relay must then publish it.
      const relaySeconds = await waitForRelay(databaseUrl, options.relayTimeoutSeconds);
      const stored = await withPg(databaseUrl, async (c) => {
        let found = 0;
        for (let i = 0; i < accepted.length; i += 20_000) {
          found += Number((await c.query('SELECT count(*) AS n FROM events WHERE event_id = ANY($1::text[])', [accepted.slice(i, i + 20_000)])).rows[0].n);
        }
        const total = Number((await c.query('SELECT count(*) AS n FROM events')).rows[0].n);
        return { found, total };
      });
      const published = await kafkaMessageCount(kafka.brokers, topicNames(topicPrefix).events).catch((error) => {
        log(`could not count Kafka messages: ${error.message}`);
        return 0;
      });
      const pendingLeft = await pendingCount(databaseUrl);
      results.verification = {
        ...results.verification,
        accepted: accepted.length,
        acceptedFoundInPostgres: stored.found,
        rowsInPostgres: stored.total,
        pendingAfterRelay: pendingLeft,
        relayCaughtUpSeconds: relaySeconds,
        kafkaMessages: published,
      };
    }

    if (options.targets.includes('bare') && !interrupted) {
      const logFile = path.join(runDir, 'bare.log');
      const server = await startChild('server', 'bare-server.js', { env: {}, nodeOptions: options.nodeOptions, logFile, roles });
      cleanups.push(() => server.stop());
      log(`bare Express ready at ${server.url}`);
      await runSteps('bare', server);
      await server.stop();
      cleanups.pop();
    }

    report(results);
    if (options.out) {
      writeFileSync(options.out, JSON.stringify(results, null, 2));
      log(`results written to ${options.out}`);
    }
    const v = results.verification;
    const failed =
      ingestTargets(options.targets).length > 0 &&
      (v.acceptedFoundInPostgres !== v.accepted || v.pendingAfterRelay !== 0 || v.kafkaMessages < v.accepted);
    process.exitCode = failed || interrupted ? 1 : 0;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => log(`cleanup failed: ${error.message}`));
    }
    rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:ingest failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
