'use strict';
/**
 * One invocation of one action version: the code that runs inside the action's isolate (isolate.js), and
 * in the main thread of a debugging host (host.js), which keeps actions in realms so that one inspector
 * target shows them. The chain's state (`shared`) is plain data here; `wire`/`unwire` carry it across
 * the isolate boundary as a copy, never as a shared object.
 *
 * The invocation's record leaves as it is made: `hooks.record(cmd)` is told of each api call the
 * moment it is made and `hooks.settle(index, cmd)` when its result is known, so whatever the action does
 * afterwards cannot erase or rewrite a call already made.
 */
const consoleCapture = require('./console');
const loader = require('./loader');
const { buildApi, ABORT } = require('./api');
const { snapshot } = require('./snapshot');

const IGNORED_CALL = '[ignored api call] '; // host.py reads this prefix

/**
 * An api call after the action ended: Auth0 ignores it. Said on the thread's stderr with the run's id, so
 * that the emulator shows it with that run while it is still going (never with another run's).
 */
function ignoredCall(write, runId, name) {
  return (path) => write(`${IGNORED_CALL}${runId} ${name}: api.${path}() was called after the action ended; `
    + 'Auth0 ignores it.\n');
}

const { apply } = Reflect;
const stringify = JSON.stringify;
const HPromise = Promise;
const promiseThen = Promise.prototype.then;
const setTimer = setTimeout;
const clearTimer = clearTimeout;
const mono = performance.now.bind(performance); // bound now: an action may replace Performance's methods
const round = (ms) => Math.round(ms * 1000) / 1000;

// Runs in flight by request id: how the caller ends one from outside (a debug run's deadline, which
// counts running time only, is kept by Python).
const expirers = new Map();
// A debug run's handler promise carries no rejection handler of the harness (see runAction), so that
// V8 counts an exception leaving the action as uncaught; host.js finds its finish() here.
const debugRuns = new WeakMap();

// --inspect-brk: the emulator's debugger sets this flag on the debugging host's global (Runtime.evaluate),
// and the next handler called stops at its first statement, once (entryGate).
const BREAK_ON_ENTRY = Symbol.for('actions-emulator.break-on-entry');

/**
 * --inspect-brk: before the handler is called, hand it to the emulator's debugger (a global it reads with
 * Runtime.evaluate) and wait until it has set a breakpoint on the function's call (V8's
 * setBreakpointOnFunctionCall), which stops at the handler's first statement. `ask(done)` tells Python
 * (host.js); `done` runs when Python answers.
 */
const ENTRY_FUNCTION = Symbol.for('actions-emulator.entry-function');

function entryGate(fn, ask) {
  delete globalThis[BREAK_ON_ENTRY];
  globalThis[ENTRY_FUNCTION] = fn;
  return new HPromise((resolve) => ask(() => {
    delete globalThis[ENTRY_FUNCTION];
    resolve();
  }));
}

/** The chain state a run starts with: carried from an earlier partial run, or fresh. */
function newShared(msg) {
  const base = msg.event || {};
  const carried = msg.state || {};
  return {
    cache: new Map(Object.entries(msg.cache || {})),
    pendingMetadata: carried.pending_metadata || { app_metadata: {}, user_metadata: {} },
    txMetadata: carried.transaction_metadata || { ...((base.transaction && base.transaction.metadata) || {}) },
    scopeAdds: carried.scope_adds || 0, once: new Set(carried.once || []),
    // The target scopes once an action changed them (credentials-exchange), else null.
    targetScopes: carried.target_scopes ? new Set(carried.target_scopes) : null,
    samlAttributes: carried.saml_attributes || {}, samlChanges: carried.saml_changes || 0,
    deadlineMs: msg.deadline_ms, runId: msg.id, http: msg.http || {}, cacheDirty: false,
  };
}

/** `shared` as structured-clone data (Maps and Sets as arrays), and back. */
function wire(shared) {
  return { ...shared, cache: [...shared.cache], once: [...shared.once],
    targetScopes: shared.targetScopes ? [...shared.targetScopes] : null };
}

function unwire(data) {
  return { ...data, cache: new Map(data.cache), once: new Set(data.once),
    targetScopes: data.targetScopes ? new Set(data.targetScopes) : null };
}

