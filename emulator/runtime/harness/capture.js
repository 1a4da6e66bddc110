'use strict';
/**
 * What a thread that runs action code installs before any of it loads: the per-invocation console and
 * HTTP capture, and Node's warnings routed to the console of the invocation that caused them. Shared by
 * an isolate's bootstrap (isolate.js) and a debugging host, which runs actions in its own thread.
 */
const consoleCapture = require('./console');
const httpCapture = require('./http');

function install() {
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
}

module.exports = { install };
