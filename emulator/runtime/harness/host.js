'use strict';
/**
 * The long-lived Node host of one tenant. Protocol (v1): newline-delimited JSON; requests arrive on
 * stdin, replies leave on the file descriptor given as argv[2], a channel user code is never handed
 * (its console and stdout are captured per invocation, see console.js). Every message carries
 * `v`, `type` and, for request/reply pairs, `id`. Each reply line ends with a tab and the hex
 * HMAC-SHA256 of the JSON under a key read from the pipe argv[3] at start-up: Python drops (and
 * reports) any line without a valid signature, so a reply forged by action code is never believed.
 *
 *   configure {triggers, isolates: {grace_ms, heap_mb, max_isolates}} -> ready {node, pid}
 *   run {trigger, event, actions:[{key,name,filename,code,handler,secrets,deps_dir,modules}], cache, now,
 *        deadline_ms}          -> action {index, result} for each action but the last one run, then
 *                                 result {last, cache, state}
 *   (run may carry `state` from an earlier partial run, `exact_event` to use the event as given, and
 *    `http` {mode: live|record|stub|replay, stubs} for outbound calls; see http.js)
 *   preview {trigger, event, state, secrets} -> event {event}: what the next action of a chain would see
 *   check {code, filename}     -> checked {error}: a syntax error with its line, or null
 *   ping                       -> pong
 *   (debugging host only) inspect {host, port} -> inspecting {url}; wait_debugger -> pong once a
 *   client attached; run {debug: true} leaves the deadline to Python, which sends expire {run}
 *   anything else              -> error {message}
 *
 * A chain runs its actions in order with Auth0's state passing (spec §2.1) and stops after an action
 * that failed or recorded a STOP/SUSPEND command. Each action version runs in a V8 isolate of its own
 * (a worker thread, isolates.js): no action's code ever runs in this thread, which alone holds the
 * reply key, so nothing an action does can change what this thread reports. The chain's state crosses
 * to each isolate as a copy. A debugging host (run {debug: true}) runs actions here instead, each in a
 * realm of its own (realm.js), restoring the shared realm after each (integrity.js), so that one
 * inspector target shows them; Python kills a host that cannot answer at all.
 */
const fs = require('fs');
const crypto = require('crypto');
const consoleCapture = require('./console');
const loader = require('./loader');
const integrity = require('./integrity');
const invoke = require('./invoke');
const isolates = require('./isolates');
const { compileTrigger } = require('./api');

const rawStderrWrite = process.stderr.write.bind(process.stderr); // before console capture replaces it
const rawStdoutWrite = process.stdout.write.bind(process.stdout);

const PROTOCOL = 1;
const OUT_FD = Number(process.argv[2]);
const KEY_FD = Number(process.argv[3]);
process.argv.splice(2); // user code is not told where the protocol channel is
const triggers = new Map();

// Replies are signed with a key read once from a pipe that is then closed: an action can find the reply
// channel (/proc/self/fd) but cannot make a line Python accepts. What signing and writing use is
// captured now, before any user code loads, and integrity.restore() runs before every reply.
const KEY = fs.readFileSync(KEY_FD);
fs.closeSync(KEY_FD);
const { apply } = Reflect;
const stringify = JSON.stringify;
const writeSync = fs.writeSync;
const createHmac = crypto.createHmac;
const hmacUpdate = crypto.Hmac.prototype.update;
const hmacDigest = crypto.Hmac.prototype.digest;
const mono = () => performance.now();

function sign(line) {
  const h = apply(createHmac, crypto, ['sha256', KEY]);
  apply(hmacUpdate, h, [line]);
  return apply(hmacDigest, h, ['hex']);
}

let pollution = null; // what the last restore found, for the run that caused it

function restoreRealm() {
  const found = integrity.restore();
  if (found.changed.length) pollution = found;
  return found;
}

// Sending uses only what was captured above; the shared realm is restored after every action and at the
// start of every run, so it is as the harness left it whenever a reply is assembled.
function send(msg) {
  const line = stringify({ v: PROTOCOL, ...msg });
  apply(writeSync, fs, [OUT_FD, `${line}\t${sign(line)}\n`]);
}

require('./capture').install();

// An action that calls process.exit() takes the host down, as it would crash Auth0's sandbox; say so
// first so that Python can report it as that action's result rather than as a mystery.
const realExit = process.exit.bind(process);
process.exit = (code) => {
  const store = consoleCapture.currentStore();
  send({ type: 'note', id: store ? store.runId : null, message: `process.exit(${code === undefined ? '' : code}) was called` });
  realExit(code);
};

