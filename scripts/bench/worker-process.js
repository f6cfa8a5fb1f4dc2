'use strict';
// A real worker process (dist/apps/worker/src/main.js) on a configuration file, and what the
// kernel says about it: peak resident set (VmHWM) and CPU time, read from /proc (Linux).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { clearTimeout, setTimeout } = require('node:timers');

const ROOT = path.resolve(__dirname, '..', '..');
const WORKER_MAIN = path.join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Peak RSS in bytes from /proc/<pid>/status, or undefined where there is no /proc. */
function peakRss(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of a process from /proc/<pid>/stat, or undefined. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Starts a worker on `configFile`; its output goes to `logFile`. `nodeArgs`: e.g. --cpu-prof. */
function startWorkerProcess(configFile, logFile, { env = {}, nodeArgs = [] } = {}) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, WORKER_MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...env, CLR_CONFIG: configFile },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid,
    exited,
    peakRss: () => peakRss(child.pid),
    cpuSeconds: () => cpuSeconds(child.pid),
    alive: () => child.exitCode === null && child.signalCode === null,
    /** SIGTERM (graceful: jobs in hand finish), SIGKILL after `graceMs`. */
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

module.exports = { startWorkerProcess, peakRss, cpuSeconds, WORKER_MAIN };
