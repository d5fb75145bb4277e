/**
 * Looking after the store file: its invariants checked on top of SQLite's integrity check, the search
 * index rebuilt, a consistent copy written while others may be writing.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { ConflictError } from '../common/errors.js';
import type { Db, Store } from '../store/open.js';
import { assertSound, integrityProblems } from '../store/integrity.js';
import { indexMismatches, rebuildSearchIndex } from '../store/search-index.js';
import { FIELDS, IDENTITY_COLUMNS } from './fields.js';
import { recordIrreversible } from './history.js';

export interface CheckResult {
  problems: string[];
  customers: number;
  /** SQLite found the file itself damaged: the problems are its report, and a backup must be restored. */
  damaged: boolean;
}

/** Text columns (the e-mail has its own check), where no value is NULL, never ''. */
const TEXT_COLUMNS = FIELDS.filter((f) => f.storage === 'column' && f.type === 'text' && f.name !== 'email').map((f) => f.column!);

const INVARIANTS: readonly [string, string][] = [
  ['e-mail addresses not trimmed and lower-cased', "SELECT count(*) FROM customers WHERE email <> lower(trim(email))"],
  ['empty e-mail addresses', "SELECT count(*) FROM customers WHERE email = ''"],
  [
    'customers with no e-mail, phone, name or company',
    `SELECT count(*) FROM customers WHERE ${IDENTITY_COLUMNS.map((c) => `coalesce(${c}, '') = ''`).join(' AND ')}`,
  ],
  ['country codes that are not two upper-case letters', "SELECT count(*) FROM customers WHERE country IS NOT NULL AND (length(country) <> 2 OR country <> upper(country))"],
  ['empty text stored instead of no value', `SELECT count(*) FROM customers WHERE ${TEXT_COLUMNS.map((c) => `${c} = ''`).join(' OR ')}`],
  [
    'source ids that more than one customer of one platform has',
    "SELECT count(*) FROM (SELECT 1 FROM customers WHERE source_id IS NOT NULL GROUP BY source_id, coalesce(source, '') HAVING count(*) > 1)",
  ],
  ['tags of customers that do not exist', 'SELECT count(*) FROM customer_tags WHERE customer_id NOT IN (SELECT id FROM customers)'],
  ['customers in groups that do not exist', 'SELECT count(*) FROM customers WHERE group_id IS NOT NULL AND group_id NOT IN (SELECT id FROM groups)'],
  // The history (history.ts): what undo reads must say what it is about.
  [
    'history images of customers that are not JSON or are of another customer',
    "SELECT count(*) FROM history_customers WHERE before IS NOT NULL AND (NOT json_valid(before) OR json_extract(before, '$.id') IS NOT customer_id)",
  ],
  ['history images of groups that are not JSON', 'SELECT count(*) FROM history_groups WHERE before IS NOT NULL AND NOT json_valid(before)'],
  [
    'operations in the history whose undo does not name them',
    'SELECT count(*) FROM history h JOIN history u ON u.id = h.undone_by WHERE u.undoes IS NOT h.id',
  ],
  [
    'operations in the history whose count of customers differs from what they recorded',
    `SELECT count(*) FROM history h WHERE h.reversible AND h.customers <>
       (SELECT count(*) FROM history_customers WHERE op = h.id) + (SELECT coalesce(sum(last_id - first_id + 1), 0) FROM history_created WHERE op = h.id)`,
  ],
  // The orders ledger (orders.ts): each customer's ledger figures are its orders', and accounts hold the links.
  [
    "customers whose order statistics differ from the ledger's orders (count, amount, first or last date)",
    `SELECT count(*) FROM customers c LEFT JOIN (SELECT customer_id, count(*) AS n, sum(total_minor) AS spent, min(placed_at) AS first, max(placed_at) AS last
       FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id) o ON o.customer_id = c.id
     WHERE c.ledger_orders <> coalesce(o.n, 0) OR c.ledger_spent_minor <> coalesce(o.spent, 0) OR c.ledger_first_at IS NOT o.first OR c.ledger_last_at IS NOT o.last`,
  ],
  ['orders of no customer whose e-mail a customer has', 'SELECT count(*) FROM orders o JOIN customers c ON c.email = o.email WHERE o.customer_id IS NULL'],
  ['orders in another currency than the store\'s', "SELECT count(*) FROM orders WHERE currency IS NOT (SELECT value FROM settings WHERE key = 'store.currency')"],
  ['customers without an account that have active login links', "SELECT count(DISTINCT l.customer_id) FROM login_links l JOIN customers c ON c.id = l.customer_id WHERE NOT c.has_account AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"],
  ['timestamps not in the form YYYY-MM-DDTHH:MM:SSZ', "SELECT count(*) FROM customers WHERE created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' OR updated_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"],
];

export function checkStore(db: Db): CheckResult {
  // On a damaged file the queries below would fail with SQLite's bare "malformed": its own report says where.
  const damage = integrityProblems(db);
  if (damage.length) return { problems: damage.map((line) => `SQLite integrity check: ${line}`), customers: 0, damaged: true };
  const problems: string[] = [];
  const foreign = db.pragma('foreign_key_check') as unknown[];
  if (foreign.length) problems.push(`${foreign.length} rows break a foreign key`);
  for (const [what, sql] of INVARIANTS) {
    const n = db.prepare(sql).pluck().get() as number;
    if (n > 0) problems.push(`${n} ${what}`);
  }
  const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  // The search index must hold exactly one entry per customer (its rowid the customer id).
  const indexed = db.prepare("SELECT count(*) FROM customers_search").pluck().get() as number;
  if (indexed !== customers) {
    problems.push(`the search index has ${indexed} entries for ${customers} customers (customers db reindex rebuilds it)`);
  } else {
    const wrong = indexMismatches(db);
    if (wrong) problems.push(`the search index holds ${wrong} customers otherwise than the table says (customers db reindex rebuilds it)`);
  }
  return { problems, customers, damaged: false };
}

/** Rebuilds the search index from the customers (after another program changed the file); returns how many. */
export function reindexStore(store: Store, now: Date): number {
  return store.write(() => {
    const customers = rebuildSearchIndex(store.db);
    recordIrreversible(store, 'db reindex', now, []);
    return customers;
  });
}

/** Writes a consistent copy of the store to a new file (mode 0600), even while other processes write. */
/**
 * Copies the store into a new file, readable only by its owner from the first byte. The copy is made beside
 * the target and renamed at the end, so a failed or killed backup never leaves a file that looks complete;
 * `track` is told of the partial file (the CLI removes it if interrupted) and returns the way to untrack it.
 * An existing target is refused unless `replace` (then the rename replaces it whole).
 */
export async function backupStore(
  store: Store,
  target: string,
  track: (path: string) => () => void = () => () => {},
  options: { replace?: boolean } = {},
): Promise<void> {
  if (!options.replace && existsSync(target)) throw new ConflictError(`${target} already exists`, ['Choose a new file name, or remove the old one first.']);
  const partial = `${target}.partial-${process.pid}`;
  // A copy of a damaged file is no backup (SQLite copies pages without reading them as tables).
  assertSound(store.db, store.path, 'the backup');
  const untrack = track(partial);
  try {
    closeSync(openSync(partial, 'wx', 0o600));
    await store.db.backup(partial);
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw error;
  } finally {
    untrack();
  }
}
