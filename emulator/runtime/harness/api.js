'use strict';
/**
 * Builds a trigger's `api` object from its registry record (sent by Python at start-up). Every call is
 * guarded, validated, handed to its behaviour (if any) and recorded as a command
 * `{name, args, result?, error?}` in call order. The recorder knows nothing of what a command means.
 */
const { check } = require('./validate');
const { BEHAVIORS } = require('./behaviors');
const { snapshot } = require('./snapshot');

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
  interaction(ctx, method) {
    const kind = method.path === 'prompt.render' ? 'render' : 'redirect';
    if (ctx.interaction && ctx.interaction !== kind) {
      throw new Error('Redirect and render commands cannot be used in the same action.');
    }
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

/**
 * Run one api call for the action and record it. Returns what the realm's bridge turns into the call's
 * result: `{ok, kind, json, wait}`, or `{ok: false, error}` for a call that threw. Values go back as
 * JSON, so the action gets objects of its own realm.
 */
function callMethod(ctx, method, rawArgs) {
  const kind = method.returns;
  if (!ctx) return { ok: true, kind: kind === 'chain' ? 'chain' : 'void', json: undefined, wait: undefined };
  if (ctx.closed) {
    // The handler already returned (or timed out): Auth0 ignores the call. Its result is reported
    // already, so this goes where late output goes (noted once in the host's output).
    ctx.logs.push('warn', `api.${method.path}() was called after the action ended; it was ignored.`);
    return { ok: true, kind: kind === 'chain' ? 'chain' : 'void', json: undefined, wait: undefined };
  }
  const cmd = { name: method.path, args: snapshot(apply(arraySlice, rawArgs, [0, Math.max(method.args.length, rawArgs.length)])) };
  ctx.commands.push(cmd);
  try {
    for (const g of method.guardFns) g(ctx, method);
    const args = method.args.map((a, i) => {
      const v = rawArgs[i];
      if (a.optional && v === undefined) return v;
      return check(a.rule, v, a.name);
    });
    let value;
    if (method.behavior) value = method.behavior(ctx, args, cmd);
    if (method.guards.includes('once')) ctx.shared.once.add(method.path);
    if (method.effect) ctx.effects.push(method.path);
    if (kind === 'promise') {
      const wait = (done) => {
        apply(promiseThen, Promise.resolve(value), [(v) => {
          cmd.result = snapshot(v);
          done({ ok: true, json: json(v) });
        }, (err) => {
          cmd.error = String(err && err.message);
          done({ ok: false, error: errorRecord(err) });
        }]);
      };
      return { ok: true, kind, json: undefined, wait };
    }
    if (kind === 'value') {
      cmd.result = snapshot(value);
      return { ok: true, kind, json: json(value), wait: undefined };
    }
    return { ok: true, kind, json: undefined, wait: undefined };
  } catch (err) {
    cmd.error = String(err && err.message);
    return { ok: false, error: errorRecord(err) };
  }
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

module.exports = { compileTrigger, buildApi };