// Signals: an action may signal its own host (as process.exit ends it) but no other process: not the
// emulator, not another tenant's host. Under Node's permission model nothing reaches the raw methods
// behind these (process.binding is refused); on Node 18 a child process could still send one.
for (const name of ['kill', '_kill']) {
  const raw = process[name];
  if (typeof raw !== 'function') continue;
  process[name] = function kill(pid, signal) {
    if (Number(pid) !== process.pid) {
      const err = new Error(`process.${name}(${pid}): an action cannot signal other processes`);
      err.code = 'ERR_ACCESS_DENIED';
      throw err;
    }
    return apply(raw, process, [pid, signal]);
  };
}

{
  // The native object behind an Hmac: reachable from any Hmac an action makes, so watched too.
  const probe = createHmac('sha256', 'probe');
  const handle = Object.getOwnPropertySymbols(probe).find((sym) => String(sym) === 'Symbol(kHandle)');
  let fsBinding = null;
  try {
    fsBinding = process.binding('fs');
  } catch (_) {
    // Node's permission model refuses process.binding, to actions as to the harness: nothing to watch.
  }
  integrity.capture([['crypto.Hmac.prototype', crypto.Hmac.prototype],
    ['Hmac handle', handle ? Object.getPrototypeOf(probe[handle]) : null],
    ...(fsBinding ? [['fs binding', fsBinding, ['writeString', 'writeBuffer']]] : []),
    ['process', process, ['kill', '_kill', 'exit']],
    ['console', console, ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir']]]);
}

process.on('uncaughtException', (err) => {
  const store = consoleCapture.currentStore();
  if (store && store.fail) store.fail(err);
  else process.stderr.write(`uncaught exception outside any action: ${err && err.stack}\n`);
});
// A debug run's handler promise carries no rejection handler of the harness (see runAction), so that
// V8 counts an exception leaving the action as uncaught; its rejection arrives here.
const debugRuns = new WeakMap();
process.on('unhandledRejection', (err, promise) => {
  const finish = invoke.debugRuns.get(promise);
  if (finish) {
    finish({ error: err });
    return;
  }
  const store = consoleCapture.currentStore();
  if (store && store.logs) store.logs.push('error', `Unhandled promise rejection: ${err && err.stack ? err.stack : err}`);
});

/** In a debugging host the action runs here, in a realm of its own, so that one inspector target shows it. */
const entryWaiters = new Map(); // run id -> what to do once Python set the entry breakpoint

function runHere(trigger, spec, eventJson, shared, clock, deadlineAt) {
  const hooks = {
    entry: (done) => {
      entryWaiters.set(shared.runId, done);
      send({ type: 'entry', run: shared.runId });
    },
    record: () => {}, settle: () => {}, log: null,
    ignored: invoke.ignoredCall(rawStderrWrite, shared.runId, spec.name),
    restore: (only) => (only === undefined ? restoreRealm() : integrity.restore(only)),
    tainted: (changed, fatal) => `The action changed Node's shared built-ins (${changed.slice(0, 5).join(', ')}`
      + `${changed.length > 5 ? ', ...' : ''}); the emulator restored them${fatal ? ' and replaces this host' : ''}.`,
  };
  return invoke.runAction(trigger, spec, eventJson, shared, clock, deadlineAt, { external: true, hooks })
    .then((out) => out.result);
}

async function runChain(msg) {
  const trigger = triggers.get(msg.trigger);
  if (!trigger) throw new Error(`unknown trigger ${msg.trigger}`);
  const started = mono();
  // The emulator's clock: a time Python fixes for the whole execution (its fake clock, deterministic
  // runs), or the real one.
  const clock = typeof msg.now === 'number' ? () => msg.now : () => Date.now();
  const inThread = Boolean(msg.debug);
  if (inThread) {
    restoreRealm(); // a stray timer may have changed the shared realm between runs
    pollution = null;
  } else {
    isolates.warm(msg.actions);
  }
  const base = msg.event || {};
  // Chain state carried between actions; a stepped chain (one action per request) passes it back in.
  let shared = invoke.newShared(msg);
  const deadlineAt = started + msg.deadline_ms;
  // In isolates the deadline counts the actions' own running time: an isolate's start-up is not theirs.
  let budget = msg.deadline_ms;
  let last = null;
  for (let index = 0; index < msg.actions.length; index += 1) {
    const spec = msg.actions[index];
    const isLast = index === msg.actions.length - 1;
    // exact_event: the caller already built (and perhaps edited) the event this action must see.
    const exact = Boolean(msg.exact_event && index === 0);
    const eventJson = exact ? stringify(base)
      : index === 0 && !msg.state ? invoke.firstEventJson(base, spec.secrets)
        : stringify(invoke.eventFor(base, spec.secrets, shared));
    let result;
    if (inThread) {
      result = await runHere(trigger, spec, eventJson, shared, clock, deadlineAt);
    } else {
      // The chain's state goes to the isolate as a copy and comes back as one.
      const out = await isolates.run(trigger, spec, eventJson, invoke.wire(shared), msg.now, Math.max(0, budget));
      budget -= out.elapsed;
      result = out.result;
      if (out.shared) shared = invoke.unwire(out.shared);
    }
    last = result;
    if (result.error || result.effects.length || isLast) break;
    // Streamed as each action ends, so that a host killed later in the chain loses nothing before it;
    // the chain's last result rides with the final message (one write less per chain).
    send({ type: 'action', id: msg.id, index, result });
  }
  const retire = inThread && pollution && pollution.fatal;
  return { type: 'result', last, cache: Object.fromEntries(shared.cache), state: invoke.chainState(shared),
    ...(retire ? { retire: true } : {}) };
}

/** Compile code without running it: the editor's as-you-type syntax check. */
function check(msg) {
  try {
    require('vm').compileFunction(msg.code, ['exports', 'require', 'module', '__filename', '__dirname'],
      { filename: msg.filename });
    return { type: 'checked', error: null };
  } catch (err) {
    return { type: 'checked', error: loader.describeError(err, msg.filename) };
  }
}

/** The event an action would receive next in a chain (for a stepper that shows it before it runs). */
function preview(msg) {
  const carried = msg.state || {};
  const shared = { pendingMetadata: carried.pending_metadata || { app_metadata: {}, user_metadata: {} },
    txMetadata: carried.transaction_metadata || { ...(((msg.event || {}).transaction || {}).metadata || {}) } };
  return { type: 'event', event: invoke.eventFor(msg.event || {}, msg.secrets, shared) };
}

async function handle(msg) {
  if (msg.v !== PROTOCOL) {
    send({ type: 'error', id: msg.id, message: `unsupported protocol version ${msg.v}` });
    return;
  }
  switch (msg.type) {
    case 'configure':
      for (const record of msg.triggers) triggers.set(record.id, compileTrigger(record));
      isolates.configure({ triggers: msg.triggers, write: { stdout: rawStdoutWrite, stderr: rawStderrWrite },
        ...(msg.isolates || {}) });
      send({ type: 'ready', id: msg.id, node: process.version, pid: process.pid });
      return;
    case 'check':
      send({ id: msg.id, ...check(msg) });
      return;
    case 'preview':
      send({ id: msg.id, ...preview(msg) });
      return;
    case 'ping':
      send({ type: 'pong', id: msg.id });
      return;
    case 'expire': {
      // A debug run's budget (running time only, kept by Python) is spent.
      const expire = invoke.expirers.get(msg.run);
      if (expire) expire();
      return;
    }
    case 'entry_set': {
      // --inspect-brk: the debugger has set its breakpoint on the handler's call; call it now.
      const done = entryWaiters.get(msg.run);
      entryWaiters.delete(msg.run);
      if (done) done();
      return;
    }
    case 'inspect': {
      // Only a host made for debugging opens the inspector, on 127.0.0.1 and a free port by default.
      const inspector = require('inspector');
      try {
        if (!inspector.url()) inspector.open(msg.port || 0, msg.host || '127.0.0.1', false);
        // Node does not throw when the port is taken: it prints why and leaves no URL.
        if (!inspector.url()) throw new Error(`cannot listen on ${msg.host || '127.0.0.1'}:${msg.port || 0} (address already in use?)`);
        send({ type: 'inspecting', id: msg.id, url: inspector.url() });
      } catch (err) {
        send({ type: 'error', id: msg.id, message: `cannot open the inspector: ${err.message}` });
      }
      return;
    }
    case 'wait_debugger':
      // Blocks this host until a client sends Runtime.runIfWaitingForDebugger (what DevTools and VS
      // Code send when they attach); the inspector keeps answering meanwhile.
      require('inspector').waitForDebugger();
      send({ type: 'pong', id: msg.id });
      return;
    case 'run': {
      try {
        send({ id: msg.id, ...(await runChain(msg)) });
      } catch (err) {
        send({ type: 'error', id: msg.id, message: String(err && err.stack) });
      }
      return;
    }
    default:
      send({ type: 'error', id: msg.id, message: `unknown message type ${JSON.stringify(msg.type)}` });
  }
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (!line.trim()) continue;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      send({ type: 'error', id: null, message: `unreadable message: ${err.message}` });
      continue;
    }
    handle(msg);
  }
});
process.stdin.on('end', () => realExit(0));
