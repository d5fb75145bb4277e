'use strict';
/**
 * Loads dist/main.cjs with V8's code cache. Why: compiling the 680 KB bundle was ~15 ms of every command's
 * ~45 ms over bare Node (node --cpu-prof, `list --limit 50`); from the cache, V8 skips parsing it and the
 * functions the command ran the first time (Node 20 has no module.enableCompileCache).
 *
 * The cache is only ever a shortcut, never a reason to fail:
 * - it is written after a command has run (so it holds what that command compiled), when none was usable;
 * - it is named by Node's version and architecture, and starts with the bundle's identity (size, inode, change
 *   and modification times): the cache of another build is ignored, and replaced;
 * - V8 checks the code it reads against a checksum only when --verify-snapshot-checksum is on (off in release
 *   builds: a flipped byte crashed Node in Deserializer::ReadSingleBytecodeData); it is turned on here, for
 *   writing and reading alike, so a corrupt cache is rejected (cachedDataRejected) and replaced, never run.
 *   SHA-1 of it in JavaScript cost more than it saved: loading node:crypto alone was ~9 ms;
 * - it is written to a temporary file renamed over the old one: concurrent runs read a whole file or none;
 * - beside dist/ when that folder is writable, else in $XDG_CACHE_HOME/customers (~/.cache/customers); a write
 *   that fails (a read-only install and home) leaves the command as it was, uncached.
 * CUSTOMERS_NO_CODE_CACHE=1 loads the bundle as a plain require().
 */
const fs = require('node:fs');
const path = require('node:path');

/** The cache's first bytes: the bundle's identity, padded. */
const HEADER = 96;

function cacheFile(bundle, env) {
  const name = `main.cjs.${process.version}-${process.arch}`;
  const dist = path.dirname(bundle);
  try {
    fs.accessSync(dist, fs.constants.W_OK);
    return path.join(dist, `${name}.v8cache`);
  } catch {
    const home = env.XDG_CACHE_HOME || (env.HOME && path.join(env.HOME, '.cache'));
    // Named by the install too: two installs sharing the folder would otherwise replace each other's cache.
    return home ? path.join(home, 'customers', `${name}-${hashOf(bundle)}.v8cache`) : undefined;
  }
}

/** FNV-1a of a path, in hexadecimal (node:crypto alone costs ~9 ms to load). */
function hashOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/**
 * The cache's folder and its parent, one level at a time: on Node 20 mkdirSync(recursive) never returns for a
 * path under /proc (XDG_CACHE_HOME=/proc/x spun a finished command at 100% CPU forever).
 */
function makeFolder(folder) {
  for (const dir of [path.dirname(folder), folder]) {
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The bundle's text, and which build it is: any rewrite or copy of the file changes its inode or change time.
 * Both from one open file, so a build during the run cannot pair one's identity with the other's text.
 */
function readBundle(bundle) {
  const fd = fs.openSync(bundle, 'r');
  try {
    const s = fs.fstatSync(fd, { bigint: true });
    const id = Buffer.from(`customers ${s.size} ${s.ino} ${s.mtimeNs} ${s.ctimeNs}`.padEnd(HEADER).slice(0, HEADER));
    return { source: fs.readFileSync(fd, 'utf8'), id };
  } finally {
    fs.closeSync(fd);
  }
}

/** The cached data if the file was made from this very bundle, else undefined. */
function readCache(file, id) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  return bytes.length > HEADER && bytes.subarray(0, HEADER).equals(id) ? bytes.subarray(HEADER) : undefined;
}

function writeCache(file, id, data) {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    makeFolder(path.dirname(file));
    fs.writeFileSync(temporary, Buffer.concat([id, data]));
    fs.renameSync(temporary, file);
  } catch {
    try {
      fs.unlinkSync(temporary);
    } catch {}
  }
}

/**
 * The bundle's exports, whether the cache was used, and save(): call it once the command has run, to write the cache if none was used.
 * `import()` of code compiled by vm.Script needs a flag on Node 20: the bundle's imports go through this file's
 * import() instead (scripts/build.mjs, routeDynamicImports).
 */
function loadBundle(bundle, env = process.env) {
  if (env.CUSTOMERS_NO_CODE_CACHE) return { exports: require(bundle), cached: false, save() {} };
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  require('node:v8').setFlagsFromString('--verify-snapshot-checksum');
  const { source, id } = readBundle(bundle);
  const file = cacheFile(bundle, env);
  const cachedData = file && readCache(file, id);
  const wrapper = `(function (exports, require, module, __filename, __dirname, __customersImportHook) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), (specifier) => import(specifier));
  const usable = cachedData && !script.cachedDataRejected;
  return {
    exports: module.exports,
    cached: Boolean(usable),
    save() {
      if (file && !usable) writeCache(file, id, script.createCachedData());
    },
  };
}

// cacheFile and makeFolder for the tests.
module.exports = { loadBundle, cacheFile, makeFolder };
