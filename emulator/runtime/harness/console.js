'use strict';
/**
 * Per-invocation capture of everything user code prints. `console.*`, `process.stdout.write` and
 * `process.stderr.write` are replaced for the whole process and routed, through AsyncLocalStorage, to
 * the log buffer of the invocation whose code is running (even when invocations interleave). Output
 * with no invocation (a stray timer after its action ended) goes to the host's own stderr, which Python
 * reads as host output. Nothing user code prints can reach the protocol channel.
 */
const util = require('util');
const { AsyncLocalStorage } = require('async_hooks');

const LOG_LIMIT = 256 * 1024; // Auth0's per-execution console buffer
const als = new AsyncLocalStorage();
// The invocations running now. With the inspector's debugger enabled, Node 18 loses the async context
// of promise continuations in a vm context (after the first `await`), so a debugging host, which runs
// one invocation at a time, falls back to the only one running.
const running = new Set();

/** The invocation whose code is running: its async context, or the only one in flight. */
function currentStore() {
  const store = als.getStore();
  if (store) return store;
  if (running.size === 1) {
    const [only] = running;
    return only;
  }
  return undefined;
}
const rawStderrWrite = process.stderr.write.bind(process.stderr);

class LogBuffer {
  // `now`: the execution's clock, so a deterministic run stamps its console lines identically.
  // `onEntry(entry, truncated)`: told of each line as it is kept (an isolate sends it out at once).
  constructor(now = Date.now, onEntry = null) {
    this.now = now;
    this.onEntry = onEntry;
    this.entries = [];
    this.bytes = 0;
    this.truncated = false;
    this.closed = false;
  }

  push(level, message) {
    if (this.closed) {
      // A timer or callback the action left running: never another action's output. Said once, on the
      // host's own stderr (which the emulator keeps as host output).
      if (!this.noted) {
        this.noted = true;
        rawStderrWrite(`[late output of action ${this.owner || '?'} dropped] ${String(message).slice(0, 200)}\n`);
      }
      return;
    }
    const size = Buffer.byteLength(message, 'utf8');
    if (this.bytes + size > LOG_LIMIT) {
      this.truncated = true;
      const room = LOG_LIMIT - this.bytes;
      if (room <= 0) return;
      message = Buffer.from(message, 'utf8').subarray(0, room).toString('utf8');
    }
    this.bytes += Buffer.byteLength(message, 'utf8');
    const entry = { level, time: this.now(), message };
    this.entries.push(entry);
    if (this.onEntry) this.onEntry(entry, this.truncated);
  }
}

function route(level, message) {
  const store = currentStore();
  if (store && store.logs) store.logs.push(level, message);
  else rawStderrWrite(`[${level}] ${message}\n`);
}

function install() {
  const levels = { log: 'log', info: 'info', warn: 'warn', error: 'error', debug: 'debug' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => route(level, util.format(...args));
  }
  console.trace = (...args) => {
    const err = new Error(util.format(...args));
    route('trace', `Trace: ${err.message}\n${err.stack.split('\n').slice(2).join('\n')}`);
  };
  console.dir = (obj, options) => route('log', util.inspect(obj, options));
  const streamWriter = (level) => (chunk, encoding, cb) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    route(level, text.replace(/\n$/, ''));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  process.stdout.write = streamWriter('stdout');
  process.stderr.write = streamWriter('stderr');
}

module.exports = { als, LogBuffer, install, currentStore, running };
