'use strict';
/**
 * The long-lived Node host of one tenant. Protocol (v1): newline-delimited JSON; requests arrive on
 * stdin, replies leave on the file descriptor given as argv[2], a channel user code is never handed
 * (its console and stdout are captured per invocation, see console.js). Every message carries
 * `v`, `type` and, for request/reply pairs, `id`.
 *
 *   configure {triggers}       -> ready {node, pid}
 *   run {trigger, event, actions:[{key,name,filename,code,handler,secrets,deps_dir}], cache, now,
 *        deadline_ms}          -> action {index, result} for each action but the last one run, then
 *                                 result {last, cache, state}
 *   (run may carry `state` from an earlier partial run, `exact_event` to use the event as given, and
 *    `http` {mode: live|record|stub|replay, stubs} for outbound calls; see http.js)
 *   preview {trigger, event, state, secrets} -> event {event}: what the next action of a chain would see
 *   check {code, filename}     -> checked {error}: a syntax error with its line, or null
 *   ping                       -> pong
 *   anything else              -> error {message}
 *
 * A chain runs its actions in order with Auth0's state passing (spec §2.1) and stops after an action
 * that failed or recorded a STOP/SUSPEND command. Async hangs are cut at the deadline here; a host that
 * cannot answer at all (a synchronous loop) is killed by Python.
 */
const fs = require('fs');
const consoleCapture = require('./console');
const httpCapture = require('./http');
const loader = require('./loader');
const { compileTrigger, buildApi } = require('./api');
const { snapshot } = require('./snapshot');

const PROTOCOL = 1;
const OUT_FD = Number(process.argv[2]);
process.argv.splice(2); // user code is not told where the protocol channel is
const triggers = new Map();

function send(msg) {
  fs.writeSync(OUT_FD, `${JSON.stringify({ v: PROTOCOL, ...msg })}\n`);
}

consoleCapture.install();
httpCapture.install();
httpCapture.ensureStubServer();
// Node 18 flags fetch as experimental; Auth0's runtimes do not, so that warning is not the action's.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'ExperimentalWarning' && /fetch/i.test(w.message)) return;
  const store = consoleCapture.als.getStore();
  if (store && store.logs) store.logs.push('warn', `${w.name}: ${w.message}`);
});

// An action that calls process.exit() takes the host down, as it would crash Auth0's sandbox; say so
// first so that Python can report it as that action's result rather than as a mystery.
const realExit = process.exit.bind(process);
process.exit = (code) => {
  const store = consoleCapture.als.getStore();
  send({ type: 'note', id: store ? store.runId : null, message: `process.exit(${code === undefined ? '' : code}) was called` });
  realExit(code);
};

process.on('uncaughtException', (err) => {
  const store = consoleCapture.als.getStore();
  if (store && store.fail) store.fail(err);
  else process.stderr.write(`uncaught exception outside any action: ${err && err.stack}\n`);
});
process.on('unhandledRejection', (err) => {
  const store = consoleCapture.als.getStore();
  if (store && store.logs) store.logs.push('error', `Unhandled promise rejection: ${err && err.stack ? err.stack : err}`);
});

/** A copy of plain JSON data; several times faster than structuredClone for events. */
function clone(value) {
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value)) out[k] = clone(value[k]);
    return out;
  }
  return value;
}

// The last action of a chain may take the parsed event itself: nothing runs after it.
function eventFor(base, spec, shared, last) {
  const event = last ? base : clone(base);
  event.secrets = { ...(spec.secrets || {}) };
  event.configuration = event.configuration || {};
  if (event.user) {
    for (const field of ['app_metadata', 'user_metadata']) {
      const pending = shared.pendingMetadata[field];
      if (Object.keys(pending).length === 0) continue;
      const merged = { ...(event.user[field] || {}) };
      for (const [k, v] of Object.entries(pending)) {
        if (v === null) delete merged[k];
        else if (v !== undefined) merged[k] = clone(v);
      }
      event.user[field] = merged;
    }
  }
  if (event.transaction && 'metadata' in event.transaction) event.transaction.metadata = { ...shared.txMetadata };
  return event;
}

