#!/usr/bin/env node
// `npm test`: first the slow installs the tests need (scripts/setup-test-tools.sh: Chromium, the
// Kafka jars, the Go tools), so none of them runs beside a timing-sensitive test; then every
// workspace's unit tests (two workspaces at a time, cached by turbo), then every workspace's
// integration tests one workspace at a time (each run starts its own
// PostgreSQL and Kafka, and the timing-sensitive ones must not share the two cores), then the
// sum of it all (scripts/test-summary.js). Extra arguments go to both turbo runs (--filter=...).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const extra = process.argv.slice(2);
for (const group of ['packages', 'apps']) {
  for (const name of fs.readdirSync(path.join(root, group))) fs.rmSync(path.join(root, group, name, '.test-results'), { recursive: true, force: true });
}

function run(args) {
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
  const result = spawnSync('npx', ['turbo', 'run', ...args, ...extra], { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

const setup = spawnSync('bash', [path.join(__dirname, 'setup-test-tools.sh')], { cwd: root, stdio: 'inherit' }).status ?? 1;
if (setup !== 0) {
  console.error('npm test: the test tools could not be installed (see above); no test was run.');
  process.exit(setup);
}
const unit = run(['test:unit', '--concurrency=2', '--log-order=grouped']);
const integration = unit === 0 ? run(['test:integration', '--concurrency=1', '--log-order=grouped']) : 1;
const summary = spawnSync(process.execPath, [path.join(__dirname, 'test-summary.js')], { stdio: 'inherit' }).status ?? 1;
process.exit(unit || integration || summary);
