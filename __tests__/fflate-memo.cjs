/**
 * Zips kept for the life of the process (./fflate-shared.cjs), by a SHA-256 of everything `zipSync`
 * reads: entry names, bytes and options, and the zip options. Different content is never answered
 * from memory, and a call holding anything else (a function, a class instance) has no key and goes
 * to fflate as it is. Zips are kept and handed out as copies made here, so a caller's changes never
 * reach the next one and no zip keeps the test file that made it alive.
 *
 * Loaded by Node.js, never by jest: what it keeps must outlive a test file. The values it reads come
 * from test files' own contexts, hence checks that hold across contexts (no `instanceof`).
 */
'use strict';
const { createHash } = require('node:crypto');

/** @type {Map<string, Uint8Array>} */
const zips = new Map();

/** Whether `value` is a plain object (`{...}`) of any context. */
function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Feeds `value` to `hash`; false when it holds something other than JSON values, dates and bytes. */
function digestValue(hash, value) {
  const type = Object.prototype.toString.call(value);
  if (value === undefined || value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
    hash.update(`V${JSON.stringify(value) ?? 'u'};`);
  } else if (type === '[object Date]') {
    hash.update(`D${value.getTime()};`);
  } else if (type === '[object Uint8Array]') {
    hash.update(`B${value.byteLength};`);
    hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } else if (Array.isArray(value)) {
    hash.update(`A${value.length};`);
    return value.every((item) => digestValue(hash, item));
  } else if (type === '[object Object]' && isPlainObject(value)) {
    const keys = Object.keys(value);
    hash.update(`O${keys.length};`);
    return keys.every((key) => digestValue(hash, key) && digestValue(hash, value[key]));
  } else {
    return false;
  }
  return true;
}

/** The key of a `zipSync(data, opts)` call, or undefined when it has none. */
function keyOf(data, opts) {
  const hash = createHash('sha256');
  return digestValue(hash, data) && digestValue(hash, opts) ? hash.digest('hex') : undefined;
}

/** A copy of the zip kept under `key`, if any. */
function remembered(key) {
  const zip = zips.get(key);
  return zip === undefined ? undefined : new Uint8Array(zip);
}

/** Keeps a copy of `zip` under `key`; returns another. */
function remember(key, zip) {
  zips.set(key, new Uint8Array(zip));
  return new Uint8Array(zip);
}

module.exports = { keyOf, remember, remembered };
