'use strict';
/**
 * Outbound HTTP from actions: every call through global `fetch` or Node's http/https (which covers axios,
 * node-fetch and most SDKs) is seen per invocation (AsyncLocalStorage), captured with secret values
 * masked, and, by mode:
 *   live    the call goes out and is captured
 *   record  the same; Python turns the captured calls into stubs
 *   stub    a matching stub answers; an unmatched call fails naming the request
 *   replay  recorded stubs answer; nothing goes out
 * http/https calls that a stub answers are routed to a small server inside this host on 127.0.0.1, so
 * that the real Node HTTP client (and every library on it) does the talking.
 */
const http = require('http');
const https = require('https');
const { URL } = require('url');
const { currentStore } = require('./console');

const BODY_LIMIT = 64 * 1024;
const orig = { httpRequest: http.request, httpGet: http.get, httpsRequest: https.request, httpsGet: https.get,
  fetch: globalThis.fetch };
let stubServer = null;
let stubServerReady = null;
const pendingStubs = new Map();
let stubSeq = 0;

const TICK_MS = 20;

/**
 * A stub's delay. In a debug run it counts running time only, like the deadline: a tick that comes far
 * later than asked means the debugger held the host, and that time is not the delay's.
 */
function stubDelay(ms, debug) {
  if (!debug) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve) => {
    let left = ms;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      const gap = now - last;
      last = now;
      left -= gap > TICK_MS + 100 ? TICK_MS : gap;
      if (left <= 0) resolve();
      else setTimeout(tick, Math.min(TICK_MS, left));
    };
    setTimeout(tick, Math.min(TICK_MS, left));
  });
}

function config() {
  const store = currentStore();
  return store && store.http ? store.http : null;
}

// The forms a secret travels in: as is, URL-encoded (a query or form body), JSON-escaped (inside a JSON
// string) and base64 / base64url (tokens, Basic credentials).
function secretForms(value) {
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1),
    Buffer.from(value).toString('base64').replace(/=+$/, ''), Buffer.from(value).toString('base64url')]);
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

function mask(text, secrets) {
  if (typeof text !== 'string') return text;
  let out = text;
  for (const [name, value] of Object.entries(secrets || {})) {
    if (typeof value !== 'string' || value.length < 4) continue;
    for (const form of secretForms(value)) out = out.split(form).join(`[secret:${name}]`);
  }
  // Basic credentials are base64 of "user:secret": decode, mask inside, and say what was there.
  return out.replace(/\b(Basic\s+)([A-Za-z0-9+/=]{8,})/g, (whole, prefix, b64) => {
    const decoded = Buffer.from(b64, 'base64').toString('utf8');
    const masked = mask(decoded, secrets);
    return masked === decoded ? whole : `${prefix}[base64 of ${masked}]`;
  });
}

function maskHeaders(headers, secrets) {
  const out = {};
  for (const [k, v] of Object.entries(headers || {})) out[k.toLowerCase()] = mask(Array.isArray(v) ? v.join(', ') : String(v), secrets);
  return out;
}

const clip = (text) => (typeof text === 'string' && text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}…[truncated]` : text);

function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function findStub(cfg, method, url) {
  for (const stub of cfg.stubs || []) {
    const m = (stub.method || '*').toUpperCase();
    if (m !== '*' && m !== method) continue;
    const pattern = stub.url || '*';
    const ok = pattern.startsWith('re:') ? new RegExp(pattern.slice(3)).test(url) : globToRegExp(pattern).test(url);
    if (ok) return stub;
  }
  return null;
}

function stubBody(stub) {
  if (stub.json !== undefined) return JSON.stringify(stub.json);
  return stub.body === undefined ? '' : String(stub.body);
}

function stubHeaders(stub) {
  const headers = { ...(stub.headers || {}) };
  if (stub.json !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return headers;
}

function unmatched(cfg, method, url) {
  const what = cfg.mode === 'replay' ? 'No recorded response' : 'No HTTP stub';
  return new Error(`${what} matches ${method} ${mask(url, cfg.secrets)} (HTTP mode ${cfg.mode}); `
    + 'add a stub or use live mode');
}

function record(cfg, entry) {
  cfg.calls.push(entry);
}

// ---- fetch ---------------------------------------------------------------------------------------------
async function interceptedFetch(input, init) {
  const cfg = config();
  if (!cfg) return orig.fetch(input, init);
  const request = new Request(input, init);
  const method = request.method.toUpperCase();
  const url = request.url;
  const reqBody = init && init.body !== undefined ? String(init.body) : null;
  const entry = { via: 'fetch', method, url: mask(url, cfg.secrets), request_headers: maskHeaders(Object.fromEntries(request.headers), cfg.secrets),
    request_body: clip(mask(reqBody, cfg.secrets)), stubbed: false };
  const started = performance.now();
  record(cfg, entry);
  if (cfg.mode === 'stub' || cfg.mode === 'replay') {
    const stub = findStub(cfg, method, url);
    if (!stub) {
      const err = unmatched(cfg, method, url);
      entry.error = err.message;
      throw err;
    }
    if (stub.delay_ms) await stubDelay(stub.delay_ms, cfg.debug);
    const body = stubBody(stub);
    Object.assign(entry, { stubbed: true, status: stub.status || 200, response_headers: stubHeaders(stub),
      response_body: clip(body), duration_ms: round(performance.now() - started) });
    return new Response(body, { status: stub.status || 200, headers: stubHeaders(stub) });
  }
  try {
    const response = await orig.fetch(input, init);
    const text = await response.clone().text();
    Object.assign(entry, { status: response.status, response_headers: maskHeaders(Object.fromEntries(response.headers), cfg.secrets),
      response_body: clip(mask(text, cfg.secrets)), duration_ms: round(performance.now() - started) });
    return response;
  } catch (err) {
    Object.assign(entry, { error: String(err && (err.cause ? `${err.message}: ${err.cause.message}` : err.message)),
      duration_ms: round(performance.now() - started) });
    throw err;
  }
}

const round = (ms) => Math.round(ms * 1000) / 1000;

// ---- http / https --------------------------------------------------------------------------------------
function normalise(protocol, args) {
  // request(url[, options][, cb]) or request(options[, cb])
  let url = null;
  let options = {};
  let cb;
  for (const a of args) {
    if (typeof a === 'string' || a instanceof URL) url = new URL(String(a));
    else if (typeof a === 'function') cb = a;
    else if (a && typeof a === 'object') options = a;
  }
  if (!url) {
    const proto = options.protocol || protocol;
    const host = options.hostname || options.host || 'localhost';
    const port = options.port ? `:${options.port}` : '';
    url = new URL(`${proto}//${host}${port}${options.path || '/'}`);
  }
  return { url, options: { ...options }, cb };
}

