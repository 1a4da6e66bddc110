'use strict';
/**
 * Keeps the host's own realm as the harness left it. Action code runs in realms of its own (realm.js),
 * but Node's modules and globals are shared objects, so a determined action can still reach this realm
 * (`require('fs').constructor.constructor('return this')()`) and patch JSON.stringify, Array.prototype
 * or Promise. `capture()` records the property descriptors of every intrinsic the harness relies on
 * before any user code loads; `restore()` puts back whatever was changed, removes what was added to the
 * prototypes that property lookups walk, and says what it found. The harness calls it before it records
 * or reports anything, so nothing an action did to the shared realm can change what is reported, and a
 * polluted realm is never carried into the next action's run.
 */
const { getOwnPropertyDescriptor, defineProperty, getPrototypeOf, setPrototypeOf, isExtensible, is } = Object;
const { ownKeys, apply, deleteProperty } = Reflect;
const ArrayPush = Array.prototype.push;
const toName = String;
const MapSet = Map.prototype.set;
const MapHas = Map.prototype.has;

// [{ name, obj, names: [key...], descs: [descriptor...], known: Map(key -> true), proto, strict }]
const watched = [];

function watch(name, obj, strict, only) {
  if (!obj || (typeof obj !== 'object' && typeof obj !== 'function')) return;
  const names = only ? only.filter((k) => getOwnPropertyDescriptor(obj, k)) : ownKeys(obj);
  const descs = [];
  const known = new Map();
  for (let i = 0; i < names.length; i += 1) {
    apply(ArrayPush, descs, [getOwnPropertyDescriptor(obj, names[i])]);
    apply(MapSet, known, [names[i], true]);
  }
  apply(ArrayPush, watched, [{ name, obj, names, descs, known, proto: getPrototypeOf(obj), strict }]);
}

function same(a, b) {
  return is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable
    && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

/** Record the intrinsics. `extra` lists more [name, object] pairs (Node modules the harness uses). */
function capture(extra = []) {
  const iteratorProto = getPrototypeOf(getPrototypeOf([][Symbol.iterator]()));
  const strict = [
    ['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype],
    ['Function.prototype', Function.prototype], ['Promise.prototype', Promise.prototype],
    ['String.prototype', String.prototype], ['Number.prototype', Number.prototype],
    ['Error.prototype', Error.prototype], ['Map.prototype', Map.prototype], ['Set.prototype', Set.prototype],
    ['RegExp.prototype', RegExp.prototype],
    ['%IteratorPrototype%', iteratorProto], ['%ArrayIteratorPrototype%', getPrototypeOf([][Symbol.iterator]())],
    ['%MapIteratorPrototype%', getPrototypeOf(new Map()[Symbol.iterator]())],
  ];
  // Of the globals, only those the harness looks up by name at run time.
  const loose = [
    ['globalThis', globalThis, ['JSON', 'Object', 'Array', 'Promise', 'Reflect', 'Map', 'Set', 'String', 'Number',
      'Boolean', 'Symbol', 'Error', 'TypeError', 'RangeError', 'Date', 'RegExp', 'Math', 'Buffer', 'URL',
      'setTimeout', 'clearTimeout', 'setImmediate', 'queueMicrotask', 'performance', 'console', 'process']],
    ['Object', Object], ['Array', Array], ['Promise', Promise], ['JSON', JSON], ['Reflect', Reflect],
    ['Buffer', Buffer, ['from', 'byteLength', 'isBuffer', 'alloc', 'concat']], ...extra,
  ];
  // Prototypes are strict: anything added to them answers the harness's missing-property lookups (an
  // `Object.prototype.access` getter), so additions are removed. Additions to globals and statics (a
  // library's Reflect.metadata polyfill) are harmless to the harness and left alone.
  for (const [name, obj] of strict) watch(name, obj, true);
  for (const [name, obj, only] of loose) watch(name, obj, false, only);
}

/**
 * Put every watched intrinsic back as captured (or only the one named `only`). Returns the names of what had been changed (empty when
 * nothing was), and `fatal` when something could not be undone (a frozen prototype, a non-configurable
 * addition): the host must then be replaced before it runs anything else.
 */
function restore(only) {
  const changed = [];
  let fatal = false;
  const note = (what) => apply(ArrayPush, changed, [what]);
  for (let i = 0; i < watched.length; i += 1) {
    const w = watched[i];
    if (only !== undefined && w.name !== only) continue;
    const { obj, names, descs } = w;
    if (getPrototypeOf(obj) !== w.proto) {
      note(`${w.name} [[Prototype]]`);
      try { setPrototypeOf(obj, w.proto); } catch { fatal = true; }
    }
    if (w.strict) {
      const now = ownKeys(obj);
      for (let k = 0; k < now.length; k += 1) {
        if (apply(MapHas, w.known, [now[k]])) continue;
        note(`${w.name}.${toName(now[k])} (added)`);
        if (!deleteProperty(obj, now[k])) fatal = true;
      }
      if (!isExtensible(obj)) {
        note(`${w.name} (frozen)`);
        fatal = true;
      }
    }
    for (let k = 0; k < names.length; k += 1) {
      const current = getOwnPropertyDescriptor(obj, names[k]);
      if (current && same(current, descs[k])) continue;
      note(`${w.name}.${toName(names[k])}`);
      try {
        defineProperty(obj, names[k], descs[k]);
      } catch {
        fatal = true;
      }
    }
  }
  return { changed, fatal };
}

module.exports = { capture, restore, watch };
