'use strict';
/**
 * The bootstrap of one action version's isolate (a worker thread of the tenant's host, isolates.js).
 * The isolate holds that version's code, its module pins, its npm dependencies and the secrets of the
 * invocation in hand, nothing of any other action. It talks to the host over a MessagePort handed to
 * it in its first message and kept in this closure only; `parentPort` (which any code in the worker can
 * reach) is not listened to. Every api call and console line is sent out the moment it is made, through
 * a `postMessage` captured before any user code loads, so an action that later escapes its realm and
 * patches whatever it finds cannot take back what it already did.
 *
 *   host -> isolate  invoke {inv, trigger, spec, event (JSON), shared, now, deadline_ms, debug}
 *   isolate -> host  ready; cmd {inv, i, cmd}; settle {inv, i, result?, error?}; log {inv, entry,
 *                    truncated}; ignored {inv, run, name, path}; note {inv, message} (before an exit);
 *                    done {inv, result, shared, tainted, fatal, heap}
 */
const { parentPort, workerData } = require('worker_threads');
const v8 = require('v8');

const { apply } = Reflect;
const portPost = require('worker_threads').MessagePort.prototype.postMessage;
const rawStderrWrite = process.stderr.write.bind(process.stderr);
const NO_INSPECTOR = 'The inspector is not available to actions: it would reach the emulator itself.';

refuseInspector();
const consoleCapture = require('./console');
const integrity = require('./integrity');
const invoke = require('./invoke');
const { compileTrigger } = require('./api');

const triggers = new Map(workerData.triggers.map((r) => [r.id, compileTrigger(r)]));
let port = null;
let current = null; // the invocation whose api calls, logs and notes go out now (one per isolate at a time)

function post(msg) {
  if (port) apply(portPost, port, [msg]);
}

/**
 * Node's inspector reaches every thread of the process (`Session.connectToMainThread`) and can turn on
 * the host's own debugger (`process._debugProcess`), so it is refused here, on every Node, through each
 * door: require, `process.binding`, `process.getBuiltinModule`, and the Session an ESM import would
 * return. On Node 20 and newer the permission model refuses it as well.
 */
function refuseInspector() {
  const refuse = () => {
    const err = new Error(NO_INSPECTOR);
    err.code = 'ERR_ACCESS_DENIED';
    throw err;
  };
  let inspector = null;
  try {
    inspector = require('inspector');
  } catch (_) {
    // the permission model refused it already
  }
  if (inspector && inspector.Session) {
    for (const name of ['connect', 'connectToMainThread', 'post']) {
      Object.defineProperty(inspector.Session.prototype, name, { value: refuse, writable: false, configurable: false });
    }
    for (const name of ['open', 'url', 'waitForDebugger']) {
      try {
        Object.defineProperty(inspector, name, { value: refuse, writable: false, configurable: false });
      } catch (_) {
        // a non-configurable export: Session above already closes the door
      }
    }
  }
  const Module = require('module');
  const blocked = new Set(['inspector', 'node:inspector', 'inspector/promises', 'node:inspector/promises']);
  const load = Module._load;
  Module._load = function _load(request, ...rest) {
    if (blocked.has(request)) refuse();
    return apply(load, this, [request, ...rest]);
  };
  if (typeof process.getBuiltinModule === 'function') {
    const getBuiltin = process.getBuiltinModule;
    process.getBuiltinModule = function getBuiltinModule(id) {
      if (blocked.has(id)) refuse();
      return apply(getBuiltin, process, [id]);
    };
  }
  const binding = process.binding;
  process.binding = function bindingGuard(name) {
    if (name === 'inspector') refuse();
    return apply(binding, process, [name]);
  };
  process._debugProcess = refuse;
  // A worker an action started would outlive its run and start with none of this: refused, as the
  // permission model refused it before isolates (the host itself needs --allow-worker for them).
  const wt = require('worker_threads');
  Object.defineProperty(wt, 'Worker', { value: function Worker() {
    const err = new Error('Actions cannot start worker threads in the emulator.');
    err.code = 'ERR_ACCESS_DENIED';
    throw err;
  }, writable: false, configurable: false, enumerable: true });
}

