// @ts-check
/**
 * Turns a test run that would hang into a quick failure that names the cause (Jest's own
 * timeouts cannot fire while the event loop is blocked, and nothing ends a process kept alive
 * after its last test). Started by `jest-global-setup.js` in the process that runs the tests in
 * band (Jest's choice on two cores); in a worker process, it watches nothing but that process.
 *
 * - Blocked event loop: a worker thread watches a heartbeat of the main thread. When it stops
 *   for `stallLimitMs`, the worker pauses the main thread through the inspector, writes its
 *   JavaScript stack to stderr, stops the processes the tests started (the children of this
 *   process, by PID) and kills the process: the run fails in minutes, not at CI's time limit.
 * - After the last test: when the process is still alive `graceMs` after the global teardown,
 *   it writes what keeps it alive and exits with 1.
 */
const { writeSync } = require('node:fs');
const { join } = require('node:path');
const { Worker } = require('node:worker_threads');
const { childrenOf } = require('./hang-guard.worker');

/** Long enough for the slowest legitimate synchronous work (a type-checked compile of a big spec file). */
const STALL_LIMIT_MS = 120_000;
const EXIT_GRACE_MS = 30_000;

/** @type {{ worker: Worker; heartbeat: NodeJS.Timeout } | undefined} */
let guard;

/**
 * Starts the watchdog of this process's event loop (once).
 * @param {{ stallLimitMs?: number }} [options]
 */
function startHangGuard({ stallLimitMs = STALL_LIMIT_MS } = {}) {
  if (guard) return;
  const beats = new SharedArrayBuffer(4);
  const counter = new Int32Array(beats);
  const heartbeat = setInterval(() => Atomics.add(counter, 0, 1), Math.min(1000, stallLimitMs / 4));
  heartbeat.unref();
  const worker = new Worker(join(__dirname, 'hang-guard.worker.js'), { workerData: { beats, stallLimitMs } });
  worker.unref();
  guard = { worker, heartbeat };
}

/** Stops the watchdog. */
async function stopHangGuard() {
  if (!guard) return;
  clearInterval(guard.heartbeat);
  await guard.worker.terminate();
  guard = undefined;
}

/**
 * Exits with 1, naming what keeps the process alive, if it is still alive `graceMs` from now.
 * @param {number} [graceMs]
 */
function exitIfStillAlive(graceMs = EXIT_GRACE_MS) {
  const timer = setTimeout(() => {
    const alive = process.getActiveResourcesInfo().filter((type) => type !== 'TTYWrap');
    writeSync(2, `\n[hang-guard] The test process is still alive ${graceMs} ms after its last test, kept by: ${alive.join(', ') || 'nothing JavaScript can see'}. A test left these open (run one suite with --detectOpenHandles to see where).\n`);
    for (const pid of childrenOf(process.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    process.exit(1);
  }, graceMs);
  timer.unref();
}

module.exports = { startHangGuard, stopHangGuard, exitIfStillAlive };
