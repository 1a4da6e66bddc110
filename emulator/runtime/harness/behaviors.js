'use strict';
/**
 * What `api` methods compute or remember beyond being recorded: named in the Python registry as
 * `behavior`. Each is `(ctx, args, cmd) => returnValue`; `ctx` is one action's invocation (its event,
 * handler and the chain-wide `shared` state), `cmd` the command being recorded (a behaviour may add a
 * `result` to it). Meaning for the flow (what a deny does, when metadata is written) stays in Python.
 */
const tokens = require('./tokens');
const { isPlainObject } = require('./validate');
const { checkCodec } = require('./schema');

const CACHE = { defaultTtl: 15 * 60 * 1000, maxTtl: 24 * 60 * 60 * 1000, maxEntries: 20, keyBytes: 64,
  valueBytes: 4096, totalBytes: 8192 };
const SESSION_TOKEN_TTL = 15 * 60;
const NO_REDIRECT_PROTOCOLS = ['oauth2-resource-owner', 'oauth2-refresh-token', 'oauth2-password', 'oauth2-webauthn'];
const TX_METADATA_TOTAL = 16 * 1024;
const META = { maxKeys: 25, maxLen: 255, keyPattern: /^[a-zA-Z0-9_-]{1,255}$/ };

const bytes = (s) => Buffer.byteLength(s, 'utf-8');
const isFiniteNumber = (n) => typeof n === 'number' && Number.isFinite(n);

// ---- api.cache (spec §1.3): errors are returned, never thrown ----
function liveCache(ctx) {
  const now = ctx.now();
  for (const [k, rec] of ctx.shared.cache) if (rec.expires_at < now) ctx.shared.cache.delete(k);
  return ctx.shared.cache;
}

function cacheSet(ctx, [key, value, options]) {
  // Measured first, as Auth0 does: a key or value that is not a string fails with Node's own TypeError.
  const keySize = bytes(key);
  const valueSize = bytes(value);
  const cache = liveCache(ctx);
  if (keySize > CACHE.keyBytes) return { type: 'error', code: 'CacheKeySizeExceeded' };
  if (valueSize > CACHE.valueBytes) return { type: 'error', code: 'CacheValueSizeExceeded' };
  let total = keySize + valueSize;
  for (const [k, rec] of cache) if (k !== key) total += bytes(k) + bytes(rec.value);
  if (total > CACHE.totalBytes || (!cache.has(key) && cache.size >= CACHE.maxEntries)) {
    return { type: 'error', code: 'CacheSizeExceeded' };
  }
  const now = ctx.now();
  let expiresAt;
  const ttl = options?.ttl;
  if (ttl !== undefined) {
    if (!isFiniteNumber(ttl)) return { type: 'error', code: 'InvalidExpiry' };
    expiresAt = now + Math.floor(ttl);
  }
  const expires = options?.expires_at;
  if (expires !== undefined) {
    if (!isFiniteNumber(expires)) return { type: 'error', code: 'InvalidExpiry' };
    const at = Math.floor(expires);
    expiresAt = expiresAt === undefined ? at : Math.min(expiresAt, at);
  }
  if (expiresAt === undefined) expiresAt = now + CACHE.defaultTtl;
  if (expiresAt <= now) return { type: 'error', code: 'ItemAlreadyExpired' };
  if (!Number.isSafeInteger(expiresAt)) return { type: 'error', code: 'InvalidExpiry' };
  expiresAt = Math.min(expiresAt, now + CACHE.maxTtl); // Auth0 caps a record's lifetime at 24 h
  const record = { value, expires_at: expiresAt };
  cache.set(key, record);
  ctx.shared.cacheDirty = true;
  return { type: 'success', record: { ...record } };
}

function cacheGet(ctx, [key]) {
  const rec = liveCache(ctx).get(key);
  return rec ? { ...rec } : undefined;
}

function cacheDelete(ctx, [key]) {
  const cache = liveCache(ctx);
  if (!cache.has(key)) return { type: 'error', code: 'CacheKeyDoesNotExist' };
  cache.delete(key);
  ctx.shared.cacheDirty = true;
  return { type: 'success' };
}