const TIMEOUT = Symbol('timeout');

async function runAction(trigger, spec, event, shared, now, deadlineAt) {
  const handlerName = spec.handler || trigger.handlers[0];
  const ctx = { trigger, handler: handlerName, event, shared, now, commands: [], effects: [], interaction: null,
    metadataState: {}, closed: false };
  const logs = new consoleCapture.LogBuffer(now);
  const t0 = performance.now();
  let loadMs = 0;
  let error = null;
  let timer;
  let failAsync;
  const failed = new Promise((_, reject) => { failAsync = reject; });
  const http = { mode: shared.http.mode || 'live', stubs: shared.http.stubs || [], secrets: spec.secrets || {},
    calls: [] };
  const store = { logs, fail: (err) => failAsync(err), runId: shared.runId, http };
  const work = consoleCapture.als.run(store, async () => {
    const mod = loader.get(spec);
    loadMs = loader.init(mod);
    const fn = loader.handler(mod, trigger.handlers, handlerName);
    return fn(event, buildApi(trigger, ctx));
  });
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(TIMEOUT), Math.max(0, deadlineAt - performance.now()));
  });
  work.catch(() => {});
  failed.catch(() => {});
  try {
    await Promise.race([work, timeout, failed]);
  } catch (err) {
    error = err === TIMEOUT
      ? { name: 'Error', message: `Execution of the action exceeded the ${shared.deadlineMs} ms limit.`,
        stack: '', line: null, column: null, class: 'action_timeout' }
      : loader.describeError(err, spec.filename);
  } finally {
    clearTimeout(timer);
    ctx.closed = true;
    logs.closed = true;
  }
  const total = performance.now() - t0;
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
  const started = performance.now();
  // The emulator's clock: a time Python fixes for the whole execution (its fake clock, deterministic
  // runs), or the real one.
  const now = typeof msg.now === 'number' ? () => msg.now : () => Date.now();
  const base = msg.event || {};
  // Chain state carried between actions; a stepped chain (one action per request) passes it back in.
  const carried = msg.state || {};
  const shared = {
    cache: new Map(Object.entries(msg.cache || {})),
    pendingMetadata: carried.pending_metadata || { app_metadata: {}, user_metadata: {} },
    txMetadata: carried.transaction_metadata || { ...((base.transaction && base.transaction.metadata) || {}) },
    scopeAdds: carried.scope_adds || 0, once: new Set(carried.once || []),
    samlAttributes: carried.saml_attributes || {}, samlChanges: carried.saml_changes || 0,
    deadlineMs: msg.deadline_ms, runId: msg.id, http: msg.http || {},
  };
  const deadlineAt = started + msg.deadline_ms;
  let last = null;
  for (let index = 0; index < msg.actions.length; index += 1) {
    const spec = msg.actions[index];
    const isLast = index === msg.actions.length - 1;
    // exact_event: the caller already built (and perhaps edited) the event this action must see.
    const event = msg.exact_event && index === 0 ? base : eventFor(base, spec, shared, isLast);
    const result = await runAction(trigger, spec, event, shared, now, deadlineAt);
    last = result;
    if (result.error || result.effects.length || isLast) break;
    // Streamed as each action ends, so that a host killed later in the chain loses nothing before it;
    // the chain's last result rides with the final message (one write less per chain).
    send({ type: 'action', id: msg.id, index, result });
  }
  return { type: 'result', last, cache: Object.fromEntries(shared.cache), state: chainState(shared) };
}

function chainState(shared) {
  return {
    pending_metadata: { app_metadata: snapshot(shared.pendingMetadata.app_metadata),
      user_metadata: snapshot(shared.pendingMetadata.user_metadata) },
    transaction_metadata: shared.txMetadata, scope_adds: shared.scopeAdds, once: [...shared.once],
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
  return { type: 'event', event: eventFor(msg.event || {}, { secrets: msg.secrets }, shared, false) };
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
