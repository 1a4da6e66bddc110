'use strict';
/**
 * Loads action code the way Auth0's runtime does (spec §2.5): compiled once per version (keyed by a
 * hash Python computes from code + dependencies), its module scope kept alive between invocations, its
 * top level run lazily on the first invocation (so top-level console output is captured there), and an
 * error thrown at load re-thrown on every later invocation. Line numbers in errors are the user's own:
 * the code is compiled as a function body with no wrapper lines.
 */
const path = require('path');
const util = require('util');
const vm = require('vm');
const { createRequire } = require('module');
const realms = require('./realm');

const HARNESS_DIR = __dirname;
const modules = new Map();
// Where `require` resolves from when an action declares no dependencies: a folder with no
// node_modules, so only Node's built-in modules resolve, as in Auth0.
const NO_DEPS_BASE = path.join(path.parse(HARNESS_DIR).root, 'actions-emulator-no-dependencies', 'action.js');

function get(spec) {
  let mod = modules.get(spec.key);
  if (!mod) {
    mod = compile(spec);
    modules.set(spec.key, mod);
  }
  return mod;
}

function compile(spec) {
  // Each version gets its own realm (see realm.js); its module scope lives as long as the version does.
  const realm = realms.create(`${spec.name} (${spec.filename})`);
  const mod = { filename: spec.filename, realm, module: realm.bridge.module(), initialized: false, error: null,
    fn: null };
  const base = spec.deps_dir ? path.join(spec.deps_dir, 'action.js') : NO_DEPS_BASE;
  mod.require = realms.realmRequire(realm, withModules(realm, createRequire(base), spec.modules || []));
  try {
    mod.fn = vm.compileFunction(spec.code, ['exports', 'require', 'module', '__filename', '__dirname'], {
      filename: spec.filename, parsingContext: realm.context,
    });
  } catch (err) {
    mod.error = err; // a syntax error: reported on every invocation, like a throw at load
    mod.initialized = true;
  }
  return mod;
}

/**
 * The action's require with its pinned Actions Modules (`require('actions:<name>')`), as Auth0's own
 * loader registers them: each is compiled in the action's realm on its first require, with its own
 * require (its own npm dependencies) and its secrets as the pseudo-global `actions.secrets`, then cached,
 * a throw at load included. A module's own require is plain Node's, so `require('actions:x')` inside a
 * module fails with Node's "Cannot find module": modules cannot require modules. An unpinned
 * `actions:` name falls through to Node and fails the same way.
 */
function withModules(realm, baseRequire, modules) {
  if (!modules.length) return baseRequire;
  const loaders = new Map(modules.map((m) => [`actions:${m.name}`, moduleLoader(realm, m)]));
  const req = (request) => {
    const load = loaders.get(request);
    return load ? load() : baseRequire(request);
  };
  req.resolve = (request, options) => (loaders.has(request) ? request : baseRequire.resolve(request, options));
  return req;
}

function moduleLoader(realm, m) {
  let state = null; // {exports} or {error}, once loaded
  return () => {
    if (state) {
      if (state.error) throw state.error;
      return state.exports;
    }
    const base = m.deps_dir ? path.join(m.deps_dir, 'module.js') : NO_DEPS_BASE;
    const module = realm.bridge.module();
    // Made by the realm's own JSON.parse: the module's `actions` object leads to no harness object.
    const actions = realm.bridge.parse(JSON.stringify({ secrets: m.secrets || {} }));
    try {
      const fn = vm.compileFunction(m.code, ['exports', 'require', 'module', '__filename', '__dirname', 'actions'], {
        filename: m.filename, parsingContext: realm.context,
      });
      fn.call(module.exports, module.exports, realms.realmRequire(realm, createRequire(base)), module, m.filename,
        path.dirname(m.filename), actions);
    } catch (err) {
      state = { error: err };
      throw err;
    }
    state = { exports: module.exports };
    return state.exports;
  };
}

/** Run the module's top level once (inside the first invocation's log context). Returns load ms. */
function init(mod) {
  if (mod.initialized) {
    if (mod.error) throw mod.error;
    return 0;
  }
  mod.initialized = true;
  const t0 = performance.now();
  try {
    mod.fn.call(mod.module.exports, mod.module.exports, mod.require, mod.module, mod.filename,
      path.dirname(mod.filename));
  } catch (err) {
    mod.error = err;
    throw err;
  }
  return performance.now() - t0;
}

/** Auth0's handler lookup and its exact messages (`getHandlerFactory` in @auth0/actions). */
function handler(mod, handlers, name) {
  const exp = mod.module.exports;
  if (typeof exp !== 'object' || exp === null) throw new Error('The Action must export an object.');
  if (!handlers.includes(name)) throw new Error('The Action can only be called with valid methods.');
  const fn = exp[name];
  if (!(typeof fn === 'function' && fn.constructor && fn.constructor.name === 'AsyncFunction')) {
    throw new Error(`Invalid function signature for the ${JSON.stringify(name)} handler. `
      + `Use "exports.${name} = async function(event, api) { }" as the signature.`);
  }
  return fn;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Read a property of a thrown value that may be a Proxy or have throwing getters. */
function safeGet(value, key) {
  try {
    const v = value[key];
    return typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v);
  } catch {
    return undefined;
  }
}

/** A readable description of any thrown value: a string, null, a Proxy, an object with no prototype. */
function describeValue(value) {
  if (typeof value === 'string') return value;
  try {
    return util.inspect(value, { showProxy: true, customInspect: false, getters: false, depth: 2,
      breakLength: Infinity });
  } catch {
    return `[unreadable ${typeof value}]`;
  }
}

/** Line (and column) in the user's file, from a syntax error's header or the first matching frame. */
function location(stack, name, filename) {
  const header = stack.match(new RegExp(`^${escapeRegExp(filename)}:(\\d+)\\s*$`, 'm'));
  if (header && name === 'SyntaxError') return { line: Number(header[1]), column: null };
  const frame = stack.match(new RegExp(`${escapeRegExp(filename)}:(\\d+):(\\d+)`));
  return frame ? { line: Number(frame[1]), column: Number(frame[2]) } : { line: null, column: null };
}

/** The stack the user should see: the message and the frames of user code and its dependencies. */
function userStack(stack) {
  return stack.split('\n').filter((l) => {
    if (!/^\s+at /.test(l)) return true;
    return !l.includes(HARNESS_DIR) && !l.includes('node:') && !l.includes('<anonymous>');
  }).join('\n');
}

/**
 * What the report says about a thrown value. Any value can be thrown (an Error of any realm,
 * Object.create(null), a Proxy, an object whose getters throw); each is described without letting it
 * throw again.
 */
function describeError(err, filename, errorClass = 'action_error') {
  const readable = err !== null && typeof err === 'object' && !util.types.isProxy(err);
  const native = util.types.isNativeError(err) && !util.types.isProxy(err);
  const name = (readable && safeGet(err, 'name')) || 'Error';
  let message = readable ? safeGet(err, 'message') : undefined;
  if (message === undefined) message = describeValue(err);
  const stack = (native && safeGet(err, 'stack')) || '';
  const out = { name, message, stack: userStack(stack) || `${name}: ${message}`,
    ...location(stack, name, filename), class: errorClass };
  const code = readable ? safeGet(err, 'code') : undefined;
  if (code !== undefined) out.code = code;
  return out;
}

module.exports = { get, init, handler, describeError, HARNESS_DIR };
