/**
 * Zips kept (./fflate-shared.cjs) by a SHA-256 of everything `zipSync` reads: entry names, bytes and
 * options, the zip options, and fflate's version. Different content is never answered from what is
 * kept, and a call holding anything else (a function, a class instance) has no key and goes to
 * fflate as it is. Zips are kept and handed out as copies made here, so a caller's changes never
 * reach the next one and no zip keeps the test file that made it alive.
 *
 * Kept for the life of the process, and in the checkout's `.build/test-zips/` for the next run: a
 * zip is named by its key, so a kept one always holds what fflate would write, and the run after an
 * edit of a stack zips no handler again (each worker zipped every handler at level 9 once per run,
 * about 3 % of the inner loop's CPU with jest's workers at V8's baseline tier, issue 22). A process
 * removes zips kept for over {@link KEEP_DAYS} days the first time it keeps one.
 *
 * Loaded by Node.js, never by jest: what it keeps must outlive a test file. The values it reads come
 * from test files' own contexts, hence checks that hold across contexts (no `instanceof`).
 */
'use strict';
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { writeAside } = require('./write-aside.cjs');

/** Where zips are kept between runs. */
const STORE = join(__dirname, '..', '.build', 'test-zips');
/** A kept zip older than this is removed (and made again when asked for). */
const KEEP_DAYS = 7;
/** fflate's version: part of every key, so another fflate's zips are never handed out. */
const FFLATE_VERSION = JSON.parse(readFileSync(require.resolve('fflate/package.json'), 'utf8')).version;

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
  const hash = createHash('sha256').update(`fflate ${FFLATE_VERSION};`);
  return digestValue(hash, data) && digestValue(hash, opts) ? hash.digest('hex') : undefined;
}

/** A copy of the zip kept under `key`, in the process or in {@link STORE}, if any. */
function remembered(key, store = STORE) {
  let zip = zips.get(key);
  if (zip === undefined) {
    try {
      zip = new Uint8Array(readFileSync(join(store, `${key}.zip`)));
    } catch {
      return undefined; // not kept yet
    }
    zips.set(key, zip);
  }
  return new Uint8Array(zip);
}

let pruned = false;

/** Keeps a copy of `zip` under `key`, in the process and in {@link STORE}; returns another. */
function remember(key, zip, store = STORE) {
  zips.set(key, new Uint8Array(zip));
  if (!pruned) {
    pruned = true;
    removeOld(store, Date.now());
  }
  writeAside(join(store, `${key}.zip`), zip);
  return new Uint8Array(zip);
}

/** Removes the zips of `store` kept for over {@link KEEP_DAYS} days. */
function removeOld(store, now) {
  let names;
  try {
    names = readdirSync(store);
  } catch {
    return; // nothing kept yet
  }
  for (const name of names) {
    const file = join(store, name);
    try {
      if (now - statSync(file).mtimeMs > KEEP_DAYS * 24 * 3600 * 1000) rmSync(file, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

module.exports = { KEEP_DAYS, keyOf, remember, remembered, removeOld };