function ensureStubServer() {
  if (stubServerReady) return stubServerReady;
  stubServer = http.createServer((req, res) => {
    const stub = pendingStubs.get(req.url);
    pendingStubs.delete(req.url);
    const respond = () => {
      res.writeHead(stub.status || 200, stubHeaders(stub));
      res.end(stubBody(stub));
    };
    if (stub && stub.delay_ms) stubDelay(stub.delay_ms, stub.debug).then(respond);
    else if (stub) respond();
    else { res.writeHead(500); res.end(); }
  });
  stubServer.unref();
  stubServerReady = new Promise((resolve) => stubServer.listen(0, '127.0.0.1', () => resolve(stubServer.address().port)));
  return stubServerReady;
}

function observe(req, entry, cfg, started) {
  const chunks = [];
  const write = req.write;
  const end = req.end;
  req.write = function (chunk, ...rest) {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    return write.call(this, chunk, ...rest);
  };
  req.end = function (chunk, ...rest) {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    if (chunks.length) entry.request_body = clip(mask(Buffer.concat(chunks).toString('utf8'), cfg.secrets));
    return end.call(this, chunk, ...rest);
  };
  req.prependListener('response', (res) => {
    entry.status = res.statusCode;
    entry.response_headers = maskHeaders(res.headers, cfg.secrets);
    const body = [];
    const emit = res.emit;
    // Watch the stream's events without adding listeners (which would change its flowing mode).
    res.emit = function (event, ...args) {
      if (event === 'data') body.push(Buffer.from(args[0]));
      if (event === 'end') {
        entry.response_body = clip(mask(Buffer.concat(body).toString('utf8'), cfg.secrets));
        entry.duration_ms = round(performance.now() - started);
      }
      return emit.call(this, event, ...args);
    };
  });
  req.prependListener('error', (err) => {
    entry.error = String(err && err.message);
    entry.duration_ms = round(performance.now() - started);
  });
}

function interceptRequest(protocol, original) {
  return function request(...args) {
    const cfg = config();
    if (!cfg) return original.apply(this, args);
    const { url, options, cb } = normalise(protocol, args);
    const method = (options.method || 'GET').toUpperCase();
    const headers = options.headers || {};
    const entry = { via: protocol === 'https:' ? 'https' : 'http', method, url: mask(url.href, cfg.secrets),
      request_headers: maskHeaders(headers, cfg.secrets), request_body: null, stubbed: false };
    record(cfg, entry);
    const started = performance.now();
    if (cfg.mode === 'stub' || cfg.mode === 'replay') {
      const stub = findStub(cfg, method, url.href);
      if (!stub) {
        const err = unmatched(cfg, method, url.href);
        entry.error = err.message;
        throw err;
      }
      entry.stubbed = true;
      const key = `/__stub/${(stubSeq += 1)}`;
      pendingStubs.set(key, { ...stub, debug: cfg.debug });
      // A real ClientRequest to the in-process stub server (listening since start-up), so that the
      // library on top (axios, node-fetch, an SDK) runs exactly as it would against the real service.
      const port = stubServer && stubServer.address() ? stubServer.address().port : null;
      const stubOptions = { ...options, protocol: 'http:', hostname: '127.0.0.1', host: undefined, port, path: key,
        agent: false, method, headers };
      delete stubOptions.socketPath;
      if (port) {
        const req = orig.httpRequest(stubOptions, cb);
        observe(req, entry, cfg, started);
        return req;
      }
      throw new Error('emulator: the HTTP stub server is not ready');
    }
    const req = original.apply(this, args);
    observe(req, entry, cfg, started);
    return req;
  };
}

function interceptGet(requestFn) {
  return function get(...args) {
    const req = requestFn(...args);
    req.end();
    return req;
  };
}

function install() {
  http.request = interceptRequest('http:', orig.httpRequest);
  https.request = interceptRequest('https:', orig.httpsRequest);
  http.get = interceptGet(http.request);
  https.get = interceptGet(https.request);
  if (orig.fetch) globalThis.fetch = interceptedFetch;
}

module.exports = { install, ensureStubServer };
