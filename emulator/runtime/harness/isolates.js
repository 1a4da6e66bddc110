'use strict';
/**
 * The tenant host's isolates: one V8 isolate (a worker thread running isolate.js) per action version,
 * made on first use (ahead of time for the rest of a chain), kept warm between invocations as Auth0
 * keeps a container warm, and bounded in number (the least recently used idle one is dropped).
 *
 * What an invocation reports is assembled here, outside the isolate, from what the isolate sent as it
 * ran: its api calls, each as it was made, and its console lines. Its effects (deny, redirect, ...) are
 * read from those calls. An isolate whose action spins past the deadline, blows its heap or exits is
 * terminated; the invocations of other isolates keep running, and the next invocation of that version
 * gets a fresh isolate that says so in its console.
 */
const path = require('path');
const { Worker, MessageChannel } = require('worker_threads');
const { timeoutError } = require('./invoke');

const ISOLATE = path.join(__dirname, 'isolate.js');
const FRESH = 'A new isolate for this action: its previous one was discarded';

let options = { grace_ms: 250, heap_mb: 128, max_isolates: 16, triggers: [], write: null };
const isolates = new Map(); // spec.key -> Isolate, in least-recently-used order
const replaced = new Map(); // spec.key -> why its last isolate went (said once, in the next invocation)
let seq = 0;

function configure(opts) {
  options = { ...options, ...opts };
}

class Isolate {
  constructor(key) {
    this.key = key;
    this.inflight = new Map(); // inv -> record
    this.dead = null; // why it ended
    this.worker = new Worker(ISOLATE, {
      workerData: { triggers: options.triggers },
      resourceLimits: { maxOldGenerationSizeMb: options.heap_mb },
      stdout: true, stderr: true,
    });
    // What the isolate prints outside any invocation goes to the host's own output unchanged, so that
    // Python sees the harness's prefixes (late output, ignored calls).
    this.worker.stdout.on('data', (chunk) => options.write.stdout(chunk));
    this.worker.stderr.on('data', (chunk) => options.write.stderr(chunk));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {});
    port1.on('message', (msg) => this.receive(msg));
    port1.on('close', () => { this.portClosed = true; });
    this.worker.postMessage({ port: port2 }, [port2]);
    this.worker.on('error', (err) => this.lost(err && err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? `The action exceeded the memory limit (${options.heap_mb} MB JavaScript heap); its isolate was discarded.`
      : `The action's isolate failed: ${err && err.message}; it was discarded.`));
    // The isolate's last messages (an api call it recorded just before it ended) may still be queued on
    // the port when 'exit' comes: end its invocations once the port has delivered them and closed.
    this.worker.on('exit', (code) => this.afterDrain(() => this.lost(null, code)));
    this.heap = null;
  }

  afterDrain(then) {
    let done = false;
    const go = () => {
      if (!done) {
        done = true;
        then();
      }
    };
    if (this.portClosed) {
      setImmediate(go);
      return;
    }
    this.port.once('close', go);
    setTimeout(go, 200).unref(); // a port that never says it closed: do not wait for ever
  }

  receive(msg) {
    if (msg.t === 'ready') {
      this.readyResolve();
      return;
    }
    const rec = this.inflight.get(msg.inv);
    if (!rec) return;
    switch (msg.t) {
      case 'cmd':
        if (rec.commands[msg.i] === undefined) rec.commands[msg.i] = msg.cmd;
        break;
      case 'settle': {
        const cmd = rec.commands[msg.i];
        if (cmd && !('result' in cmd) && !('error' in cmd)) {
          if (msg.result !== undefined) cmd.result = msg.result;
          if (msg.error !== undefined) cmd.error = msg.error;
        }
        break;
      }
      case 'log':
        rec.logs.push(msg.entry);
        if (msg.truncated) rec.truncated = true;
        break;
      case 'note':
        rec.notes.push(String(msg.message));
        break;
      case 'done':
        this.heap = msg.heap;
        if (msg.tainted) this.retire('the action changed its built-ins');
        this.finish(msg.inv, { ...msg.result }, msg.shared);
        break;
      default:
    }
  }

  /** End one invocation with what was recorded outside the isolate. */
  finish(inv, result, shared) {
    const rec = this.inflight.get(inv);
    if (!rec) return;
    this.inflight.delete(inv);
    clearTimeout(rec.timer);
    const commands = [];
    for (let i = 0; i < rec.commands.length; i += 1) if (rec.commands[i]) commands.push(rec.commands[i]);
    const stop = rec.trigger.stopPaths;
    result.commands = commands;
    result.logs = rec.logs;
    result.logs_truncated = Boolean(rec.truncated || result.logs_truncated);
    result.effects = commands.filter((c) => stop.has(c.name) && c.error === undefined).map((c) => c.name);
    if (!result.http) result.http = [];
    rec.resolve({ result, shared, elapsed: performance.now() - rec.t0 });
  }

  /** The isolate is gone (or being thrown away): every invocation in flight on it ends now. */
  lost(message, code) {
    if (!this.dead) this.dead = message || `its isolate exited (code ${code})`;
    this.readyReject(new Error(this.dead));
    if (isolates.get(this.key) === this) {
      isolates.delete(this.key);
      replaced.set(this.key, this.dead);
    }
    for (const [inv, rec] of [...this.inflight]) {
      const why = rec.why || message || (rec.notes.length
        ? `The action ended its isolate: ${rec.notes[rec.notes.length - 1]}; the isolate was discarded.`
        : `The action's isolate ended (exit code ${code}); it was discarded.`);
      const errorClass = rec.whyClass || 'platform_error';
      this.finish(inv, failed(rec, errorClass, why), null);
    }
  }

  /** Drop this isolate once nothing runs in it (tainted), or now. */
  retire(why) {
    if (isolates.get(this.key) === this) {
      isolates.delete(this.key);
      replaced.set(this.key, why);
    }
    if (this.inflight.size <= 1) this.worker.terminate();
    else this.draining = true;
  }

  async invoke(trigger, spec, eventJson, shared, now, deadlineMs, note) {
    await this.ready;
    const inv = (seq += 1);
    return new Promise((resolve) => {
      const rec = { trigger, spec, commands: [], logs: [], notes: [], truncated: false, resolve, started: Date.now(),
        deadlineMs };
      if (note) rec.logs.push({ level: 'warn', time: typeof now === 'number' ? now : Date.now(), message: note });
      rec.t0 = performance.now();
      this.inflight.set(inv, rec);
      // The isolate cuts an async hang at the deadline itself; one that does not answer by then plus a
      // grace period is stuck in synchronous code and is terminated (other isolates are untouched).
      rec.timer = setTimeout(() => this.overrun(inv), deadlineMs + options.grace_ms);
      // The code crosses once: the isolate keeps the compiled version (its key names code and all).
      const sent = this.compiled ? withoutCode(spec) : spec;
      this.compiled = true;
      this.port.postMessage({ t: 'invoke', inv, trigger: trigger.id, spec: sent, event: eventJson, shared, now,
        deadline_ms: deadlineMs });
    });
  }

  overrun(inv) {
    const culprit = this.inflight.get(inv);
    if (!culprit) return;
    culprit.whyClass = 'action_timeout';
    for (const [other, rec] of this.inflight) {
      if (other === inv) continue;
      rec.whyClass = 'platform_error';
      rec.why = 'Another invocation of this action version overran its deadline in the same isolate; the isolate '
        + 'was discarded.';
    }
    this.dead = 'it overran its deadline';
    this.worker.terminate();
  }
}

