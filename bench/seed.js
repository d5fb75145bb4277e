/**
 * The seeding and ledger targets, as ratios against reference runs in the same process run:
 * - `seed --count N` against `import` of the native export of that same store (a file of the same size);
 * - `seed --count 1000` as a whole process (target under 1 s), and against `node -e 0`;
 * - `orders add` and the start-up of commands that never load faker, against `node -e 0`.
 * Prints figures; never fails on timing.
 *
 *   BENCH_CUSTOMERS=1000000  customers seeded and imported (default 1,000,000)
 *   BENCH_RUNS=20            runs of each short command
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './store.js';
import { timeCommands, timeOnce } from './timing.js';

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const node = process.execPath;
const paths = [];
const fresh = (name) => {
  const path = join(tmpdir(), `customers-bench-seed-${process.pid}-${name}`);
  paths.push(path);
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  return path;
};
const cli = (db, ...args) => [node, BIN, '--db', db, '--quiet', ...args];

console.log(`customers seed bench; Node ${process.version}\n`);
try {
  // seed --count N, then the import of the same store as a native file, in turn, twice: the best of each.
  const seeded = fresh('seeded.db');
  const file = fresh('seeded.csv');
  const best = { seed: Infinity, import: Infinity };
  for (let i = 0; i < 2; i++) {
    for (const s of ['', '-wal', '-shm']) rmSync(seeded + s, { force: true });
    best.seed = Math.min(best.seed, timeOnce(cli(seeded, 'seed', '--count', String(N), '--seed', 'bench')).ms);
    if (i === 0) execFileSync(node, [BIN, '--db', seeded, '--quiet', 'export', file]);
    const imported = fresh('imported.db');
    best.import = Math.min(best.import, timeOnce(cli(imported, 'import', file)).ms);
  }
  const orders = execFileSync(node, [BIN, '--db', seeded, 'orders', 'list', '--format', 'count'], { encoding: 'utf8' }).trim();
  const mb = (statSync(file).size / 1024 / 1024).toFixed(0);
  console.log(`seed --count ${N.toLocaleString('en-US')} (${Number(orders).toLocaleString('en-US')} orders)   ${(best.seed / 1000).toFixed(2)} s`);
  console.log(`import of its native export (${mb} MB)        ${(best.import / 1000).toFixed(2)} s`);
  console.log(`  ratio ${(best.seed / best.import).toFixed(2)}x (target <= 1.5x; best of 2 runs each, taken in turn)\n`);

  // Short commands as whole processes, against bare Node: orders add and list on the seeded store.
  const small = fresh('small.db');
  execFileSync(node, [BIN, '--db', small, '--quiet', 'seed', '--count', '1000']);
  const commands = [
    { name: 'node -e 0', argv: [node, '-e', '0'] },
    { name: 'seed --count 1000 --reset --yes', argv: cli(small, 'seed', '--count', '1000', '--reset', '--yes') },
    { name: 'orders add', argv: cli(seeded, 'orders', 'add', '--email', 'bench@example.com', '--total', '9.90'), target: 1.5 },
    { name: 'customers --version', argv: [node, BIN, '--version'], target: 1.5 },
    { name: 'list --min-orders 5 --limit 20', argv: cli(seeded, 'list', '--min-orders', '5', '--limit', '20'), target: 1.5 },
  ];
  // orders add numbers each order itself (one more than the highest): every run records a new one.
  const results = timeCommands(commands, RUNS);
  const base = results.get('node -e 0').median;
  for (const c of commands) {
    const r = results.get(c.name);
    const target = c.name.startsWith('seed') ? `(target < 1000 ms)` : c.target ? `(target <= ${c.target}x)` : '';
    console.log(`${c.name.padEnd(34)} ${r.median.toFixed(1).padStart(7)} ms  ${(r.median / base).toFixed(2)}x node -e 0 ${target}`);
  }
} finally {
  for (const p of paths) for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });
}
