'use strict';
/**
 * CPU accounting from /proc (Linux): how much CPU each part of the benchmarked stack used,
 * and how busy the whole machine was (other people's work included), between two samples.
 */
const { readFileSync, readdirSync } = require('node:fs');

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** pid -> { ppid, comm, ticks } for every process we can read. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // After "(comm) ": state ppid ... utime(12th) stime(13th), 0-based from state.
      table.set(Number(entry), { ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we were reading: it has nothing left to count.
    }
  }
  return table;
}

function machineTicks() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { idle, total };
}

/**
 * Groups our descendants: `roles` maps a child pid to a name (its whole subtree counts for it);
 * other descendants are named by command (postgres, java = Kafka); this process is `bench`.
 */
function sampleCpu(roles) {
  const table = processTable();
  const byGroup = {};
  const groupOf = (pid) => {
    for (let current = pid, depth = 0; current > 1 && depth < 20; depth += 1) {
      if (roles.has(current)) return roles.get(current);
      if (current === process.pid) break;
      current = table.get(current)?.ppid ?? 0;
    }
    if (pid === process.pid) return 'bench';
    const comm = table.get(pid)?.comm ?? '';
    if (comm.startsWith('postgres')) return 'postgres';
    if (comm === 'java') return 'kafka';
    return 'other';
  };
  const isOurs = (pid) => {
    for (let current = pid, depth = 0; current > 1 && depth < 20; depth += 1) {
      if (current === process.pid) return true;
      current = table.get(current)?.ppid ?? 0;
    }
    return false;
  };
  const perPid = new Map();
  for (const [pid, info] of table) {
    if (!isOurs(pid)) continue;
    perPid.set(pid, info.ticks);
    const group = groupOf(pid);
    byGroup[group] = (byGroup[group] ?? 0) + info.ticks;
  }
  return { at: process.hrtime.bigint(), perPid, machine: machineTicks(), byGroupOf: groupOf };
}

/** CPU used between two samples, in % of one core per group, plus the machine's busy %. */
function cpuBetween(before, after, roles) {
  const seconds = Number(after.at - before.at) / 1e9;
  const groups = {};
  let ours = 0;
  for (const [pid, ticks] of after.perPid) {
    // Processes born during the interval count from zero; ones that died are lost (rare here).
    const delta = ticks - (before.perPid.get(pid) ?? 0);
    if (delta <= 0) continue;
    const group = after.byGroupOf(pid, roles);
    groups[group] = (groups[group] ?? 0) + delta;
    ours += delta;
  }
  const percent = (ticks) => Math.round((ticks / CLOCK_TICKS / seconds) * 100);
  const machineTotal = after.machine.total - before.machine.total;
  const machineBusy = machineTotal - (after.machine.idle - before.machine.idle);
  const cores = machineTotal / CLOCK_TICKS / seconds;
  return {
    byGroup: Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, percent(v)])),
    ours: percent(ours),
    machineBusy: percent(machineBusy),
    // Everything the machine did that is not this benchmark (other users' jobs), in % of one core.
    others: Math.max(0, percent(machineBusy) - percent(ours)),
    cores: Math.round(cores),
  };
}

module.exports = { sampleCpu, cpuBetween };