// ---- user metadata: queued, visible to later actions (carried by the chain runner) ----
// post-login refuses to update metadata the stored user does not hold as an object (Auth0's words,
// the app_metadata one without its final period); pre-user-registration does not look.
const METADATA_FORMAT = {
  app_metadata: 'Unexpected app_metadata format. Must be a valid JSON object',
  user_metadata: 'Unexpected user_metadata format. Must be a valid JSON object.',
};
function queueMetadata(field, strict) {
  return (ctx, [key, value]) => {
    if (strict && !isPlainObject(ctx.event.user[field])) throw new Error(METADATA_FORMAT[field]);
    ctx.shared.pendingMetadata[field][key] = value;
  };
}

// ---- redirect ----
function continueParams(request) {
  return { ...((request && request.query) || {}), ...((request && request.body) || {}) };
}

// As Auth0 builds it: `new URL(url)` (Node's "Invalid URL"), then every `for...in` key of options.query.
function withQuery(url, options) {
  const u = new URL(url);
  if (options?.query) {
    for (const param in options.query) u.searchParams.set(param, options.query[param]); // eslint-disable-line guard-for-in
  }
  return u.href;
}

// Read from the event the action was given, as Auth0 reads it (changes the action made to it count).
function encodeToken(ctx, [options]) {
  const iat = Math.floor(ctx.now() / 1000);
  const { request, user } = ctx.event;
  const payload = {
    iat,
    iss: request.hostname,
    sub: user.user_id,
    exp: iat + (options.expiresInSeconds ?? SESSION_TOKEN_TTL),
    ip: request.ip,
    ...options.payload,
  };
  // Auth0's server signs it; a token needs a secret to sign with.
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    throw new Error('A secret is required to encode the token.');
  }
  return tokens.sign(payload, options.secret);
}

function validateToken(ctx, [options]) {
  options.tokenParameterName ||= 'session_token'; // Auth0 writes the default into the caller's object
  const name = options.tokenParameterName;
  const params = continueParams(ctx.event.request);
  const token = params[name];
  if (!token) {
    throw new Error(`There is no parameter called '${name}' available in either the POST body or query string.`);
  }
  const res = tokens.verify(token, {
    secret: options.secret, expectedState: params.state, expectedSub: ctx.event.user.user_id,
    nowSeconds: Math.floor(ctx.now() / 1000),
  });
  if (!res.valid) throw new Error(`The session token is invalid: ${res.reason}`);
  return res.payload;
}

function canRedirect(ctx) {
  const query = (ctx.event.request && ctx.event.request.query) || {};
  if (query.prompt === 'none') return false;
  const protocol = (ctx.event.transaction && ctx.event.transaction.protocol) || 'unknown-protocol';
  return !NO_REDIRECT_PROTOCOLS.includes(protocol);
}

function sendUserTo(ctx, [url, options], cmd) {
  cmd.result = withQuery(url, options);
  ctx.interaction = 'redirect';
}

function render(ctx, [formId, options]) {
  if (Buffer.byteLength(JSON.stringify(options || {}), 'utf-8') > 24 * 1024) {
    throw new Error('The total size of the prompt options exceeds the limit of 24576 bytes.');
  }
  ctx.interaction = 'render';
}

// ---- transaction ----
function setTxMetadata(ctx, [key, value]) {
  const next = { ...ctx.shared.txMetadata };
  if (value === null) delete next[key];
  else next[key] = value;
  if (bytes(JSON.stringify(next)) > TX_METADATA_TOTAL) {
    throw new Error(`The total size of the transaction metadata exceeds the limit of ${TX_METADATA_TOTAL} bytes.`);
  }
  ctx.shared.txMetadata = next;
  // Live: visible at once in this action's event and in every later action (spec §2.1).
  if (ctx.event.transaction) ctx.event.transaction.metadata = { ...next };
}

function setResultUrl(ctx, [url, options], cmd) {
  cmd.result = withQuery(url, options);
}

// ---- scopes ----
function countScope(ctx) {
  ctx.shared.scopeAdds += 1;
  if (ctx.shared.scopeAdds > 1000) throw new Error('The number of scopes exceeds the allowed maximum of 1000.');
}

// ---- target scopes (credentials-exchange): the scopes the access token will carry ----
// Each scope arrives checked and trimmed by its argument rule (the same as addScope's); at most 1000.
const MAX_SCOPES = 1000;

function targetScopes(ctx) {
  if (!ctx.shared.targetScopes) {
    // Until an action changes them, the target scopes are the access token's (as granted).
    const granted = ctx.event.accessToken && Array.isArray(ctx.event.accessToken.scope) ? ctx.event.accessToken.scope : [];
    ctx.shared.targetScopes = new Set(granted.filter((s) => typeof s === 'string'));
  }
  return ctx.shared.targetScopes;
}

