/**
 * node bench/seed-generate.js: how long the seed generator takes to load faker and to make customers (no
 * database). Bundles src/core/seed/generate.ts with esbuild into bench/data/ (git-ignored), faker left
 * outside as in the CLI's build. Prints figures; never fails on timing.
 *
 *   BENCH_SEED_COUNT=1000000   customers per locale (default 1,000,000)
 *   BENCH_SEED_LOCALES=fr,mix  locales to time (default fr,mix)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}bench/data/seed-generate.mjs`;
const COUNT = Number(process.env.BENCH_SEED_COUNT ?? 1_000_000);
const LOCALES = (process.env.BENCH_SEED_LOCALES ?? 'fr,mix').split(',');

/** Runs in a fresh process per locale, so that each load time is a cold import. */
const RUN = `
const started = performance.now();
const { loadSeedGenerator } = await import(${JSON.stringify(OUT)});
const generator = await loadSeedGenerator({ seed: 'bench', locale: process.argv[1], now: new Date(0) });
const loaded = performance.now();
let orders = 0;
for (let i = 0; i < ${COUNT}; i++) orders += generator.customer(i).orders.length;
const done = performance.now();
console.log(JSON.stringify({ loadMs: loaded - started, generateMs: done - loaded, orders }));
`;

mkdirSync(`${ROOT}bench/data`, { recursive: true });
await build({
  absWorkingDir: ROOT, entryPoints: ['src/core/seed/generate.ts'], outfile: OUT, bundle: true, format: 'esm', platform: 'node',
  target: 'node20', external: ['@faker-js/faker'], logLevel: 'warning',
});

console.log(`seed generator: ${COUNT.toLocaleString('en-US')} customers per locale; Node ${process.version}\n`);
for (const locale of LOCALES) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', RUN, locale], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`--locale ${locale}: ${r.stderr}`);
  const { loadMs, generateMs, orders } = JSON.parse(r.stdout);
  const perCustomer = (generateMs * 1000) / COUNT;
  console.log(`--locale ${locale.padEnd(4)} load ${loadMs.toFixed(0).padStart(4)} ms   generate ${(generateMs / 1000).toFixed(2)} s (${perCustomer.toFixed(2)} µs a customer, ${orders.toLocaleString('en-US')} orders)`);
}
