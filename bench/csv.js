/**
 * npm run bench -- csv: the figures a merchant with a large list sees, for 100,000 and 1,000,000 diverse
 * customers (bench/people.js) in a Shopify export, each against a reference measured in the same run:
 * - import into an empty store, against the sqlite3 shell's `.import` into a table with a unique e-mail index;
 * - the store's size, against that sqlite3 table with its index;
 * - `db reindex` (the search index alone);
 * - export, against `sqlite3 -csv` of the same rows and columns;
 * - search, listing, sorted listings (every sortable field, both directions) and a tag count, against `node -e 0`.
 * Every figure is the median of BENCH_RUNS (default 3) runs, each paired with its reference. Prints a table
 * with the command of each figure; never fails on timing.
 *
 *   BENCH_CUSTOMERS=1000000  the larger size (the smaller is a tenth of it)
 *   BENCH_RUNS=3             paired runs of the long figures
 *   BENCH_QUERY_RUNS=10      runs of each query (interleaved with node -e 0)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { generateCustomers } from './people.js';
import { BIN } from './store.js';
import { timeCommands } from './timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 10);

const SHOPIFY_HEADER = ['Customer ID', 'First Name', 'Last Name', 'Email', 'Accepts Email Marketing', 'Default Address Company',
  'Default Address Address1', 'Default Address Address2', 'Default Address City', 'Default Address Province Code',
  'Default Address Country Code', 'Default Address Zip', 'Default Address Phone', 'Phone', 'Accepts SMS Marketing',
  'Total Spent', 'Total Orders', 'Note', 'Tax Exempt', 'Tags'];

function quote(v) {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A Shopify-format export of n generated customers, kept under bench/data/. */
async function shopifyFile(n) {
  const dir = `${ROOT}bench/data`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/shopify-${n}.csv`;
  if (existsSync(path)) return path;
  const out = createWriteStream(`${path}.partial`);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(SHOPIFY_HEADER.join(',') + '\n');
  let i = 0;
  for (const c of generateCustomers(n)) {
    i++;
    const row = [String(7000000000000 + i), c.first_name, c.last_name, c.email, c.accepts_marketing ? 'yes' : 'no', c.company ?? '',
      c.street, '', c.city, '', c.country, c.postal_code, '', c.phone ?? '', 'no',
      (c.total_spent_minor / 100).toFixed(2), String(c.order_count), c.note ?? '', c.tax_exempt ? 'yes' : 'no', c.tags.join(', ')];
    const p = write(row.map(quote).join(',') + '\n');
    if (p) await p;
  }
  await new Promise((r) => out.end(r));
  renameSync(`${path}.partial`, path);
  return path;
}

/** Runs a command under /usr/bin/time: wall seconds and peak resident memory. */
function measure(argv, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds, mb: kb / 1024 };
}

function sqlite3() {
  if (spawnSync('sqlite3', ['--version']).status === 0) return 'sqlite3';
  console.log('The sqlite3 command-line shell is missing: apt-get install -y sqlite3');
  process.exit(0);
}

const made = new Set();
/** A path for a new database file in the temporary folder (removed, with its -wal and -shm, at the end). */
function fresh(name) {
  const path = join(tmpdir(), `customers-bench-${process.pid}-${name}`);
  remove(path);
  made.add(path);
  return path;
}
function remove(path) {
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

/** RUNS paired runs: the reference then ours, each time. Medians of seconds, the largest peak memory. */
function paired(reference, ours) {
  const runs = { ref: [], ours: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.ref.push(reference(i));
    runs.ours.push(ours(i));
  }
  const summary = (list) => ({ seconds: median(list.map((r) => r.seconds)), mb: Math.max(...list.map((r) => r.mb)) });
  return { ref: summary(runs.ref), ours: summary(runs.ours) };
}

/** Sizes of the store's parts, from SQLite's dbstat: the customers table, the search index, every other index. */
function storeParts(path) {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all();
  const tables = new Map(db.prepare("SELECT name, type FROM sqlite_schema").all().map((r) => [r.name, r.type]));
  db.close();
  const parts = { table: 0, search: 0, indexes: 0, other: 0 };
  for (const { name, bytes } of rows) {
    if (name === 'customers') parts.table += bytes;
    else if (name.startsWith('customers_search')) parts.search += bytes;
    else if (tables.get(name) === 'index' || name.startsWith('sqlite_autoindex')) parts.indexes += bytes;
    else parts.other += bytes;
  }
  return parts;
}

async function scale(n, rows) {
  const file = await shopifyFile(n);
  const label = n.toLocaleString('en-US');
  const columns = SHOPIFY_HEADER.map((h) => `"${h}" TEXT`).join(', ');
  const refDb = fresh(`ref-${n}.db`);
  const db = fresh(`store-${n}.db`);
  const importCmd = `customers import shopify-${n}.csv`;
  const imp = paired(
    () => {
      remove(refDb);
      return measure([sqlite3(), refDb, `CREATE TABLE c (${columns}); CREATE UNIQUE INDEX c_email ON c ("Email");`, '.mode csv', `.import --skip 1 ${file} c`]);
    },
    () => {
      remove(db);
      return measure([node, BIN, '--db', db, '--quiet', 'import', file]);
    },
  );
  rows.push([`import ${label} (${mb(statSync(file).size)} file)`, importCmd, `${imp.ours.seconds.toFixed(1)} s, peak ${imp.ours.mb.toFixed(0)} MB`,
    `${imp.ref.seconds.toFixed(1)} s (sqlite3 .import, unique e-mail index)`, ratio(imp.ours.seconds, imp.ref.seconds), '<= 3x (aim 2x); < 300 MB']);
  const parts = storeParts(db);
  const ours = statSync(db).size;
  rows.push([`store size, ${label}`, 'ls -l', `${mb(ours)} (table ${mb(parts.table)}, search ${mb(parts.search)}, other indexes ${mb(parts.indexes)}, rest ${mb(parts.other)})`,
    `${mb(statSync(refDb).size)} (sqlite3 table and index)`, ratio(ours, statSync(refDb).size), '<= 2x']);
  const reindex = [];
  for (let i = 0; i < RUNS; i++) reindex.push(measure([node, BIN, '--db', db, '--quiet', 'db', 'reindex']).seconds);
  rows.push([`db reindex, ${label}`, 'customers db reindex', `${median(reindex).toFixed(1)} s`, '', '', '']);
  const select = `SELECT c.id, c.email, c.first_name, c.last_name, c.phone, c.company, g.name, c.tax_exempt, c.tax_id,
    c.accepts_marketing, c.lang, c.note,
    (SELECT group_concat(tag, ', ') FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag)),
    c.street, c.street2, c.city, c.region, c.postal_code, c.country, c.order_count, c.total_spent_minor, c.created_at, c.updated_at
    FROM customers c LEFT JOIN groups g ON g.id = c.group_id ORDER BY c.id`.replace(/\s+/g, ' ');
  const exp = paired(
    () => measure(['sh', '-c', `${sqlite3()} -csv -header "${db}" "${select}" > /dev/null`]),
    () => measure(['sh', '-c', `"${node}" "${BIN}" --db "${db}" --quiet export > /dev/null`]),
  );
  rows.push([`export ${label}`, 'customers export > /dev/null', `${exp.ours.seconds.toFixed(1)} s, peak ${exp.ours.mb.toFixed(0)} MB`,
    `${exp.ref.seconds.toFixed(1)} s (sqlite3 -csv)`, ratio(exp.ours.seconds, exp.ref.seconds), '<= 2x']);
  remove(refDb);
  return db;
}

const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

/** The searches and listings a merchant runs daily, and a sorted listing by every sortable field. */
function queries(db, rows) {
  const cli = (...args) => [node, BIN, '--db', db, ...args];
  const sortable = execFileSync(node, [BIN, 'completion', 'bash'], { encoding: 'utf8' });
  const fields = [...new Set([...sortable.matchAll(/\b([a-z_]+):desc\b/g)].map((m) => m[1]))];
  const sample = JSON.parse(execFileSync(node, [BIN, '--db', db, 'show', '4242', '--json'], { encoding: 'utf8' }));
  const named = [
    ['search müller --limit 50', ['search', 'müller', '--limit', '50']],
    [`search ${sample.email.slice(2, 12)} --limit 50`, ['search', sample.email.slice(2, 12), '--limit', '50']],
    ['search "+33 6 12" --limit 50', ['search', '+33 6 12', '--limit', '50']],
    ['search gmail --format count', ['search', 'gmail', '--format', 'count']],
    ['list --limit 50', ['list', '--limit', '50']],
    ['list --sort total_spent:desc --limit 50', ['list', '--sort', 'total_spent:desc', '--limit', '50']],
    ['list --sort name --limit 50', ['list', '--sort', 'name', '--limit', '50']],
    ['list --tag vip --format count', ['list', '--tag', 'vip', '--format', 'count']],
  ];
  const commands = [{ name: 'node -e 0', argv: [node, '-e', '0'] }, ...named.map(([name, args]) => ({ name, argv: cli(...args) }))];
  const results = timeCommands(commands, QUERY_RUNS);
  const base = results.get('node -e 0').median;
  rows.push(['node -e 0', 'node -e 0', `${base.toFixed(0)} ms`, '', '', '']);
  for (const [name] of named) {
    const ms = results.get(name).median;
    rows.push([name, `customers ${name}`, `${ms.toFixed(0)} ms`, `${base.toFixed(0)} ms (node -e 0)`, ratio(ms, base), '<= 1.3x']);
  }
  // Every sortable field, both ways: fewer runs each; the slowest is the figure.
  const sorts = fields.flatMap((f) => [f, `${f}:desc`]).map((s) => ({ name: s, argv: cli('list', '--sort', s, '--limit', '50') }));
  const sorted = timeCommands([{ name: 'node -e 0', argv: [node, '-e', '0'] }, ...sorts], 3);
  const sortBase = sorted.get('node -e 0').median;
  const by = sorts.map((s) => [s.name, sorted.get(s.name).median]).sort((a, b) => b[1] - a[1]);
  const over = by.filter(([, ms]) => ms / sortBase > 1.3).map(([s]) => s);
  rows.push([`list --sort F[:desc] --limit 50, slowest of ${sorts.length}`, `customers list --sort ${by[0][0]} --limit 50`, `${by[0][1].toFixed(0)} ms`,
    `${sortBase.toFixed(0)} ms (node -e 0)`, ratio(by[0][1], sortBase), `<= 1.3x; ${over.length} over${over.length ? `: ${over.slice(0, 8).join(' ')}${over.length > 8 ? ' ...' : ''}` : ''}`]);
}

function printMarkdown(rows) {
  const head = ['figure', 'command', 'customers', 'reference', 'ratio', 'target'];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`| ${head.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`);
}

console.log(`customers csv bench: diverse customers (bench/people.js); medians of ${RUNS} paired runs, queries ${QUERY_RUNS}; Node ${process.version}\n`);
const rows = [];
try {
  for (const n of [Math.round(N / 10), N]) {
    const db = await scale(n, rows);
    if (n === N) queries(db, rows);
    else remove(db);
  }
} finally {
  for (const path of made) remove(path);
}
printMarkdown(rows);