function publishTargetScopes(ctx) {
  // Visible at once in this action's event, as Auth0 mirrors it (event.transaction is created if need be).
  if (!ctx.event.transaction) ctx.event.transaction = {};
  ctx.event.transaction.target_scopes = [...ctx.shared.targetScopes];
}

const TARGET_SCOPES = {
  add(ctx, [scope]) {
    const set = targetScopes(ctx);
    if (!set.has(scope) && set.size >= MAX_SCOPES) {
      throw new Error(`The number of scopes exceeds the allowed maximum of ${MAX_SCOPES}.`);
    }
    set.add(scope);
    publishTargetScopes(ctx);
  },
  remove(ctx, [scope]) {
    targetScopes(ctx).delete(scope);
    publishTargetScopes(ctx);
  },
  set(ctx, [scopes]) {
    const unique = [...new Set(scopes)];
    if (unique.length > MAX_SCOPES) throw new Error(`The number of scopes exceeds the allowed maximum of ${MAX_SCOPES}.`);
    ctx.shared.targetScopes = new Set(unique);
    publishTargetScopes(ctx);
  },
  clear(ctx) {
    ctx.shared.targetScopes = new Set();
    publishTargetScopes(ctx);
  },
};

// ---- session and refresh-token metadata (Auth0's ServerSessionValidator rules) ----
function validateMetadataMap(meta) {
  const entries = Object.entries(meta);
  if (entries.length > META.maxKeys) return 'Metadata must not contain more than 25 entries';
  for (const [k, v] of entries) {
    if (k.length > META.maxLen) return 'All metadata keys must be at most 255 characters long';
    if (k.includes('\x00')) return 'Metadata keys must not contain null bytes (\x00)';
    if (!META.keyPattern.test(k)) return 'Metadata keys may only include letters, numbers, underscores, or hyphens';
    if (v.length > META.maxLen) return 'All metadata values must be at most 255 characters long';
    if (v.includes('\x00')) return 'Metadata values must not contain null bytes (\x00)';
  }
  return null;
}

function sessionLike(kind) {
  const label = kind === 'session' ? 'session' : 'refresh token';
  const entity = (ctx) => (kind === 'session' ? ctx.event.session : ctx.event.refresh_token);
  const state = (ctx) => {
    if (!(kind in ctx.metadataState)) {
      const e = entity(ctx);
      ctx.metadataState[kind] = e ? { ...(e.metadata || {}) } : (kind === 'session' ? null : {});
    }
    return ctx.metadataState[kind];
  };
  const checkOnline = (ctx, method) => {
    if (kind === 'refreshToken' && ctx.event.refresh_token && ctx.event.refresh_token.access === 'online') {
      throw new Error(`Cannot call ${method} on an online refresh token.`);
    }
  };
  const publish = (ctx, meta) => {
    ctx.metadataState[kind] = meta;
    const e = entity(ctx);
    if (e) e.metadata = { ...meta };
  };
  return {
    setMetadata(ctx, [key, value]) {
      try {
        checkOnline(ctx, 'setMetadata');
        const meta = state(ctx);
        if (!meta) throw new Error(`Cannot set metadata on a ${label} that does not exist.`);
        if (typeof key !== 'string') throw new Error('Invalid metadata: Metadata key must be a string');
        const next = { ...meta };
        if (value === null) {
          if (!(key in next)) return;
          delete next[key];
        } else {
          if (typeof value !== 'string') throw new Error('Invalid metadata: Metadata value must be a string');
          next[key] = value;
          const problem = validateMetadataMap(next);
          if (problem) throw new Error(`Invalid metadata: ${problem}`);
        }
        publish(ctx, next);
      } catch (err) {
        throw new Error(`Failed to set ${label} metadata: ${err.message}`);
      }
    },
    deleteMetadata(ctx, [key]) {
      checkOnline(ctx, 'deleteMetadata');
      const meta = state(ctx);
      if (!meta || !(key in meta)) return;
      const next = { ...meta };
      delete next[key];
      publish(ctx, next);
    },
    evictMetadata(ctx) {
      checkOnline(ctx, 'evictMetadata');
      if (state(ctx)) publish(ctx, {});
    },
  };
}

const session = sessionLike('session');
const refreshToken = sessionLike('refreshToken');

function setCookieMode(ctx, [mode]) {
  const s = ctx.event.session;
  if (s && typeof s === 'object' && Object.keys(s).length > 0) {
    ctx.event.session = { ...s, cookie: { ...(s.cookie || {}), mode } };
  }
}

