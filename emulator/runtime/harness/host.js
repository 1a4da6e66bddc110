'use strict';
/**
 * The long-lived Node host of one tenant. Protocol (v1): newline-delimited JSON; requests arrive on
 * stdin, replies leave on the file descriptor given as argv[2], a channel user code is never handed
 * (its console and stdout are captured per invocation, see console.js). Every message carries
 * `v`, `type` and, for request/reply pairs, `id`. Each reply line ends with a tab and the hex
 * HMAC-SHA256 of the JSON under a key read from the pipe argv[3] at start-up: Python drops (and
 * reports) any line without a valid signature, so a reply forged by action code is never believed.
 *
 *   configure {triggers}       -> ready {node, pid}
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
 * that failed or recorded a STOP/SUSPEND command. Each action version runs in its own realm (realm.js);
 * the shared realm is checked and restored before anything is reported (integrity.js). Async hangs are cut at the deadline here; a host that
 * cannot answer at all (a synchronous loop) is killed by Python.
 */
const fs = require('fs');
const crypto = require('crypto');
const consoleCapture = require('./console');
const httpCapture = require('./http');
const loader = require('./loader');
const integrity = require('./integrity');
const { compileTrigger, buildApi, ABORT } = require('./api');

const rawStderrWrite = process.stderr.write.bind(process.stderr); // before console capture replaces it
const IGNORED_CALL = '[ignored api call] '; // host.py reads this prefix
const { snapshot } = require('./snapshot');

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
const HPromise = Promise;
const promiseThen = Promise.prototype.then;
const setTimer = setTimeout;
const clearTimer = clearTimeout;
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

consoleCapture.install();
httpCapture.install();
httpCapture.ensureStubServer();
// Node 18 flags fetch as experimental; Auth0's runtimes do not, so that warning is not the action's.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'ExperimentalWarning' && /fetch/i.test(w.message)) return;
  const store = consoleCapture.currentStore();
  if (store && store.logs) store.logs.push('warn', `${w.name}: ${w.message}`);
});

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
  const finish = debugRuns.get(promise);
  if (finish) {
    finish({ error: err });
    return;
  }
  const store = consoleCapture.currentStore();
  if (store && store.logs) store.logs.push('error', `Unhandled promise rejection: ${err && err.stack ? err.stack : err}`);
});

// The event an action receives, before it is copied into the action's realm (which is itself the
// deep copy: nothing an action does to its event reaches the next action's).
function eventFor(base, spec, shared) {
  const event = { ...base, secrets: { ...(spec.secrets || {}) }, configuration: base.configuration || {} };
  if (event.user) {
    for (const field of ['app_metadata', 'user_metadata']) {
      const pending = shared.pendingMetadata[field];
      if (Object.keys(pending).length === 0) continue;
      const merged = { ...(event.user[field] || {}) };
      for (const [k, v] of Object.entries(pending)) {
        if (v === null) delete merged[k];
        else if (v !== undefined) merged[k] = v;
      }
      event.user = { ...event.user, [field]: merged };
    }
  }
  if (event.transaction && 'metadata' in event.transaction) {
    event.transaction = { ...event.transaction, metadata: { ...shared.txMetadata } };
  }
  if (shared.targetScopes && event.transaction) {
    event.transaction = { ...event.transaction, target_scopes: [...shared.targetScopes] };
  }
  return event;
}

const currentCtx = () => {
  const store = consoleCapture.currentStore();
  return store && store.ctx ? store.ctx : null;
};

// Runs in flight by request id: how Python ends one from outside (a debug run's deadline, which
// counts running time only, is kept by Python).
const expirers = new Map();

/** Every secret value this action can reach (its own and its modules'), for masking captured HTTP. */
function secretValues(spec) {
  const out = {};
  for (const m of spec.modules || []) Object.assign(out, m.secrets || {});
  return Object.assign(out, spec.secrets || {});
}

/**
 * Run one action. The outcome is decided by the harness's own promise, settled through the `then` it
 * captured at start-up: an action that patches Promise (its realm's or, by reaching it, this one's)
 * cannot make a never-settling handler look complete.
 */