function withoutCode(spec) {
  const { code: _code, ...rest } = spec;
  if (rest.modules && rest.modules.length) rest.modules = rest.modules.map(({ code: _c, ...m }) => m);
  return rest;
}

function failed(rec, errorClass, message) {
  const error = errorClass === 'action_timeout'
    ? timeoutError(rec.deadlineMs, ' It did not yield (a synchronous loop?); its isolate was discarded.')
    : { name: 'Error', message, stack: '', line: null, column: null, class: errorClass };
  const total = Date.now() - rec.started;
  return { name: rec.spec.name, handler: rec.spec.handler || rec.trigger.handlers[0], http: [], error,
    timings: { load_ms: 0, run_ms: total, total_ms: total } };
}

/** The warm isolate of a version, or a new one (dropping the least recently used idle one past the bound). */
function get(key) {
  let iso = isolates.get(key);
  if (iso) {
    isolates.delete(key); // re-insert: most recently used last
    isolates.set(key, iso);
    return iso;
  }
  iso = new Isolate(key);
  isolates.set(key, iso);
  if (isolates.size > options.max_isolates) {
    for (const [k, old] of isolates) {
      if (isolates.size <= options.max_isolates) break;
      if (old.inflight.size === 0 && old !== iso) {
        isolates.delete(k);
        old.worker.terminate();
      }
    }
  }
  return iso;
}

/** Start the isolates a chain will need, so that their start-up overlaps. */
function warm(specs) {
  for (const spec of specs) get(spec.key);
}

/** Run one action in its isolate. Resolves {result, shared}; shared is null when the isolate was lost. */
function run(trigger, spec, eventJson, shared, now, deadlineMs) {
  const iso = get(spec.key);
  const why = replaced.get(spec.key);
  replaced.delete(spec.key);
  const note = why ? `[actions-emulator] ${FRESH} (${why}).` : null;
  return iso.invoke(trigger, spec, eventJson, shared, now, deadlineMs, note).then((out) => {
    if (iso.draining && iso.inflight.size === 0) iso.worker.terminate();
    return out;
  });
}

/** Warm isolates and their last reported heap use, for the bench and the status. */
function stats() {
  return [...isolates.values()].map((iso) => ({ key: iso.key, heap_bytes: iso.heap, inflight: iso.inflight.size }));
}

module.exports = { configure, run, warm, stats };
