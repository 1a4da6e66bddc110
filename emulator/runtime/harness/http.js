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
 * A call to one of the tenant's own domains (`local.hosts`) is answered by the emulator's own Auth0 on
 * `local.port` in every mode (Management API, /oauth/token): captured with `local: true`.
 */
const http = require('http');
const net = require('net');
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

function routeMatches(stub, method, url) {
  const m = (stub.method || '*').toUpperCase();
  if (m !== '*' && m !== method) return false;
  const pattern = stub.url || '*';
  return pattern.startsWith('re:') ? new RegExp(pattern.slice(3)).test(url) : globToRegExp(pattern).test(url);
}

// `expected` is a subset of `actual`: equal values, nested objects compared field by field.
function subset(expected, actual) {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    return actual !== null && typeof actual === 'object'
      && Object.keys(expected).every((k) => subset(expected[k], actual[k]));
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/**
 * Whether a stub's `match` holds for this request: `req` is {url, headers (lower-case), body}; a body of
 * undefined means "not known yet" (an http request still being written), which a json condition waits for.
 */
function conditionsHold(stub, req, nth) {
  const match = stub.match || {};
  if (match.call !== undefined && match.call !== nth) return false;
  const query = new URL(req.url).searchParams;
  for (const [k, v] of Object.entries(match.query || {})) {
    if (!query.has(k) || !globToRegExp(v).test(query.get(k))) return false;
  }
  for (const [k, v] of Object.entries(match.headers || {})) {
    const got = req.headers[k.toLowerCase()];
    if (got === undefined || !globToRegExp(v).test(String(got))) return false;
  }
  if (match.json !== undefined) {
    if (req.body === undefined) return true;
    let parsed;
    try {
      parsed = JSON.parse(req.body);
    } catch (_) {
      return false;
    }
    if (!subset(match.json, parsed)) return false;
  }
  return true;
}

/** The first stub that answers this request; `entry` is its capture (already recorded). */
function findStub(cfg, method, req, entry) {
  for (const stub of cfg.stubs || []) {
    if (!routeMatches(stub, method, req.url)) continue;
    // Which call of this action to this stub's route this is (1 for the first).
    const earlier = cfg.calls.slice(0, Math.max(0, cfg.calls.indexOf(entry)));
    const nth = earlier.filter((c) => c.method === method && routeMatches(stub, method, c.raw_url)).length + 1;
    if (conditionsHold(stub, req, nth)) return stub;
  }
  return null;
}

// Statuses whose responses have no body (Response refuses one).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function stubBody(stub) {
  if (NULL_BODY.has(stub.status)) return null;
  if (stub.json !== undefined) return JSON.stringify(stub.json);
  return stub.body === undefined ? '' : String(stub.body);
}

const statusText = (stub) => (stub.status_text !== undefined ? stub.status_text : http.STATUS_CODES[stub.status || 200] || '');

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

// A field the harness needs (the unmasked url, for counting calls) that is never reported.
function hide(entry, key, value) {
  Object.defineProperty(entry, key, { value, enumerable: false });
}

// ---- the tenant's own domains ----------------------------------------------------------------------------
function isLocal(cfg, url) {
  if (!cfg.local || !Array.isArray(cfg.local.hosts)) return false;
  const host = url.hostname.toLowerCase();
  return cfg.local.hosts.includes(host);
}

function localUrl(cfg, url) {
  return `http://127.0.0.1:${cfg.local.port}${url.pathname}${url.search}`;
}

