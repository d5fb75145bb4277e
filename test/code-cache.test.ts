/** bin/code-cache.cjs: the V8 code cache of the bundle is a shortcut that a stale, corrupt or contended file never breaks. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LOADER = join(__dirname, '..', 'bin', 'code-cache.cjs');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'customers-code-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bundleText = (answer: number) =>
  `exports.answer = ${answer}; exports.twice = (n) => n * 2; exports.load = () => __customersImportHook('node:path');\n`;

/** Loads the bundle in a fresh process (V8 reuses code it has compiled in the same one), runs it, saves. */
function load(bundle: string): { answer: number; cached: boolean; sep: string } {
  const program = `const { loadBundle } = require(${JSON.stringify(LOADER)});
const b = loadBundle(${JSON.stringify(bundle)}, {});
b.exports.load().then((path) => { b.save(); console.log(JSON.stringify({ answer: b.exports.answer + b.exports.twice(0), cached: b.cached, sep: path.sep })); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', program], { encoding: 'utf8' }));
}

const cacheOf = () => join(dir, readdirSync(dir).find((f) => f.endsWith('.v8cache'))!);

describe('the code cache', () => {
  it('is written by the first run and used by the next; import() works from the cached code', () => {
    const bundle = join(dir, 'main.cjs');
    writeFileSync(bundle, bundleText(41));
    expect(load(bundle)).toEqual({ answer: 41, cached: false, sep: '/' });
    expect(load(bundle)).toEqual({ answer: 41, cached: true, sep: '/' });
  });

  it('is ignored, and replaced, when the bundle is rebuilt, even to the same length', () => {
    const bundle = join(dir, 'main.cjs');
    writeFileSync(bundle, bundleText(41));
    load(bundle);
    writeFileSync(bundle, bundleText(42));
    expect(load(bundle)).toEqual({ answer: 42, cached: false, sep: '/' });
    expect(load(bundle)).toEqual({ answer: 42, cached: true, sep: '/' });
  });

  it('is ignored, and replaced, when corrupt or cut', () => {
    const bundle = join(dir, 'main.cjs');
    writeFileSync(bundle, bundleText(41));
    load(bundle);
    const bytes = readFileSync(cacheOf());
    for (let i = 100; i < bytes.length; i += 7) bytes[i] ^= 0x5a; // past the header: the code itself
    writeFileSync(cacheOf(), bytes);
    expect(load(bundle)).toEqual({ answer: 41, cached: false, sep: '/' });
    expect(load(bundle).cached).toBe(true);
    writeFileSync(cacheOf(), bytes.subarray(0, 150));
    expect(load(bundle)).toEqual({ answer: 41, cached: false, sep: '/' });
  });

  it('survives concurrent first runs: each works, one whole cache is left, no temporary file', async () => {
    const bundle = join(dir, 'main.cjs');
    writeFileSync(bundle, bundleText(41));
    const program = `const b = require(${JSON.stringify(LOADER)}).loadBundle(${JSON.stringify(bundle)}, {}); b.save(); console.log(b.exports.answer);`;
    const runs = Array.from({ length: 6 }, () => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', program]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    }));
    expect(await Promise.all(runs)).toEqual(Array(6).fill('41\n'));
    expect(readdirSync(dir).filter((f) => f !== 'main.cjs')).toEqual([`main.cjs.${process.version}-${process.arch}.v8cache`]);
    expect(load(bundle).cached).toBe(true);
  });

  it('goes to the cache folder under a name of its install when dist/ cannot be written, and gives up at once on a folder it cannot make', () => {
    const { cacheFile } = createRequire(import.meta.url)(LOADER);
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    // Root may write anywhere: the folder's check is passed a bundle under /proc, which nobody may write to.
    const [a, b] = ['/proc/a/dist/main.cjs', '/proc/b/dist/main.cjs'].map((bundle) => cacheFile(bundle, env) as string);
    expect(a.startsWith(join(dir, 'cache', 'customers', `main.cjs.${process.version}-${process.arch}-`))).toBe(true);
    expect(a).not.toBe(b);
    // mkdirSync(recursive) never returns under /proc on Node 20: the folder is made one level at a time.
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(LOADER)}).makeFolder('/proc/customers-nope/customers')`], { timeout: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
  });

  it('is skipped with CUSTOMERS_NO_CODE_CACHE', () => {
    const bundle = join(dir, 'plain.cjs');
    writeFileSync(bundle, 'exports.answer = 7;\n');
    const { loadBundle } = createRequire(import.meta.url)(LOADER);
    expect(loadBundle(bundle, { CUSTOMERS_NO_CODE_CACHE: '1' }).exports.answer).toBe(7);
    expect(readdirSync(dir)).toEqual(['plain.cjs']);
  });
});