async function runAction(trigger, spec, baseEvent, shared, clock, deadlineAt, { exact, external }) {
  const handlerName = spec.handler || trigger.handlers[0];
  const logs = new consoleCapture.LogBuffer(clock);
  logs.owner = spec.name;
  const ctx = { trigger, handler: handlerName, event: null, shared, now: clock, commands: [], effects: [],
    interaction: null, metadataState: {}, closed: false, logs, aborted: null };
  // An api call after the action ended: Auth0 ignores it. Said on the host's output with the run's id,
  // so the emulator shows it with that run while it is still going (never with another run's).
  ctx.ignored = (path) => rawStderrWrite(`${IGNORED_CALL}${shared.runId} ${spec.name}: api.${path}() was called `
    + 'after the action ended; Auth0 ignores it.\n');
  const t0 = mono();
  let loadMs = 0;
  let timer = null;
  const stores = [];
  const http = { mode: shared.http.mode || 'live', stubs: shared.http.stubs || [], secrets: secretValues(spec),
    calls: [], debug: external, local: shared.http.local || null };
  const outcome = await new HPromise((resolve) => {
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const store = { logs, fail: (err) => finish({ error: err }), runId: shared.runId, http, name: spec.name, ctx };
    // Auth0's abort(): the action fails at once with this message, which it cannot catch; whatever it
    // does afterwards is ignored (api calls are reported as such).
    ctx.abort = (message) => {
      ctx.aborted = message;
      ctx.closed = true;
      finish({ error: new Error(message) });
      return ABORT;
    };
    if (external) consoleCapture.running.add(store);
    stores.push(store);
    if (external) expirers.set(shared.runId, () => finish({ timeout: true }));
    else timer = apply(setTimer, globalThis, [() => finish({ timeout: true }), Math.max(0, deadlineAt - mono())]);
    consoleCapture.als.run(store, () => {
      try {
        const mod = loader.get(spec);
        ctx.event = mod.realm.bridge.parse(stringify(exact ? baseEvent : eventFor(baseEvent, spec, shared)));
        loadMs = loader.init(mod);
        const fn = loader.handler(mod, trigger.handlers, handlerName);
        const pending = fn(ctx.event, buildApi(trigger, mod.realm, currentCtx));
        if (external) {
          // Debugging: "pause on uncaught exceptions" must stop where an exception leaves the action, so
          // no rejection handler is attached here; the rejection reaches process 'unhandledRejection'.
          debugRuns.set(apply(promiseThen, pending, [() => finish({ ok: true })]), finish);
        } else {
          apply(promiseThen, pending, [() => finish({ ok: true }), (err) => finish({ error: err })]);
        }
      } catch (err) {
        finish({ error: err });
      }
    });
  });
  if (timer) apply(clearTimer, globalThis, [timer]);
  for (const store of stores) consoleCapture.running.delete(store);
  expirers.delete(shared.runId);
  ctx.closed = true;
  logs.closed = true;
  const { changed, fatal } = restoreRealm();
  if (changed.length) {
    logs.closed = false;
    logs.push('warn', `The action changed Node's shared built-ins (${changed.slice(0, 5).join(', ')}`
      + `${changed.length > 5 ? ', ...' : ''}); the emulator restored them${fatal ? ' and replaces this host' : ''}.`);
    logs.closed = true;
  }
  let error = null;
  if (outcome.timeout) {
    error = { name: 'Error', message: `Execution of the action exceeded the ${shared.deadlineMs} ms limit.`,
      stack: '', line: null, column: null, class: 'action_timeout' };
  } else if (!outcome.ok) {
    error = loader.describeError(outcome.error, spec.filename);
  }
  const total = mono() - t0;
  return {
    name: spec.name, handler: handlerName, commands: ctx.commands, logs: logs.entries, http: http.calls,
    logs_truncated: logs.truncated, error, effects: ctx.effects,
    timings: { load_ms: round(loadMs), run_ms: round(total - loadMs), total_ms: round(total) },
  };
}

const round = (ms) => Math.round(ms * 1000) / 1000;

async function runChain(msg) {
  const trigger = triggers.get(msg.trigger);
  if (!trigger) throw new Error(`unknown trigger ${msg.trigger}`);
  const started = mono();
  // The emulator's clock: a time Python fixes for the whole execution (its fake clock, deterministic
  // runs), or the real one.
  const clock = typeof msg.now === 'number' ? () => msg.now : () => Date.now();
  restoreRealm(); // a stray timer may have changed the shared realm between runs
  pollution = null;
  const base = msg.event || {};
  // Chain state carried between actions; a stepped chain (one action per request) passes it back in.
  const carried = msg.state || {};
  const shared = {
    cache: new Map(Object.entries(msg.cache || {})),
    pendingMetadata: carried.pending_metadata || { app_metadata: {}, user_metadata: {} },
    txMetadata: carried.transaction_metadata || { ...((base.transaction && base.transaction.metadata) || {}) },
    scopeAdds: carried.scope_adds || 0, once: new Set(carried.once || []),
    // The target scopes once an action changed them (credentials-exchange), else null.
    targetScopes: carried.target_scopes ? new Set(carried.target_scopes) : null,
    samlAttributes: carried.saml_attributes || {}, samlChanges: carried.saml_changes || 0,
    deadlineMs: msg.deadline_ms, runId: msg.id, http: msg.http || {},
  };
  const deadlineAt = started + msg.deadline_ms;
  let last = null;
  for (let index = 0; index < msg.actions.length; index += 1) {
    const spec = msg.actions[index];
    const isLast = index === msg.actions.length - 1;
    // exact_event: the caller already built (and perhaps edited) the event this action must see.
    const exact = Boolean(msg.exact_event && index === 0);
    const result = await runAction(trigger, spec, base, shared, clock, deadlineAt,
      { exact, external: Boolean(msg.debug) });
    last = result;
    if (result.error || result.effects.length || isLast) break;
    // Streamed as each action ends, so that a host killed later in the chain loses nothing before it;
    // the chain's last result rides with the final message (one write less per chain).
    send({ type: 'action', id: msg.id, index, result });
  }
  const retire = pollution && pollution.fatal;
  return { type: 'result', last, cache: Object.fromEntries(shared.cache), state: chainState(shared),
    ...(retire ? { retire: true } : {}) };
}

function chainState(shared) {
  return {
    pending_metadata: { app_metadata: snapshot(shared.pendingMetadata.app_metadata),
      user_metadata: snapshot(shared.pendingMetadata.user_metadata) },
    transaction_metadata: shared.txMetadata, scope_adds: shared.scopeAdds, once: [...shared.once],
    ...(shared.targetScopes ? { target_scopes: [...shared.targetScopes] } : {}),
    saml_attributes: shared.samlAttributes, saml_changes: shared.samlChanges,
  };
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
  return { type: 'event', event: eventFor(msg.event || {}, { secrets: msg.secrets }, shared) };
}

async function handle(msg) {
  if (msg.v !== PROTOCOL) {
    send({ type: 'error', id: msg.id, message: `unsupported protocol version ${msg.v}` });
    return;
  }
  switch (msg.type) {
    case 'configure':
      for (const record of msg.triggers) triggers.set(record.id, compileTrigger(record));
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
      const expire = expirers.get(msg.run);
      if (expire) expire();
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
