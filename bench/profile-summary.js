'use strict';
/**
 * Where a CPU profile (`node --cpu-prof`, a .cpuprofile file) spent its time: self time by
 * package or workspace (`kafkajs`, `@attribution/core`, `(garbage collector)`, ...) and the
 * top functions, and each sample charged to the nearest function of ours on its stack (a
 * workspace file, not node_modules: "what our code costs, libraries included"), in % of the
 * samples. Idle time is left out of the shares and shown apart.
 *
 *   node bench/profile-summary.js <file.cpuprofile> [--top 25]
 */
const { readFileSync } = require('node:fs');

function owner(url) {
  if (!url) return null;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  const workspace = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  if (url.startsWith('node:')) return 'node core';
  return url;
}

function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const ours = (id) => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { url, functionName, lineNumber } = byId.get(at).callFrame;
      if (/\/(apps|packages)\/[^/]+\/dist\//.test(url) && !url.includes('node_modules')) return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(apps|packages)\//, '$1/')}:${lineNumber + 1}`;
    }
    return '(no frame of ours: libraries, GC, runtime)';
  };
  const groups = new Map();
  const functions = new Map();
  const charged = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const group = owner(callFrame.url) ?? name;
    groups.set(group, (groups.get(group) ?? 0) + us);
    const fn = `${name} ${callFrame.url ? `${callFrame.url.replace(/^.*\/(node_modules|apps|packages)\//, '$1/')}:${callFrame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const mine = ours(id);
    charged.set(mine, (charged.get(mine) ?? 0) + us);
  }
  return { total, idle, groups, functions, charged };
}

function main() {
  const file = process.argv[2];
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
  const { total, idle, groups, functions, charged } = summarise(JSON.parse(readFileSync(file, 'utf8')));
  const pct = (us) => `${((us / total) * 100).toFixed(1)}%`.padStart(6);
  console.log(`busy ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`);
  console.log('\nself time by package:');
  for (const [group, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${group}`);
  console.log('\nself time by function:');
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${fn}`);
  console.log('\ncharged to the nearest function of ours:');
  for (const [fn, us] of [...charged].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${fn}`);
}

main();