/** The event an action receives: the chain's base event with its own secrets and the chain's changes. */
function eventFor(base, secrets, shared) {
  const event = { ...base, secrets: { ...(secrets || {}) }, configuration: base.configuration || {} };
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

/**
 * The first action's event as JSON, for a chain with nothing carried: eventFor's result without copying
 * the event. The action's secrets (and an empty configuration) are appended as later keys, which JSON.parse
 * lets win while keeping each key where the event had it.
 */
function firstEventJson(base, secrets) {
  const json = stringify(base);
  const extra = `"secrets":${stringify(secrets || {})}${base.configuration ? '' : ',"configuration":{}'}`;
  return json === '{}' ? `{${extra}}` : `${json.slice(0, -1)},${extra}}`;
}

/** Every secret value this action can reach (its own and its modules'), for masking captured HTTP. */
function secretValues(spec) {
  const out = {};
  for (const m of spec.modules || []) Object.assign(out, m.secrets || {});
  return Object.assign(out, spec.secrets || {});
}

const currentCtx = () => {
  const store = consoleCapture.currentStore();
  return store && store.ctx ? store.ctx : null;
};

/**
 * Run one action on `eventJson` (the event it receives, as JSON). The outcome is decided by the
 * harness's own promise, settled through the `then` it captured at start-up: an action that patches
 * Promise cannot make a never-settling handler look complete.
 *
 * hooks: record(cmd) -> index, settle(index, cmd), log(entry), ignored(path) for an api call after the
 * action ended, restore() -> {changed, fatal} run once the action ended, tainted(changed, fatal) -> the
 * console line that says so.
 */
async function runAction(trigger, spec, eventJson, shared, clock, deadlineAt, { external, hooks }) {
  const handlerName = spec.handler || trigger.handlers[0];
  const logs = new consoleCapture.LogBuffer(clock, hooks.log);
  logs.owner = spec.name;
  const ctx = { trigger, handler: handlerName, event: null, shared, now: clock, commands: [], effects: [],
    interaction: null, metadataState: {}, closed: false, logs, aborted: null, ignored: hooks.ignored,
    record: hooks.record, settle: hooks.settle };
  const t0 = mono();
  let loadMs = 0;
  let timer = null;
  const stores = [];
  const http = { mode: shared.http.mode || 'live', stubs: shared.http.stubs || [], secrets: secretValues(spec),
    calls: [], debug: external, local: shared.http.local || null };
  let restored = null;
  const pendingOutcome = new HPromise((resolve) => {
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      // Put the built-ins back before anything else runs, synchronously, here: even the `await` below
      // reads Promise.prototype.constructor and `then`, which an escaped action may have replaced.
      restored = hooks.restore();
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
        ctx.event = mod.realm.bridge.parse(eventJson);
        loadMs = loader.init(mod);
        const fn = loader.handler(mod, trigger.handlers, handlerName);
        const call = () => {
          try {
            const pending = fn(ctx.event, buildApi(trigger, mod.realm, currentCtx));
            if (external) {
              // Debugging: "pause on uncaught exceptions" must stop where an exception leaves the action,
              // so no rejection handler is attached here; the rejection reaches 'unhandledRejection'.
              debugRuns.set(apply(promiseThen, pending, [() => finish({ ok: true })]), finish);
            } else {
              apply(promiseThen, pending, [() => finish({ ok: true }), (err) => finish({ error: err })]);
            }
          } catch (err) {
            finish({ error: err });
          }
        };
        if (external && hooks.entry && globalThis[BREAK_ON_ENTRY]) apply(promiseThen, entryGate(fn, hooks.entry), [call]);
        else call();
      } catch (err) {
        finish({ error: err });
      }
    });
  });
  // The handler's synchronous part has run: Promise.prototype is put back before the `await` below reads
  // its constructor (the rest is put back once the action ends, in finish()).
  const early = hooks.restore('Promise.prototype');
  const outcome = await pendingOutcome;
  const changed = [...new Set([...early.changed, ...restored.changed])];
  const fatal = early.fatal || restored.fatal;
  if (timer) apply(clearTimer, globalThis, [timer]);
  for (const store of stores) consoleCapture.running.delete(store);
  expirers.delete(shared.runId);
  ctx.closed = true;
  logs.closed = true;
  if (changed.length) {
    logs.closed = false;
    logs.push('warn', hooks.tainted(changed, fatal));
    logs.closed = true;
  }
  let error = null;
  if (outcome.timeout) {
    error = timeoutError(shared.deadlineMs);
  } else if (!outcome.ok) {
    error = loader.describeError(outcome.error, spec.filename);
  }
  const total = mono() - t0;
  return {
    result: {
      name: spec.name, handler: handlerName, commands: ctx.commands, logs: logs.entries, http: http.calls,
      logs_truncated: logs.truncated, error, effects: ctx.effects,
      timings: { load_ms: round(loadMs), run_ms: round(total - loadMs), total_ms: round(total) },
    },
    tainted: changed.length > 0,
    fatal,
  };
}

function timeoutError(deadlineMs, extra = '') {
  return { name: 'Error', message: `Execution of the action exceeded the ${deadlineMs} ms limit.${extra}`,
    stack: '', line: null, column: null, class: 'action_timeout' };
}

/** What a stepped chain carries into its next request. */
function chainState(shared) {
  return {
    pending_metadata: { app_metadata: snapshot(shared.pendingMetadata.app_metadata),
      user_metadata: snapshot(shared.pendingMetadata.user_metadata) },
    transaction_metadata: shared.txMetadata, scope_adds: shared.scopeAdds, once: [...shared.once],
    ...(shared.targetScopes ? { target_scopes: [...shared.targetScopes] } : {}),
    saml_attributes: shared.samlAttributes, saml_changes: shared.samlChanges,
  };
}

module.exports = { runAction, newShared, wire, unwire, eventFor, firstEventJson, chainState, timeoutError, ignoredCall,
  expirers, debugRuns };