require('./capture').install();

// process.exit() (and abort()) end this isolate only; say so first, so that the host reports it as the
// action's result.
const realExit = process.exit.bind(process);
const ending = (what) => (code) => {
  post({ t: 'note', inv: current, message: `${what}(${code === undefined ? '' : code}) was called` });
  realExit(what === 'process.abort' ? 134 : code);
};
process.exit = ending('process.exit');
process.abort = ending('process.abort');
for (const name of ['kill', '_kill']) {
  const raw = process[name];
  if (typeof raw !== 'function') continue;
  process[name] = function kill(pid, signal) {
    // Its own host is every other action's too; SIGUSR1 would open the host's inspector.
    const err = new Error(`process.${name}(${pid}): an action cannot send signals`);
    err.code = 'ERR_ACCESS_DENIED';
    throw err;
  };
}

process.on('uncaughtException', (err) => {
  const store = consoleCapture.currentStore();
  if (store && store.fail) store.fail(err);
  else rawStderrWrite(`uncaught exception outside any action: ${err && err.stack}\n`);
});
process.on('unhandledRejection', (err) => {
  const store = consoleCapture.currentStore();
  if (store && store.logs) store.logs.push('error', `Unhandled promise rejection: ${err && err.stack ? err.stack : err}`);
});

integrity.capture([['process', process, ['kill', '_kill', 'exit', 'abort', 'binding', 'nextTick', 'emit',
  'emitWarning', 'on', 'hrtime', 'memoryUsage']], ['Date', Date, ['now']],
  ['console', console, ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir']]]);
sealHarness();

/**
 * The harness's modules are in the module cache, which an escaped action can walk: their exports (and
 * the classes and tables they hold) are frozen, so nothing it replaces there is what the harness calls.
 */
function sealHarness() {
  const seen = new Set();
  const plain = (v) => {
    if (typeof v === 'function') return true;
    if (!v || typeof v !== 'object') return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  };
  const seal = (v, depth) => {
    if (!plain(v) || seen.has(v) || depth > 3) return;
    seen.add(v);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d && 'value' in d) seal(d.value, depth + 1);
    }
    Object.freeze(v);
  };
  for (const [file, mod] of Object.entries(require.cache)) {
    if (file.startsWith(__dirname)) seal(mod.exports, 0);
  }
}

async function run(msg) {
  const inv = msg.inv;
  current = inv;
  const shared = invoke.unwire(msg.shared);
  const clock = typeof msg.now === 'number' ? () => msg.now : () => Date.now();
  const hooks = {
    record: (i, cmd) => post({ t: 'cmd', inv, i, cmd }), // a sync call's cmd carries its result or error
    settle: (i, cmd) => post({ t: 'settle', inv, i, result: cmd.result, error: cmd.error }),
    log: (entry, truncated) => post({ t: 'log', inv, entry, truncated }),
    ignored: invoke.ignoredCall(rawStderrWrite, shared.runId, msg.spec.name),
    restore: (only) => integrity.restore(only),
    tainted: (changed) => `The action changed its isolate's built-ins (${changed.slice(0, 5).join(', ')}`
      + `${changed.length > 5 ? ', ...' : ''}); the emulator discards this isolate, and the next invocation of `
      + 'this action starts a fresh one.',
  };
  const deadlineAt = performance.now() + msg.deadline_ms;
  const out = await invoke.runAction(triggers.get(msg.trigger), msg.spec, msg.event, shared, clock, deadlineAt,
    { external: false, hooks });
  const { commands: _c, logs: _l, ...result } = out.result;
  post({ t: 'done', inv, result, shared: invoke.wire(shared), tainted: out.tainted,
    heap: v8.getHeapStatistics().used_heap_size });
  if (current === inv) current = null;
}

parentPort.once('message', (first) => {
  port = first.port;
  port.on('message', (msg) => {
    if (msg.t === 'invoke') run(msg);
  });
  post({ t: 'ready' });
});
