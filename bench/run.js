/**
 * npm run bench: whole-process timings on a large store, as ratios against bare Node start-up measured
 * in the same run (`node -e 0`). Prints figures; never fails on timing.
 *
 *   BENCH_CUSTOMERS=1000000  size of the store (default 1,000,000)
 *   BENCH_RUNS=20            runs per command
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { benchStore, BIN } from './store.js';
import { timeCommands, timeOnce } from './timing.js';

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const node = process.execPath;
const store = benchStore(N);
const cli = (...args) => [node, BIN, '--db', store, ...args];
/** A piece of a customer's e-mail, as a merchant searching for an address types it. */
const emailPart = JSON.parse(execFileSync(node, cli('show', '4242', '--json').slice(1), { encoding: 'utf8' })).email.slice(2, 12);

console.log(`customers bench: ${N.toLocaleString('en-US')} customers, ${RUNS} runs each, output to a pipe (tsv); Node ${process.version}\n`);

const commands = [
  { name: 'node -e 0', argv: [node, '-e', '0'] },
  { name: 'customers --version', argv: [node, BIN, '--version'], target: 1.5 },
  { name: 'search dupont --limit 20', argv: cli('search', 'dupont', '--limit', '20'), target: 1.5 },
  { name: `search ${emailPart} --limit 20`, argv: cli('search', emailPart, '--limit', '20'), target: 1.5 },
  { name: 'search "+33 6 12" --limit 20', argv: cli('search', '+33 6 12', '--limit', '20'), target: 1.5 },
  { name: 'list --group Retail --min-orders 5 --limit 50', argv: cli('list', '--group', 'Retail', '--min-orders', '5', '--limit', '50'), target: 1.5 },
  { name: 'list --country BE --sort total_spent:desc --limit 50', argv: cli('list', '--country', 'BE', '--sort', 'total_spent:desc', '--limit', '50') },
  { name: 'list --tag vip --format count', argv: cli('list', '--tag', 'vip', '--format', 'count') },
];
const results = timeCommands(commands, RUNS);
const base = results.get('node -e 0').median;
const rows = commands.map((c) => {
  const r = results.get(c.name);
  const ratio = r.median / base;
  const verdict = c.target ? (ratio <= c.target ? `ok (target <= ${c.target}x)` : `OVER (target <= ${c.target}x)`) : '';
  return [c.name, r.median.toFixed(1), r.min.toFixed(1), `${ratio.toFixed(2)}x`, verdict];
});
printTable(['command', 'median ms', 'min ms', 'vs node -e 0', ''], rows);

// Bulk update: the 100,000 customers of the Wholesale group moved to an empty group and back, 3 times.
const copy = join(tmpdir(), `customers-bench-${process.pid}.db`);
copyFileSync(store, copy);
try {
  const run = (...args) => {
    const env = typeof args.at(-1) === 'object' ? args.pop() : {};
    return timeOnce([node, BIN, '--db', copy, ...args], env);
  };
  run('groups', 'create', 'Moved');
  const times = [];
  let moved = '';
  for (let i = 0; i < 3; i++) {
    const there = run('update', '--group', 'Wholesale', '--set', 'group=Moved', '--yes');
    const back = run('update', '--group', 'Moved', '--set', 'group=Wholesale', '--yes');
    moved = /Changed ([\d,]+)/.exec(there.stderr)?.[1] ?? '?';
    times.push(there.ms, back.ms);
  }
  console.log(`\nupdate --group G --set group=H --yes over ${moved} customers: ` +
    `${times.map((t) => t.toFixed(0)).join(' / ')} ms (target < 2000 ms)`);
  historyCost(copy, run);
} finally {
  for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
}

/**
 * What recording the history costs an update of 100,000 customers: the same update with and without it
 * (CUSTOMERS_BENCH_NO_HISTORY), in turn, 3 times each; and how much the store grows by the recording,
 * against the size of the before-images it keeps.
 */
function historyCost(path, run) {
  const recorded = [];
  const unrecorded = [];
  const size = () => {
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = db.pragma('page_count', { simple: true }) * db.pragma('page_size', { simple: true }) - db.pragma('freelist_count', { simple: true }) * db.pragma('page_size', { simple: true });
    db.close();
    return bytes;
  };
  let growth = 0;
  let kept = 0;
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    unrecorded.push(run('update', '--group', 'Wholesale', '--set', `note=Unrecorded ${i}`, '--yes', { CUSTOMERS_BENCH_NO_HISTORY: '1' }).ms);
    const before = size();
    recorded.push(run('update', '--group', 'Wholesale', '--set', `note=Recorded ${i}`, '--yes').ms);
    growth = size() - before;
    ({ kept, rows } = imageSizes(path));
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const cost = median(recorded) / median(unrecorded) - 1;
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(`update --group Wholesale --set note=... over 100,000 customers: ${median(recorded).toFixed(0)} ms, ` +
    `${median(unrecorded).toFixed(0)} ms recording no history: recording it costs ${(cost * 100).toFixed(1)}% (target <= 25%)`);
  console.log(`  the store grew ${mb(growth)}: ${(growth / rows).toFixed(2)}x the before-images of the rows changed (${mb(rows)} as whole ` +
    `rows with their tags; target <= 1x); the history keeps ${mb(kept)} of them (only the fields changed), SQLite's pages the rest`);
}

/** The latest operation's images as kept, and the customers it changed as whole rows (JSON of every column and the tags). */
function imageSizes(path) {
  const db = new Database(path, { readonly: true });
  const op = db.prepare('SELECT max(id) FROM history').pluck().get();
  const columns = db.pragma('table_info(customers)').map((c) => `'${c.name}', c.${c.name}`).join(', ');
  const kept = db.prepare('SELECT sum(length(before)) FROM history_customers WHERE op = ?').pluck().get(op);
  const rows = db.prepare(
    `SELECT sum(length(json_object(${columns}, 'tags', json((SELECT json_group_array(tag) FROM customer_tags t WHERE t.customer_id = c.id)))))
     FROM customers c WHERE c.id IN (SELECT customer_id FROM history_customers WHERE op = ?)`,
  ).pluck().get(op);
  db.close();
  return { kept, rows };
}

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}
