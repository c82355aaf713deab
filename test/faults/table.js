'use strict';
/** The fault matrix's table: one row per scenario, as docs/reliability.md shows it. */
const COLUMNS = [
  ['scenario', 46, (r) => `${r.id} ${r.name}`],
  ['accepted', 8, (r) => r.accepted],
  ['500s', 4, (r) => r.http500],
  ['503s', 4, (r) => r.http503],
  ['stored', 6, (r) => r.stored],
  ['delivered m/g', 13, (r) => r.delivered && `${r.delivered.meta}/${r.delivered.ga4}`],
  ['dups m/g (max)', 14, (r) => r.duplicates && `${r.duplicates.meta}/${r.duplicates.ga4} (${r.bound})`],
  ['lost', 4, (r) => r.lost],
  ['leaks', 5, (r) => r.leaks],
  ['invalid', 7, (r) => r.invalid],
  ['recovery', 8, (r) => (r.recoveryMs === null || r.recoveryMs === undefined ? '-' : `${(r.recoveryMs / 1000).toFixed(1)} s`)],
  ['max delay', 9, (r) => (r.maxDelayMs === null || r.maxDelayMs === undefined ? '-' : `${(r.maxDelayMs / 1000).toFixed(1)} s`)],
  ['result', 6, (r) => (r.problems.length === 0 ? 'pass' : 'FAIL')],
];

const cell = (value, width, first) => (first ? String(value ?? '?').slice(0, width).padEnd(width) : String(value ?? '?').padStart(width));

function printHeader() {
  console.log(COLUMNS.map(([name, width], i) => cell(name, width, i === 0)).join(' | '));
  console.log(COLUMNS.map(([, width]) => '-'.repeat(width)).join('-|-'));
}

function printRow(row) {
  console.log(COLUMNS.map(([, width, value], i) => cell(value(row), width, i === 0)).join(' | '));
}

module.exports = { printHeader, printRow };
