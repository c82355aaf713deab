// Prints one plain closing line ("N passed, N failed, N skipped") that any CI log reader
// understands, and keeps the counts in <workspace>/.test-results/<project>.json, so the root
// `npm test` can add up every workspace's run (scripts/test-summary.js), cached ones included.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(contexts, results) {
    // The projects that ran (`unit`, `integration`): one file each, so a cached unit run and a
    // fresh integration run of the same workspace both count.
    const names = [...contexts].map((c) => c.config.displayName?.name ?? c.config.displayName ?? 'all');
    const project = [...new Set(names)].sort().join('+') || 'none';
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numTotalTestSuites } = results;
    const counts = { passed: numPassedTests, failed: numFailedTests, skipped: numPendingTests + numTodoTests, suites: numTotalTestSuites };
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    if (contexts.size === 0) return; // a workspace without tests of this kind
    const dir = path.join(this.rootDir, '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${project}.json`), `${JSON.stringify(counts)}\n`);
  }
}

module.exports = SummaryReporter;
