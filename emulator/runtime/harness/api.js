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

function callMethod(ctx, api, method, rawArgs) {
  if (ctx.closed) return method.returns === 'chain' ? api : undefined; // the action already timed out
  const cmd = { name: method.path, args: snapshot(rawArgs.slice(0, Math.max(method.args.length, rawArgs.length))) };
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
    if (method.returns === 'promise') {
      return Promise.resolve(value).then((v) => {
        cmd.result = snapshot(v);
        return v;
      }, (err) => {
        cmd.error = String(err && err.message);
        throw err;
      });
    }
    if (method.returns === 'value') cmd.result = snapshot(value);
    return method.returns === 'chain' ? api : method.returns === 'value' ? value : undefined;
  } catch (err) {
    cmd.error = String(err && err.message);
    throw err;
  }
}

function buildApi(compiled, ctx) {
  const api = {};
  for (const method of compiled.methods) {
    let target = api;
    if (method.ns) target = api[method.ns] || (api[method.ns] = {});
    target[method.key] = (...args) => callMethod(ctx, api, method, args);
  }
  return api;
}

module.exports = { compileTrigger, buildApi };
