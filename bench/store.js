/**
 * Builds a large store of realistic customers for the benchmarks, once, and keeps it under bench/data/
 * (git-ignored) until the schema or this generator changes. Deterministic: the same size gives the same store.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = `${ROOT}bin/customers.cjs`;

const FIRST = ['Hélène', 'Jan', 'Marie', 'Luca', 'Zoë', 'Pieter', 'Giulia', 'Jürgen', 'Camille', 'Sofia', 'Thomas', 'Anna',
  'Lucas', 'Emma', 'Noah', 'Léa', 'Matteo', 'Chiara', 'Daan', 'Sanne', 'Lukas', 'Mia', 'Pablo', 'Lucía', 'Olivia', 'James',
  'François', 'Ana', 'Björn', 'Åsa', 'Søren', 'Zoé', 'Inès', 'Bram', 'Fleur', 'Elena', 'Marco', 'Laura', 'David', 'Sarah'];
const LAST = ['Dupont', 'Peeters', 'Lambert', 'Rossi', 'Åberg', 'Janssens', 'Bianchi', 'Müller', 'Martin', 'García',
  'Smith', 'De Jong', 'Van den Berg', 'Schmidt', 'Romano', 'Bernard', 'Dubois', 'Fernández', 'Jones', 'Claes', 'Ferrari',
  'Schneider', 'Leroy', 'Moreau', 'Visser', 'Bakker', 'Fischer', 'Weber', 'López', 'Martínez', "O'Brien", 'Nguyen',
  'Kowalski', 'Novak', 'Horváth', 'Papadopoulos', 'Johansson', 'Nielsen', 'Virtanen', 'Costa'];
const COUNTRIES = [['FR', '+33 6'], ['BE', '+32 470'], ['NL', '+31 6'], ['IT', '+39 3'], ['DE', '+49 151'], ['ES', '+34 6'],
  ['GB', '+44 7700'], ['US', '+1 415'], ['SE', '+46 70'], ['CH', '+41 79']];
const LANGS = { FR: 'fr', BE: 'nl', NL: 'nl', IT: 'it', DE: 'de', ES: 'es', GB: 'en', US: 'en', SE: 'sv', CH: 'de' };
const DOMAINS = ['example.com', 'example.fr', 'example.be', 'example.nl', 'example.it', 'example.de', 'mail.example.org'];
const COMPANIES = ['SARL', 'NV', 'BV', 'S.r.l.', 'GmbH', 'S.L.', 'Ltd', 'Inc.', 'AB', 'AG'];
/** Group sizes per million: Wholesale is exactly 100,000 of 1,000,000 (the bulk-update bench). */
export const GROUPS = [['Retail', 400_000], ['Wholesale', 100_000], ['VIP', 50_000], ['Partners', 50_000], [null, 400_000]];
const TAGS = ['b2b', 'newsletter', 'vip', 'returning', 'wholesale', 'black-friday', 'imported'];

/** mulberry32: a small deterministic PRNG, so the same size always gives the same store. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ascii(s) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^A-Za-z]/g, '').toLowerCase();
}

/** Calls row(customer) for n generated customers. */
export function* generateCustomers(n, seed = 42) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const groupOf = [];
  for (const [name, perMillion] of GROUPS) for (let i = 0; i < perMillion; i++) groupOf.push(name);
  for (let i = 0; i < n; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [country, prefix] = pick(COUNTRIES);
    const orders = Math.floor(r() ** 2 * 30);
    yield {
      email: `${ascii(first)}.${ascii(last)}.${i}@${pick(DOMAINS)}`,
      first_name: first,
      last_name: last,
      phone: `${prefix} ${String(Math.floor(r() * 1e6)).padStart(6, '0').replace(/(\d\d)(?=\d)/g, '$1 ')}`,
      company: r() < 0.3 ? `${last} ${pick(COMPANIES)}` : null,
      group: groupOf[Math.floor((i / n) * groupOf.length)],
      tax_exempt: r() < 0.05 ? 1 : 0,
      accepts_marketing: r() < 0.4 ? 1 : 0,
      lang: LANGS[country],
      city: pick(['Paris', 'Brussel', 'Amsterdam', 'Milano', 'Berlin', 'Madrid', 'London', 'Stockholm']),
      postal_code: String(Math.floor(r() * 99999)).padStart(5, '0'),
      country,
      order_count: orders,
      total_spent_minor: orders * Math.floor(1000 + r() * 20000),
      tags: r() < 0.5 ? [pick(TAGS)] : [],
      created_at: new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 6 * 365 * 86400) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
  }
}

function fingerprint() {
  const h = createHash('sha256');
  h.update(readFileSync(new URL('./store.js', import.meta.url)));
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
    lang, city, postal_code, country, order_count, total_spent_minor, created_at, updated_at)
    VALUES (@email, @first_name, @last_name, @phone, @company, @group_id, @tax_exempt, @accepts_marketing,
    @lang, @city, @postal_code, @country, @order_count, @total_spent_minor, @created_at, @created_at)`);
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