// ---- SAML ----
// Auth0's order: null for undefined, the total size with this value, its schema, then (ours, documented)
// the number of changes.
function samlSetAttribute(ctx, [attribute, value], cmd, method) {
  value ??= null;
  const next = { ...ctx.shared.samlAttributes, [attribute]: value };
  if (Buffer.byteLength(JSON.stringify(next)) > 102400) {
    throw new Error('The total size of the SAML attributes exceeds the limit of 102400 bytes.');
  }
  checkCodec(method.codec, [attribute, value]);
  if (ctx.shared.samlChanges + 1 > 100) throw new Error('The number of SAML attribute changes exceeds 100.');
  ctx.shared.samlChanges += 1;
  ctx.shared.samlAttributes = next;
}
samlSetAttribute.ownsCodec = true;

// ---- read-only lookups the emulated tenant can answer from the event ----
function roleRecords(ctx) {
  const names = (ctx.event.authorization && ctx.event.authorization.roles) || [];
  // The emulated tenant knows role names only; a role's id is its name (README, behaviour notes).
  return names.map((name) => ({ id: name, name }));
}

// Written as Auth0 writes them, so a bad argument fails with the same words (a null `params` included).
async function checkPaging({ from, take } = {}) {
  if (from !== undefined && typeof from !== 'string') throw new Error('The "from" parameter must be a string if provided.');
  if (take !== undefined && (typeof take !== 'number' || !Number.isInteger(take) || take <= 0)) {
    throw new Error('The "take" parameter must be a positive integer if provided.');
  }
}

// Auth0's check, then (ours, from Auth0's docs) the most its server takes.
function nonEmptyList(name, list, max) {
  if (!list || !Array.isArray(list) || !list.length) {
    throw new Error(`The "${name}" parameter must be a non-empty array of strings.`);
  }
  if (max !== undefined && list.length > max) throw new Error(`${name} must NOT have more than ${max} items`);
}

const BEHAVIORS = {
  'cache.get': cacheGet,
  'cache.set': cacheSet,
  'cache.delete': cacheDelete,
  'user.setAppMetadata': queueMetadata('app_metadata', true),
  'user.setUserMetadata': queueMetadata('user_metadata', true),
  'user.queueAppMetadata': queueMetadata('app_metadata', false),
  'user.queueUserMetadata': queueMetadata('user_metadata', false),
  'redirect.encodeToken': encodeToken,
  'redirect.validateToken': validateToken,
  'redirect.canRedirect': canRedirect,
  'redirect.sendUserTo': sendUserTo,
  'prompt.render': render,
  'transaction.setMetadata': setTxMetadata,
  'transaction.setResultUrl': setResultUrl,
  'scope.count': countScope,
  'session.setMetadata': session.setMetadata,
  'session.deleteMetadata': session.deleteMetadata,
  'session.evictMetadata': session.evictMetadata,
  'session.setCookieMode': setCookieMode,
  'refreshToken.setMetadata': refreshToken.setMetadata,
  'refreshToken.deleteMetadata': refreshToken.deleteMetadata,
  'refreshToken.evictMetadata': refreshToken.evictMetadata,
  'saml.setAttribute': samlSetAttribute,
  'rules.wasExecuted': () => false, // the emulator runs no Rules
  'targetScopes.add': TARGET_SCOPES.add,
  'targetScopes.remove': TARGET_SCOPES.remove,
  'targetScopes.set': TARGET_SCOPES.set,
  'targetScopes.clear': TARGET_SCOPES.clear,
  'roles.getUserEffectiveRoles': async (ctx, [params]) => {
    await checkPaging(params);
    return { roles: roleRecords(ctx) };
  },
  'roles.byIds': async (ctx, [ids]) => {
    nonEmptyList('ids', ids, 100);
    return { roles: roleRecords(ctx).filter((r) => ids.includes(r.id)) };
  },
  'roles.byNames': async (ctx, [names]) => {
    nonEmptyList('names', names, 50);
    return { roles: roleRecords(ctx).filter((r) => names.includes(r.name)) };
  },
  'groups.getUserGroups': async (ctx, [params]) => {
    await checkPaging(params);
    return { groups: [] };
  },
  'groups.hasGroupMembership': async (ctx, [groups]) => {
    nonEmptyList('groups', groups);
    return { memberships: Object.fromEntries(groups.map((g) => [g, { is_member: false }])) };
  },
};

module.exports = { BEHAVIORS };