// ---- fetch ---------------------------------------------------------------------------------------------
async function interceptedFetch(input, init) {
  const cfg = config();
  if (!cfg) return orig.fetch(input, init);
  const request = new Request(input, init);
  const method = request.method.toUpperCase();
  const url = request.url;
  // The body as sent: what a FormData, URLSearchParams, Blob or stream holds (read from a copy).
  const reqBody = request.body ? await request.clone().text() : null;
  const headers = Object.fromEntries(request.headers);
  const entry = { via: 'fetch', method, url: mask(url, cfg.secrets), request_headers: maskHeaders(headers, cfg.secrets),
    request_body: clip(mask(reqBody, cfg.secrets)), stubbed: false };
  hide(entry, 'raw_url', url);
  const started = performance.now();
  record(cfg, entry);
  if (isLocal(cfg, new URL(url))) {
    entry.local = true;
    try {
      const response = await orig.fetch(localUrl(cfg, new URL(url)), { method, headers: { ...headers,
        'x-forwarded-host': new URL(url).host }, body: reqBody === null ? undefined : reqBody, redirect: request.redirect });
      const text = await response.clone().text();
      Object.assign(entry, { status: response.status, response_headers: maskHeaders(Object.fromEntries(response.headers), cfg.secrets),
        response_body: clip(mask(text, cfg.secrets)), duration_ms: round(performance.now() - started) });
      return response;
    } catch (err) {
      Object.assign(entry, { error: String(err && err.message), duration_ms: round(performance.now() - started) });
      throw err;
    }
  }
  if (cfg.mode === 'stub' || cfg.mode === 'replay') {
    const stub = findStub(cfg, method, { url, headers, body: reqBody === null ? '' : reqBody }, entry);
    if (!stub) {
      const err = unmatched(cfg, method, url);
      entry.error = err.message;
      throw err;
    }
    if (stub.delay_ms) await stubDelay(stub.delay_ms, cfg.debug);
    const body = stubBody(stub);
    Object.assign(entry, { stubbed: true, status: stub.status || 200, response_headers: stubHeaders(stub),
      response_body: clip(body === null ? '' : body), duration_ms: round(performance.now() - started) });
    return new Response(body, { status: stub.status || 200, statusText: statusText(stub), headers: stubHeaders(stub) });
  }
  try {
    const response = await orig.fetch(request);
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
    const pending = pendingStubs.get(req.url);
    pendingStubs.delete(req.url);
    if (!pending) {
      res.writeHead(500);
      res.end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // Now that the body is known, the stub is chosen for good (a json condition may rule one out).
      const { cfg, method, request, entry } = pending;
      const stub = findStub(cfg, method, { ...request, body: Buffer.concat(chunks).toString('utf8') }, entry);
      if (!stub) {
        const err = unmatched(cfg, method, request.url);
        entry.error = err.message;
        res.writeHead(500, 'No HTTP stub matches', { 'content-type': 'text/plain' });
        res.end(err.message);
        return;
      }
      const respond = () => {
        res.writeHead(stub.status || 200, statusText(stub), stubHeaders(stub));
        const body = stubBody(stub);
        res.end(body === null ? undefined : body);
      };
      if (stub.delay_ms) stubDelay(stub.delay_ms, cfg.debug).then(respond);
      else respond();
    });
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
    hide(entry, 'raw_url', url.href);
    record(cfg, entry);
    const started = performance.now();
    if (isLocal(cfg, url)) {
      // The tenant's own Auth0, on the emulator's loopback port: plain HTTP there, whatever was asked.
      entry.local = true;
      const localOptions = { ...options, protocol: 'http:', hostname: '127.0.0.1', host: undefined, port: cfg.local.port,
        path: `${url.pathname}${url.search}`, agent: false, method,
        headers: { ...headers, 'x-forwarded-host': url.host } };
      delete localOptions.socketPath;
      for (const tls of ['ca', 'cert', 'key', 'pfx', 'servername', 'rejectUnauthorized', 'checkServerIdentity']) delete localOptions[tls];
      const req = orig.httpRequest(localOptions, cb);
      observe(req, entry, cfg, started);
      return req;
    }
    if (cfg.mode === 'stub' || cfg.mode === 'replay') {
      const lower = {};
      for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      // The body is still to be written: a stub that could answer is enough now; the stub server
      // chooses for good once it has the body.
      const request = { url: url.href, headers: lower };
      if (!findStub(cfg, method, { ...request, body: undefined }, entry)) {
        const err = unmatched(cfg, method, url.href);
        entry.error = err.message;
        throw err;
      }
      entry.stubbed = true;
      const key = `/__stub/${(stubSeq += 1)}`;
      pendingStubs.set(key, { cfg, method, request, entry });
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

// ---- other protocols -------------------------------------------------------------------------------------
/**
 * In stub and replay modes nothing may go out, and only HTTP can be stubbed: a TCP or TLS connection an
 * action opens itself (a Redis, SQL or SMTP client) fails at once, saying so, instead of reaching the
 * network. The harness's own connections to its stub server are let through.
 */
function connectTarget(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]; // net's internal normalized form
  if (first && typeof first === 'object') return { host: first.host, port: first.port, path: first.path };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
}

function guardSockets() {
  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    const cfg = config();
    if (cfg && (cfg.mode === 'stub' || cfg.mode === 'replay')) {
      const { host, port, path } = connectTarget(args);
      const loopback = host === '127.0.0.1' || host === 'localhost' || host === undefined;
      const ours = loopback && ((stubServer && stubServer.address() && Number(port) === stubServer.address().port)
        || (cfg.local && Number(port) === cfg.local.port));
      if (!ours) {
        const where = path || `${host || 'localhost'}:${port}`;
        const err = new Error(`The emulator can stub HTTP calls only: this action opened a TCP connection to `
          + `${mask(String(where), cfg.secrets)} (HTTP mode ${cfg.mode}), such as a Redis, database or mail client `
          + 'would. Stub the HTTP API in front of that service, or use live mode.');
        err.code = 'EMULATOR_NOT_HTTP';
        cfg.calls.push({ via: 'tcp', method: 'CONNECT', url: mask(String(where), cfg.secrets), request_headers: {},
          request_body: null, stubbed: false, error: err.message });
        process.nextTick(() => this.destroy(err));
        return this;
      }
    }
    return origConnect.apply(this, args);
  };
}

function install() {
  guardSockets();
  http.request = interceptRequest('http:', orig.httpRequest);
  https.request = interceptRequest('https:', orig.httpsRequest);
  http.get = interceptGet(http.request);
  https.get = interceptGet(https.request);
  if (orig.fetch) globalThis.fetch = interceptedFetch;
}

module.exports = { install, ensureStubServer };
