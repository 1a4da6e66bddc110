'use strict';
/**
 * A JSON-safe copy of whatever user code passed or returned, taken at call time so that later
 * mutation of the same object does not rewrite history. Functions, symbols, BigInts, cycles and very
 * deep values become readable markers instead of breaking the protocol. Values come from the action's
 * realm, so nothing here calls a method of the value itself (an action may have patched its
 * Array.prototype); a Proxy is shown as one, and a getter that throws is shown as the error it threw.
 */
const { types } = require('util');

const MAX_DEPTH = 40;
const { keys } = Object;
const isArray = Array.isArray;
const dateToISO = Date.prototype.toISOString;
const dateTime = Date.prototype.getTime;
const { apply } = Reflect;

function read(value, key) {
  try {
    return value[key];
  } catch (err) {
    return `[getter threw: ${types.isNativeError(err) ? err.message : typeof err}]`;
  }
}

function snapshot(value, depth = 0, seen = new Set()) {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'function':
      return `[Function${typeof value.name === 'string' && value.name ? `: ${value.name}` : ''}]`;
    case 'symbol':
      return `Symbol(${value.description === undefined ? '' : value.description})`;
    case 'bigint':
      return `${value}n`;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (types.isProxy(value)) return '[Proxy]';
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (types.isDate(value)) {
    return Number.isNaN(apply(dateTime, value, [])) ? 'Invalid Date' : apply(dateToISO, value, []);
  }
  if (types.isNativeError(value)) return { name: String(read(value, 'name')), message: String(read(value, 'message')) };
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  seen.add(value);
  let out;
  if (isArray(value)) {
    out = [];
    const n = value.length;
    for (let i = 0; i < n; i += 1) out[i] = snapshot(read(value, i), depth + 1, seen);
  } else {
    out = {};
    let names;
    try {
      names = keys(value);
    } catch {
      names = [];
    }
    for (let i = 0; i < names.length; i += 1) {
      const v = read(value, names[i]);
      if (v !== undefined) out[names[i]] = snapshot(v, depth + 1, seen);
    }
  }
  seen.delete(value);
  return out;
}

module.exports = { snapshot };
