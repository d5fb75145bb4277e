/**
 * npm run bench -- csv: CSV import and export of 1,000,000 customers (and a file ten times smaller),
 * against the sqlite3 command-line shell doing the same work in the same run. Prints figures; never fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCustomers } from './people.js';
import { BIN } from './store.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;

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
  return { seconds, mb: kb / 1024, stdout: r.stdout };
}

function sqlite3() {
  const found = spawnSync('sqlite3', ['--version']);
  if (found.status === 0) return 'sqlite3';
  console.log('The sqlite3 command-line shell is missing: apt-get install -y sqlite3');
  process.exit(0);
}

const fresh = (name) => {
  const path = join(tmpdir(), `customers-bench-${process.pid}-${name}.db`);
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  return path;
};

/**
 * The import as users run it, and the same recording no history (CUSTOMERS_BENCH_NO_HISTORY), in turn, twice
 * each: the best run of each, so that the difference is the recording and not the machine's drift.
 */
function historyCost(file) {
  const runs = { ours: [], unrecorded: [] };
  let db;
  for (let i = 0; i < 2; i++) {
    const off = fresh('import-no-history');
    runs.unrecorded.push(measure([node, BIN, '--db', off, '--quiet', 'import', file], { env: { ...process.env, CUSTOMERS_BENCH_NO_HISTORY: '1' } }));
    for (const s of ['', '-wal', '-shm']) rmSync(off + s, { force: true });
    db = fresh('import');
    runs.ours.push(measure([node, BIN, '--db', db, '--quiet', 'import', file]));
  }
  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { db, ours: best(runs.ours), unrecorded: best(runs.unrecorded) };
}

async function importBench(n) {
  const file = await shopifyFile(n);
  const size = statSync(file).size / 1024 / 1024;
  const refDb = fresh('ref');
  const columns = SHOPIFY_HEADER.map((h) => `"${h}" TEXT`).join(', ');
  const ref = measure([sqlite3(), refDb, `CREATE TABLE c (${columns}); CREATE UNIQUE INDEX c_email ON c ("Email");`, '.mode csv', `.import --skip 1 ${file} c`]);
  const single = fresh('import-main-thread');
  const oneThread = measure([node, BIN, '--db', single, '--quiet', 'import', file], { env: { ...process.env, CUSTOMERS_NO_WORKER: '1' } });
  for (const s of ['', '-wal', '-shm']) rmSync(single + s, { force: true });
  const { db, ours, unrecorded } = historyCost(file);
  const count = execFileSync(node, [BIN, '--db', db, 'list', '--format', 'count'], { encoding: 'utf8' }).trim();
  console.log(`import ${n.toLocaleString('en-US')} rows (${size.toFixed(0)} MB Shopify file):`);
  console.log(`  sqlite3 .import (unique index on e-mail)   ${ref.seconds.toFixed(2)} s  ${ref.mb.toFixed(0)} MB peak`);
  console.log(`  same, parsing on the main thread           ${oneThread.seconds.toFixed(2)} s  ${oneThread.mb.toFixed(0)} MB peak`);
  console.log(`  customers import (search index included)   ${ours.seconds.toFixed(2)} s  ${ours.mb.toFixed(0)} MB peak  ` +
    `= ${(ours.seconds / ref.seconds).toFixed(2)}x sqlite3 (target <= 2x, < 300 MB); ${count} customers`);
  const cost = ours.seconds / unrecorded.seconds - 1;
  console.log(`  same, recording no history                 ${unrecorded.seconds.toFixed(2)} s: recording it costs ${(cost * 100).toFixed(1)}% ` +
    `(target <= 10%; best of 2 runs each, taken in turn)`);
  rmSync(refDb, { force: true });
  return db;
}

function exportBench(db, n) {
  const select = `SELECT c.id, c.email, c.first_name, c.last_name, c.phone, c.company, g.name, c.tax_exempt, c.tax_id,
    c.accepts_marketing, c.lang, c.note,
    (SELECT group_concat(tag, ', ') FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag)),
    c.street, c.street2, c.city, c.region, c.postal_code, c.country, c.order_count, c.total_spent_minor, c.created_at, c.updated_at
    FROM customers c LEFT JOIN groups g ON g.id = c.group_id ORDER BY c.id`;
  const ref = measure(['sh', '-c', `${sqlite3()} -csv -header "${db}" "${select.replace(/\s+/g, ' ')}" > /dev/null`]);
  const ours = measure(['sh', '-c', `"${node}" "${BIN}" --db "${db}" --quiet export > /dev/null`]);
  console.log(`export ${n.toLocaleString('en-US')} customers (native, all columns, to /dev/null):`);
  console.log(`  sqlite3 -csv of the same rows and columns  ${ref.seconds.toFixed(2)} s  ${ref.mb.toFixed(0)} MB peak`);
  console.log(`  customers export                           ${ours.seconds.toFixed(2)} s  ${ours.mb.toFixed(0)} MB peak  = ${(ours.seconds / ref.seconds).toFixed(2)}x sqlite3 (target <= 1.5x)`);
}

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
console.log(`customers csv bench; Node ${process.version}\n`);
for (const n of [Math.round(N / 10), N]) {
  const db = await importBench(n);
  if (n === N) exportBench(db, n);
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  console.log('');
}
