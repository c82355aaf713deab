'use strict';
/**
 * One dispatcher as deployed: the built `apps/dispatcher/dist/main.js` of a checkout (this one,
 * or a baseline's), its own process, configured only through its environment, its JSON log lines
 * going to a file (as to a log collector: the benchmark does not parse them on the way).
 */
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { closeSync, openSync, readFileSync } = require('node:fs');
const path = require('node:path');

function startDispatcherProcess({ root, env, logFile, nodeOptions = [] }) {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeOptions, path.join(root, 'apps/dispatcher/dist/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = once(child, 'exit').then(([code]) => code);
  const log = () => readFileSync(logFile, 'utf8');
  return {
    child,
    log,
    /** When the main group was joined (this process's clock), polled from the log every 25 ms. */
    async joined(group, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const needle = `"group":"${group}"`;
      for (;;) {
        const joinedLine = log()
          .split('\n')
          .find((line) => line.includes('"consumer_joined"') && line.includes(needle));
        if (joinedLine) return Date.now();
        if (child.exitCode !== null) throw new Error(`the dispatcher exited with ${child.exitCode}:\n${log().slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`the dispatcher did not join ${group} within ${timeoutMs} ms:\n${log().slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    /** SIGTERM (graceful: the running batch finishes and commits); the exit code. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

module.exports = { startDispatcherProcess };
