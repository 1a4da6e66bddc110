'use strict';
/**
 * Builds a trigger's `api` object from its registry record (sent by Python at start-up). Every call is
 * guarded, validated, handed to its behaviour (if any) and recorded as a command
 * `{name, args, result?, error?}` in call order. The recorder knows nothing of what a command means.
 */
const { check } = require('./validate');
const { BEHAVIORS } = require('./behaviors');
const { snapshot } = require('./snapshot');
const { checkCodec } = require('./schema');

const CONFLICT = 'Redirect and render commands cannot be used in the same action.';
// A guard throws to fail the call, or returns ABORT after ending the action (Auth0's `abort()`: the
// action fails where it stands, with no error it could catch).
const ABORT = Symbol('abort');

const GUARDS = {
  continue_only(ctx, method) {
    if (!ctx.handler.startsWith('onContinue')) {
      throw new Error(`api.${method.path}() can only be used in ${ctx.trigger.continueHandler || 'onContinue'}.`);
    }
  },
  once(ctx, method) {
    if (ctx.shared.once.has(method.path)) {
      throw new Error('The primary user can only be altered once per transaction');
    }
  },
  render_conflict(ctx) {
    if (ctx.interaction === 'redirect') return ctx.abort(CONFLICT);
    if (ctx.interaction === 'render') return ctx.abort('Only 1 render command per action is allowed.');
    return undefined;
  },
  redirect_conflict(ctx) {
    return ctx.interaction === 'render' ? ctx.abort(CONFLICT) : undefined;
  },
  // In Auth0's runtime behind a feature flag (Early Access): without it the method throws this, whatever
  // its arguments (the flag is off for every tenant until Auth0 makes the method generally available).
  not_implemented() {
    throw new Error('Method not implemented.');
  },
  // Auth0 refuses most refresh-token calls on an online token before looking at the arguments.
  refresh_token_offline(ctx, method) {
    const rt = ctx.event.refresh_token;
    if (rt && rt.access === 'online') throw new Error(`Cannot call ${method.key} on an online refresh token.`);
  },
};

/** Prepare a trigger record once: resolve behaviours and guards, group methods by namespace. */
function compileTrigger(record) {
  const methods = record.api.map((m) => {
    const behavior = m.behavior ? BEHAVIORS[m.behavior] : null;
    if (m.behavior && !behavior) throw new Error(`emulator registry: no behaviour ${m.behavior}`);
    const guards = m.guards.map((g) => {
      if (!GUARDS[g]) throw new Error(`emulator registry: no guard ${g}`);
      return GUARDS[g];
    });
    const dot = m.path.lastIndexOf('.');
    return { ...m, behavior, guardFns: guards, ns: dot < 0 ? null : m.path.slice(0, dot),
      key: m.path.slice(dot + 1) };
  });
  return {
    id: record.id,
    handlers: record.handlers,
    continueHandler: record.handlers.find((h) => h.startsWith('onContinue')),
    stopPaths: new Set(record.api.filter((m) => m.effect).map((m) => m.path)),
    methods,
  };
}

const { errorRecord } = require('./realm');

const { apply } = Reflect;
const arraySlice = Array.prototype.slice;
const promiseThen = Promise.prototype.then;
const stringify = JSON.stringify;
const json = (v) => (v === undefined ? undefined : stringify(snapshot(v)));
const done = (kind) => ({ ok: true, kind: kind === 'chain' ? 'chain' : 'void', json: undefined, wait: undefined });

/** Guards, argument rules, Auth0's schema, then the behaviour: what the call returns, or a throw. */
function evaluate(ctx, method, rawArgs, cmd) {
  for (const g of method.guardFns) {
    if (g(ctx, method) === ABORT) return ABORT;
  }
  const args = method.args.map((a, i) => {
    const v = rawArgs[i] === undefined && a.default !== undefined ? a.default : rawArgs[i];
    if (a.optional && v === undefined) return v;
    return check(a.rule, v, a.name);
  });
  if (!(method.behavior && method.behavior.ownsCodec)) checkCodec(method.codec, args);
  const value = method.behavior ? method.behavior(ctx, args, cmd, method) : undefined;
  if (method.guards.includes('once')) ctx.shared.once.add(method.path);
  if (method.effect) ctx.effects.push(method.path);
  return value;
}

/**
 * Run one api call for the action and record it. Returns what the realm's bridge turns into the call's
 * result: `{ok, kind, json, wait}`, or `{ok: false, error}` for a call that threw. Values go back as
 * JSON, so the action gets objects of its own realm. An async method never throws: whatever goes
 * wrong, checks included, rejects its promise, as Auth0's async methods do.
 */
function callMethod(ctx, method, rawArgs) {
  const kind = method.returns;
  if (!ctx) return done(kind);
  if (ctx.closed) {
    ctx.ignored(method.path); // the handler already returned (or timed out): Auth0 ignores the call
    return done(kind);
  }
  const cmd = { name: method.path, args: snapshot(apply(arraySlice, rawArgs, [0, Math.max(method.args.length, rawArgs.length)])) };
  // Numbered by a counter, not by the array's length: the record that leaves the isolate (ctx.record)
  // does not depend on anything the action can reach.
  const index = ctx.seq || 0;
  ctx.seq = index + 1;
  ctx.commands[index] = cmd;
  // An async call leaves the isolate now, and its result when it settles; a synchronous one leaves
  // whole when it returns (before the action runs another statement), one message instead of two.
  const async = kind === 'promise';
  if (async && ctx.record) ctx.record(index, cmd);
  const settled = () => {
    if (!ctx.settle) return;
    if (async) ctx.settle(index, cmd);
    else ctx.record(index, cmd);
  };
  let value;
  try {
    value = evaluate(ctx, method, rawArgs, cmd);
  } catch (err) {
    cmd.error = String(err && err.message);
    if (kind !== 'promise') {
      settled();
      return { ok: false, error: errorRecord(err) };
    }
    value = Promise.reject(err);
  }
  if (value === ABORT) {
    cmd.error = ctx.aborted;
    settled();
    return done(kind);
  }
  if (kind === 'promise') {
    const wait = (reply) => {
      apply(promiseThen, Promise.resolve(value), [(v) => {
        cmd.result = snapshot(v);
        settled();
        reply({ ok: true, json: json(v) });
      }, (err) => {
        cmd.error = String(err && err.message);
        settled();
        reply({ ok: false, error: errorRecord(err) });
      }]);
    };
    return { ok: true, kind, json: undefined, wait };
  }
  if (kind === 'value') cmd.result = snapshot(value);
  settled();
  if (kind === 'value') return { ok: true, kind, json: json(value), wait: undefined };
  return done(kind);
}

/**
 * The action's `api`, made in its realm once per trigger and reused: each method finds the invocation
 * it belongs to through the async context (`current()`), so a call from a timer the action left running
 * is attributed to the invocation that started it.
 */
function buildApi(compiled, realm, current) {
  if (!realm.apis) realm.apis = new Map();
  let api = realm.apis.get(compiled.id);
  if (!api) {
    const layout = compiled.methods.map((m) => m.path.split('.'));
    api = realm.bridge.api(layout, (index, args) => callMethod(current(), compiled.methods[index], args));
    realm.apis.set(compiled.id, api);
  }
  return api;
}

module.exports = { compileTrigger, buildApi, ABORT };
