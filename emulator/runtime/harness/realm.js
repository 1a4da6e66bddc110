'use strict';
/**
 * A realm of its own for each action version (a `vm` context, as Auth0's own package uses node:vm):
 * its own Object, Array, JSON and Promise, so what an action does to its built-ins stays in its realm
 * and never changes how the harness records, or how another action runs. Node's globals (process,
 * Buffer, timers, fetch, console) are handed in as they are in a module.
 *
 * Everything the action touches that the harness makes (its `event`, `api`, `module`, `require` and the
 * errors `api` throws) is built inside the realm by a small bridge compiled there before any user code,
 * from intrinsics it captured then. So the objects an action is given lead to no harness object, and
 * an action that patches its realm's Object.prototype or Promise cannot reach into the bridge either.
 */
const vm = require('vm');
const { isNativeError } = require('util').types;

// Node's own globals a module sees that a bare V8 context lacks (computed once, after the harness
// installed its console and fetch capture).
let nodeGlobals = null;

function globalsToCopy() {
  if (!nodeGlobals) {
    const bare = vm.runInContext('Object.getOwnPropertyNames(globalThis)', vm.createContext({}),
      { filename: 'node:actions-emulator/globals' });
    nodeGlobals = Object.getOwnPropertyNames(globalThis).filter((n) => !bare.includes(n) && n !== 'global');
    nodeGlobals.push('console');
  }
  return nodeGlobals;
}

const BRIDGE_URL = 'node:actions-emulator/bridge';
// Compiled in the realm before any user code; it keeps what it needs in its closure.
const BRIDGE = `'use strict';
(function (host) {
  const JSONparse = JSON.parse;
  const { defineProperty, getOwnPropertyDescriptor, create, freeze } = Object;
  const P = Promise;
  const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];
  const apply = Reflect.apply;
  const realmErrors = create(null);
  for (const C of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
    realmErrors[C.name] = C;
  }
  const own = (value) => ({ value, writable: true, enumerable: true, configurable: true });

  // Values made by Node's modules and the harness come from the host's realm; keep instanceof true for
  // them (an action's "err instanceof Error" after a failed fetch), as it is for code run as a module.
  for (const name of host.crossRealm) {
    const local = globalThis[name];
    const foreign = host.foreign[name];
    defineProperty(local, Symbol.hasInstance, { configurable: true, value: function (v) {
      if (apply(ordinaryHasInstance, this, [v])) return true;
      return this === local && apply(ordinaryHasInstance, foreign, [v]);
    } });
  }

  function toRealmError(e) {
    const C = realmErrors[e.name] || Error;
    const err = new C(e.message);
    if (!realmErrors[e.name]) defineProperty(err, 'name', own(e.name));
    if (e.code !== undefined) defineProperty(err, 'code', own(e.code));
    return err;
  }
  const parse = (json) => (json === undefined ? undefined : JSONparse(json));

  function settle(r, api) {
    if (!r.ok) throw toRealmError(r.error);
    if (r.kind === 'chain') return api;
    if (r.kind === 'value') return parse(r.json);
    if (r.kind === 'promise') {
      return new P((resolve, reject) => r.wait((x) => (x.ok ? resolve(parse(x.json)) : reject(toRealmError(x.error)))));
    }
    return undefined;
  }

  return freeze({
    parse,
    module() {
      const module = {};
      defineProperty(module, 'exports', own({}));
      return module;
    },
    // layout: [[name, ...], ...] method paths; call(i, args) runs method i in the harness.
    api(layout, call) {
      const api = {};
      for (let i = 0; i < layout.length; i += 1) {
        const path = layout[i];
        let target = api;
        for (let k = 0; k < path.length - 1; k += 1) {
          let d = getOwnPropertyDescriptor(target, path[k]);
          if (!d) {
            defineProperty(target, path[k], own({}));
            d = getOwnPropertyDescriptor(target, path[k]);
          }
          target = d.value;
        }
        const index = i;
        defineProperty(target, path[path.length - 1], own(function (...args) { return settle(call(index, args), api); }));
      }
      return api;
    },
    require(load) {
      const convert = (fn) => function (...args) {
        const r = fn(args);
        if (!r.ok) throw toRealmError(r.error);
        return r.value;
      };
      const require = convert(load.require);
      defineProperty(require, 'resolve', own(convert(load.resolve)));
      return require;
    },
  });
})`;

const CROSS_REALM = ['Object', 'Function', 'Array', 'Error', 'TypeError', 'RangeError', 'SyntaxError',
  'ReferenceError', 'Promise', 'RegExp', 'Date', 'Map', 'Set', 'WeakMap', 'WeakSet', 'ArrayBuffer', 'Uint8Array'];

/** A harness-side description of a thrown error that the bridge turns into an error of the realm. */
function errorRecord(err) {
  if (isNativeError(err)) {
    return { name: String(err.name), message: String(err.message), code: err.code === undefined ? undefined : err.code };
  }
  return { name: 'Error', message: String(err) };
}

/** Make the realm for one action version. `label` names it in a debugger's context list. */
function create(label) {
  const context = vm.createContext({}, { name: label });
  // Harness scripts compiled at run time are named node:actions-emulator/…, so that a debugger's skip
  // patterns for Node's internals (VS Code's <node_internals>) skip them too, not "evalmachine.<anonymous>".
  const global = vm.runInContext('globalThis', context, { filename: 'node:actions-emulator/realm' });
  for (const name of globalsToCopy()) {
    const desc = Object.getOwnPropertyDescriptor(globalThis, name);
    if (desc) Object.defineProperty(global, name, desc);
  }
  Object.defineProperty(global, 'global', { value: global, writable: true, configurable: true, enumerable: false });
  const foreign = {};
  for (const name of CROSS_REALM) foreign[name] = globalThis[name];
  const bridge = vm.runInContext(BRIDGE, context, { filename: BRIDGE_URL })({ crossRealm: CROSS_REALM, foreign });
  return { context, global, bridge };
}

/** The realm's `require`: a function of the realm that resolves through the host's module loader. */
function realmRequire(realm, hostRequire) {
  const guard = (fn) => (args) => {
    try {
      return { ok: true, value: fn(...args) };
    } catch (err) {
      return { ok: false, error: errorRecord(err) };
    }
  };
  return realm.bridge.require({ require: guard(hostRequire), resolve: guard(hostRequire.resolve) });
}

module.exports = { create, realmRequire, errorRecord, BRIDGE_URL };
