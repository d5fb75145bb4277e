/**
 * Builds a large store of realistic customers for the benchmarks, once, and keeps it under bench/data/
 * (git-ignored) until the schema or this generator changes. Deterministic: the same size gives the same store.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { generateCustomers, GROUPS } from './people.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = `${ROOT}bin/customers.cjs`;

function fingerprint() {
  const h = createHash('sha256');
  h.update(readFileSync(new URL('./store.js', import.meta.url)));
  h.update(readFileSync(new URL('./people.js', import.meta.url)));
  h.update(readFileSync(new URL('../src/store/migrations.ts', import.meta.url)));
  return h.digest('hex').slice(0, 12);
}

/** The path of a store of n customers, built through the CLI's own schema the first time. */
export function benchStore(n, log = console.error) {
  const dir = `${ROOT}bench/data`;
  const path = `${dir}/store-${n}-${fingerprint()}.db`;
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const building = `${path}.building`;
  rmSync(building, { force: true });
  log(`Building a store of ${n.toLocaleString('en-US')} customers (once; kept in bench/data/) ...`);
  const started = Date.now();
  // The CLI creates the store and its schema; groups first so customers can be put in them.
  for (const [name] of GROUPS) if (name) execFileSync(process.execPath, [BIN, '--db', building, '--quiet', 'groups', 'create', name]);
  const db = new Database(building);
  db.pragma('journal_mode = WAL');
  const groupIds = new Map(db.prepare('SELECT name, id FROM groups').all().map((g) => [g.name, g.id]));
  const insert = db.prepare(`INSERT INTO customers (email, first_name, last_name, phone, company, group_id, tax_exempt, accepts_marketing,
    lang, note, street, city, postal_code, country, order_count, total_spent_minor, created_at, updated_at)
    VALUES (@email, @first_name, @last_name, @phone, @company, @group_id, @tax_exempt, @accepts_marketing,
    @lang, @note, @street, @city, @postal_code, @country, @order_count, @total_spent_minor, @created_at, @created_at)`);
  const tag = db.prepare('INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)');
  const batch = db.transaction((rows) => {
    for (const c of rows) {
      const id = insert.run({ ...c, group_id: c.group ? groupIds.get(c.group) : null }).lastInsertRowid;
      for (const t of c.tags) tag.run(id, t);
    }
  });
  let rows = [];
  for (const c of generateCustomers(n)) {
    rows.push(c);
    if (rows.length === 50_000) {
      batch(rows);
      rows = [];
    }
  }
  batch(rows);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Rows written behind the CLI's back: the CLI's own command builds their search index.
  execFileSync(process.execPath, [BIN, '--db', building, '--quiet', 'db', 'reindex']);
  renameSync(building, path);
  log(`... built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return path;
}
