'use strict';
/**
 * Argument rules of `api` methods, as declared in the Python trigger registry (registry.py).
 * `check(rule, value, name)` returns the (possibly trimmed) value or throws the way Auth0's harness
 * does: plain Errors with ajv-style text ("errorCode must NOT have more than 100 characters") unless the
 * rule names its own messages.
 */

const FACTOR_TYPES = ['otp', 'email', 'webauthn-platform', 'webauthn-roaming', 'recovery-code', 'phone',
  'push', 'push-notification'];

function fail(rule, key, fallback, ErrorClass = Error) {
  const msg = (rule.messages && rule.messages[key]) || fallback;
  const Cls = key === 'type' && rule.error === 'TypeError' ? TypeError : ErrorClass;
  throw new Cls(msg);
}

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkString(rule, value, name) {
  if (typeof value !== 'string') fail(rule, 'type', `${name} must be string`);
  let v = rule.trim ? value.trim() : value;
  if (rule.min !== undefined && v.length < rule.min) {
    fail(rule, 'min', `${name} must NOT have fewer than ${rule.min} characters`);
  }
  if (rule.max !== undefined && v.length > rule.max) {
    fail(rule, 'max', `${name} must NOT have more than ${rule.max} characters`);
  }
  if (rule.no_ws && /\s/.test(v)) fail(rule, 'ws', `${name} must not have whitespace`);
  if (rule.pattern && !new RegExp(rule.pattern, 'u').test(v)) {
    fail(rule, 'pattern', `${name} must match pattern "${rule.pattern}"`);
  }
  if (rule.enum && !rule.enum.includes(v)) {
    fail(rule, 'enum', `${name} must be equal to one of the allowed values: ${rule.enum.join(', ')}`);
  }
  return v;
}

function checkFactor(value, name) {
  if (!isPlainObject(value) || typeof value.type !== 'string') {
    throw new Error(`${name} must be an object with a "type" property`);
  }
  if (!FACTOR_TYPES.includes(value.type)) {
    throw new Error(`${name}.type must be equal to one of the allowed values: ${FACTOR_TYPES.join(', ')}`);
  }
  if (value.options !== undefined && !isPlainObject(value.options)) throw new Error(`${name}.options must be object`);
  return value;
}

// custom-token-exchange's setActor: Auth0's own checks and messages, level by level (root + 4 nested).
const ACTOR_LEVELS = 5;
function checkActorLevel(level) {
  if (typeof level.sub !== 'string' || level.sub.length === 0) throw new Error('The actor object must contain a sub claim.');
  if (level.sub.length > 512) throw new Error('Invalid setActor arguments: sub must NOT have more than 512 characters');
  const custom = Object.keys(level).filter((k) => k !== 'sub' && k !== 'act' && k !== 'type');
  if (custom.length > 5) throw new Error('No more than 5 custom properties are allowed in the actor object.');
  for (const key of custom) {
    const t = typeof level[key];
    if (t !== 'string' && t !== 'number' && t !== 'boolean') {
      throw new Error('Custom property in an actor object must be a string, number, or boolean.');
    }
    if (key.length > 64) throw new Error('Custom property key in an actor object must NOT have more than 64 characters.');
    if (t === 'string' && level[key].length > 64) {
      throw new Error('Custom string property value in an actor object must NOT have more than 64 characters.');
    }
  }
}

function checkActor(actor) {
  if (!isPlainObject(actor)) throw new Error('The actor must be a plain object.');
  let level = actor;
  checkActorLevel(level);
  for (let depth = 2; depth <= ACTOR_LEVELS; depth += 1) {
    if (level.act === undefined) return actor;
    if (!isPlainObject(level.act)) throw new Error('The act claim must be a plain object.');
    checkActorLevel(level.act);
    level = level.act;
  }
  if (level.act !== undefined) throw new Error(`Actor nesting must not exceed ${ACTOR_LEVELS} levels.`);
  return actor;
}

const CHECKS = {
  any: (rule, v) => v,
  // Names Auth0 refuses, whatever else the value is (a reserved claim).
  not_in(rule, v) {
    if (rule.values.includes(v)) throw new Error(rule.message.replace('{}', JSON.stringify(v)));
    return v;
  },
  string: checkString,
  number(rule, v, name) {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(rule, 'type', `${name} must be number`);
    return v;
  },
  boolean(rule, v, name) {
    if (typeof v !== 'boolean') fail(rule, 'type', `${name} must be boolean`);
    return v;
  },
  object(rule, v, name) {
    if (!isPlainObject(v)) fail(rule, 'type', `${name} must be object`);
    return v;
  },
  // What Auth0's runtime does with a URL: `new URL(value)`, so its error is Node's own ("Invalid URL").
  url(rule, v) {
    new URL(v); // eslint-disable-line no-new
    return v;
  },
  // Our own check where Auth0's runtime only forwards the URL to its server (recordMethod).
  http_url(rule, v, name) {
    if (typeof v !== 'string') throw new TypeError(`${name} must be string`);
    const parsed = new URL(v);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`${name} must be an http or https URL`);
    }
    return v;
  },
  // A falsy value refused with the rule's message (Auth0's `if (!absolute) throw ...`).
  truthy(rule, v) {
    if (!v) throw new Error(rule.message);
    return v;
  },
  cookie_mode(rule, v) {
    if (!v) throw new Error('Cookie mode must be provided');
    if (v !== 'persistent' && v !== 'non-persistent') {
      throw new Error(`Invalid cookie mode: ${v}. Valid values are 'persistent' and 'non-persistent'.`);
    }
    return v;
  },
  metadata_value(rule, v, name) {
    const t = typeof v;
    if (!(v === null || t === 'string' || t === 'boolean' || t === 'number')) {
      throw new Error(`${name} must be a string, number, boolean or null (JSON.stringify objects first)`);
    }
    if (t === 'number' && (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v)))) {
      throw new Error(`${name} must be a finite number within the safe integer range`);
    }
    if (t === 'string' && Buffer.byteLength(v, 'utf8') > 8 * 1024) {
      throw new Error(`${name} must NOT be larger than 8192 bytes`);
    }
    return v;
  },
  primary_user_id(rule, v) {
    if (typeof v !== 'string' || v.length === 0) {
      throw new Error('The provided primary_user_id must be a non-empty string');
    }
    if (v.length > 128) throw new Error('The provided primary_user_id exceeds the maximum length.');
    return v;
  },
  factor: (rule, v, name) => checkFactor(v, name),
  actor: (rule, v) => checkActor(v),
  factors(rule, v, name) {
    if (!Array.isArray(v) || v.length === 0) throw new Error(`${name} must be a non-empty array of factors`);
    v.forEach((f, i) => checkFactor(f, `${name}[${i}]`));
    return v;
  },
};

// A list whose every item follows `rule.item` (Auth0's setTargetScopes: an array, each a valid scope).
CHECKS.list = (rule, v, name) => {
  if (!Array.isArray(v)) throw new TypeError(rule.message);
  return v.map((item) => check(rule.item, item, name));
};

function check(rule, value, name) {
  const fn = CHECKS[rule.type];
  if (!fn) throw new Error(`emulator registry: unknown rule type ${rule.type}`);
  return fn(rule, value, name);
}

module.exports = { check, isPlainObject };
