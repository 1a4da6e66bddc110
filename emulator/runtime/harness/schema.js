'use strict';
/**
 * The JSON-schema checks Auth0's own action runtime makes on `api` arguments, reproduced from the
 * schemas alone (they are data in the Python registry, `Codec`). Auth0 compiles its schemas with ajv
 * (all errors collected) and turns the errors into one message; developers read those messages, so the
 * order in which errors are found and the way they are joined follow ajv's and Auth0's exactly:
 *
 *   - an object's keywords: maxProperties, minProperties, required, additionalProperties (per key of the
 *     value), then each declared property present, in the schema's order;
 *   - a string's: maxLength, minLength (in code points, as ajv counts), pattern;
 *   - errors at one path join with ", " after "<last path segment> "; paths join with "; ".
 *
 * Only the keywords Auth0's input schemas use are supported.
 */

function codePoints(s) {
  let n = 0;
  for (const _ of s) n += 1; // eslint-disable-line no-unused-vars
  return n;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const TYPE_OK = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  array: (v) => Array.isArray(v),
  object: isObject,
};
const escapePath = (key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');
const patterns = new Map();
const regex = (p) => {
  if (!patterns.has(p)) patterns.set(p, new RegExp(p, 'u'));
  return patterns.get(p);
};

function stringKeywords(schema, v, path, errors) {
  const n = codePoints(v);
  if (schema.maxLength !== undefined && n > schema.maxLength) {
    errors.push([path, `must NOT have more than ${schema.maxLength} characters`]);
  }
  if (schema.minLength !== undefined && n < schema.minLength) {
    errors.push([path, `must NOT have fewer than ${schema.minLength} characters`]);
  }
  if (schema.pattern !== undefined && !regex(schema.pattern).test(v)) {
    errors.push([path, `must match pattern "${schema.pattern}"`]);
  }
}

function arrayKeywords(schema, v, path, errors) {
  if (schema.maxItems !== undefined && v.length > schema.maxItems) {
    errors.push([path, `must NOT have more than ${schema.maxItems} items`]);
  }
  if (schema.minItems !== undefined && v.length < schema.minItems) {
    errors.push([path, `must NOT have fewer than ${schema.minItems} items`]);
  }
  if (schema.items) v.forEach((item, i) => check(schema.items, item, `${path}/${i}`, errors));
}

function objectKeywords(schema, v, path, errors) {
  const keys = Object.keys(v);
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    errors.push([path, `must NOT have more than ${schema.maxProperties} properties`]);
  }
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    errors.push([path, `must NOT have fewer than ${schema.minProperties} properties`]);
  }
  for (const name of schema.required || []) {
    if (v[name] === undefined) errors.push([path, `must have required property '${name}'`]);
  }
  const props = schema.properties || {};
  const patternProps = Object.keys(schema.patternProperties || {});
  if (schema.additionalProperties === false) {
    for (const key in v) { // eslint-disable-line guard-for-in -- ajv walks `for...in` too
      const declared = Object.prototype.hasOwnProperty.call(props, key);
      if (!declared && !patternProps.some((p) => regex(p).test(key))) {
        errors.push([path, 'must NOT have additional properties']);
      }
    }
  }
  for (const name of Object.keys(props)) {
    if (v[name] !== undefined) check(props[name], v[name], `${path}/${escapePath(name)}`, errors);
  }
  for (const p of patternProps) {
    for (const key of keys) {
      if (regex(p).test(key)) check(schema.patternProperties[p], v[key], `${path}/${escapePath(key)}`, errors);
    }
  }
}

/** Append `[instancePath, message]` pairs for every way `v` fails `schema`. */
function check(schema, v, path, errors) {
  if (schema.enum) {
    if (!schema.enum.some((allowed) => allowed === v)) errors.push([path, 'must be equal to one of the allowed values']);
    return;
  }
  const types = schema.type === undefined ? [] : [].concat(schema.type);
  if (types.length > 1) {
    // A list of types: the type error first, then each type's own keywords on a value of that type.
    if (!types.some((t) => TYPE_OK[t](v))) errors.push([path, `must be ${types.join(',')}`]);
    if (typeof v === 'string') stringKeywords(schema, v, path, errors);
    if (Array.isArray(v)) arrayKeywords(schema, v, path, errors);
    return;
  }
  const type = types[0];
  if (type && !TYPE_OK[type](v)) {
    errors.push([path, `must be ${type}`]);
    return;
  }
  if (type === 'string') stringKeywords(schema, v, path, errors);
  else if (type === 'array') arrayKeywords(schema, v, path, errors);
  else if (type === 'object') objectKeywords(schema, v, path, errors);
}

/** Auth0's one-line message: errors grouped by path, "<last segment> <message>[, <message>]"; "; " between paths. */
function format(errors) {
  const byPath = new Map();
  for (const [path, message] of errors) {
    if (byPath.has(path)) byPath.set(path, `${byPath.get(path)}, ${message}`);
    else byPath.set(path, `${path.split('/').pop()} ${message}`);
  }
  return [...byPath.values()].join('; ');
}

/** Throw Auth0's Error for `data` failing `schema` (with its optional "<prefix>: "), or return nothing. */
function validate(schema, data, prefix) {
  const errors = [];
  check(schema, data, '', errors);
  if (errors.length) throw new Error(`${prefix ? `${prefix}: ` : ''}${format(errors)}`);
}

/** The arguments as the one object Auth0's schema checks (see registry.Codec). */
function codecInput(codec, args) {
  const data = {};
  codec.fields.forEach((field, i) => {
    if (field === null) return;
    let v = args[i];
    if (!v && Object.prototype.hasOwnProperty.call(codec.or_default, field)) v = codec.or_default[field];
    data[field] = v;
  });
  return data;
}

/** A method's Auth0 schema check on its arguments (nothing when it has none). */
function checkCodec(codec, args) {
  if (codec) validate(codec.schema, codecInput(codec, args), codec.prefix);
}

module.exports = { validate, checkCodec };
