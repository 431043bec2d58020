// @ts-check
/**
 * The watchdog thread of `hang-guard.js` (see there), and `childrenOf`, which both sides use. It
 * must not use the main thread for anything: a worker's stdout and stderr go through it, so it
 * writes to file descriptor 2 itself.
 */
const { readdirSync, readFileSync, writeSync } = require('node:fs');
const { Session } = require('node:inspector');
const { isMainThread, workerData } = require('node:worker_threads');

/**
 * The PIDs of the children of process `pid` (Linux: /proc/<pid>/task/<tid>/children).
 * @param {number} pid
 * @returns {number[]}
 */
function childrenOf(pid) {
  const pids = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) pids.push(...listed.split(/\s+/).map(Number));
    }
  } catch {
    // Not Linux: none listed; the process alone is stopped.
  }
  return pids;
}

/** Writes `stack` with the reason, kills the children of this process, then this process. */
function end(stack) {
  writeSync(2, `\n[hang-guard] The event loop of the test process (pid ${process.pid}) has been blocked for ${workerData.stallLimitMs} ms; its JavaScript stack:\n${stack}\n[hang-guard] Stopping its child processes and the run.\n`);
  for (const pid of childrenOf(process.pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  process.kill(process.pid, 'SIGKILL');
}

/** Pauses the main thread through the inspector (which interrupts running JavaScript) to read its stack. */
function reportAndKill() {
  const session = new Session();
  session.connectToMainThread();
  // A frame's own url is often empty: the script's comes with Debugger.enable.
  const urls = new Map();
  session.on('Debugger.scriptParsed', ({ params }) => urls.set(params.scriptId, params.url));
  session.on('Debugger.paused', ({ params }) => {
    const where = (f) => `${f.url || urls.get(f.location.scriptId) || '?'}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1}`;
    const frames = params.callFrames.map((f) => `    at ${f.functionName || '<anonymous>'} (${where(f)})`);
    end(frames.join('\n'));
  });
  session.post('Debugger.enable', () => session.post('Debugger.pause'));
  setTimeout(() => end('    (none: it is blocked outside JavaScript)'), 10_000);
}

if (!isMainThread) {
  const beats = new Int32Array(workerData.beats);
  let last = Atomics.load(beats, 0);
  let since = Date.now();
  const check = setInterval(() => {
    const beat = Atomics.load(beats, 0);
    if (beat !== last) {
      last = beat;
      since = Date.now();
    } else if (Date.now() - since >= workerData.stallLimitMs) {
      clearInterval(check);
      reportAndKill();
    }
  }, Math.min(1000, workerData.stallLimitMs / 4));
}

module.exports = { childrenOf };
