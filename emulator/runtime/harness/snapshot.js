'use strict';
/**
 * A JSON-safe copy of whatever user code passed or returned, taken at call time so that later
 * mutation of the same object does not rewrite history. Functions, symbols, BigInts, cycles and very
 * deep values become readable markers instead of breaking the protocol.
 */
const MAX_DEPTH = 40;

function snapshot(value, depth = 0, seen = new Set()) {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'function':
      return `[Function${value.name ? `: ${value.name}` : ''}]`;
    case 'symbol':
      return value.toString();
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
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  seen.add(value);
  let out;
  if (Array.isArray(value)) {
    out = value.map((v) => snapshot(v, depth + 1, seen));
  } else {
    out = {};
    for (const k of Object.keys(value)) {
      if (value[k] !== undefined) out[k] = snapshot(value[k], depth + 1, seen);
    }
  }
  seen.delete(value);
  return out;
}

module.exports = { snapshot };
