#!/usr/bin/env node
// Adds up what every workspace's Jest runs reported (.test-results/*.json, written by
// packages/testing/src/jest/summary-reporter.js) and fails when a test failed or was skipped:
// a skipped test is a test that did not run.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const totals = { passed: 0, failed: 0, skipped: 0, suites: 0 };
const rows = [];
for (const group of ['packages', 'apps']) {
  for (const name of fs.readdirSync(path.join(root, group))) {
    const dir = path.join(root, group, name, '.test-results');
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const counts = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      rows.push(`  ${`${group}/${name}`.padEnd(28)} ${file.replace(/\.json$/, '').padEnd(12)} ${String(counts.passed).padStart(5)} passed`);
      for (const key of Object.keys(totals)) totals[key] += counts[key] ?? 0;
    }
  }
}
process.stdout.write(`\nTest summary\n${rows.join('\n')}\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (${totals.suites} suites)\n`);
if (rows.length === 0 || totals.failed > 0 || totals.skipped > 0) process.exit(1);
