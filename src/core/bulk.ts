/**
 * Changes to a selection of customers at once (update, delete), each in one transaction.
 * The selection is first written to a temporary table, so every step works on the same set of ids.
 */
import { crashIfReached } from '../common/crash.js';
import { type Db, Rollback, type Store } from '../store/open.js';
import { unindexCustomers } from '../store/search-index.js';
import { buildWhere, type CustomerFilter } from './filters.js';
import { requireGroupId } from './groups.js';
import { formatTimestamp, normalizeLang, normalizeTags, normalizeText } from './values.js';

export interface BulkChanges {
  group?: string | null;
  tax_exempt?: boolean;
  tax_id?: string | null;
  accepts_marketing?: boolean;
  lang?: string | null;
  add_tags?: string[];
  remove_tags?: string[];
}

export interface BulkResult {
  selected: number;
  changed: number;
}

function selectInto(db: Db, filter: CustomerFilter): number {
  const where = buildWhere(db, filter);
  db.exec('CREATE TEMP TABLE IF NOT EXISTS selection (id INTEGER PRIMARY KEY); DELETE FROM temp.selection;');
  return db.prepare(`INSERT INTO temp.selection SELECT c.id FROM ${where.from} WHERE ${where.sql}`).run(...where.params).changes;
}

/** Runs a bulk write; a dry run does it all, counts it, and rolls it back. */
function runWrite(store: Store, dryRun: boolean, fn: () => BulkResult): BulkResult {
  return store.write(() => {
    const result = fn();
    return dryRun ? new Rollback(result) : result;
  });
}

/** Applies the changes to every selected customer; `changed` counts those whose values really differ. */
export function updateCustomers(
  store: Store,
  filter: CustomerFilter,
  raw: BulkChanges,
  options: { dryRun: boolean; now: Date; crashAfterRows?: number },
): BulkResult {
  const changes: BulkChanges = {
    ...raw,
    tax_id: raw.tax_id === undefined ? undefined : normalizeText(raw.tax_id, 'the tax id'),
    lang: raw.lang == null ? raw.lang : normalizeLang(raw.lang),
    add_tags: raw.add_tags && normalizeTags(raw.add_tags),
    remove_tags: raw.remove_tags && normalizeTags(raw.remove_tags, { existing: true }),
  };
  return runWrite(store, options.dryRun, () => {
    const db = store.db;
    const selected = selectInto(db, filter);
    db.exec('CREATE TEMP TABLE IF NOT EXISTS changed (id INTEGER PRIMARY KEY); DELETE FROM temp.changed;');

    const columns: Record<string, unknown> = {};
    if (changes.group !== undefined) columns.group_id = changes.group === null ? null : requireGroupId(db, changes.group);
    if (changes.tax_exempt !== undefined) columns.tax_exempt = changes.tax_exempt ? 1 : 0;
    if (changes.tax_id !== undefined) columns.tax_id = changes.tax_id;
    if (changes.accepts_marketing !== undefined) columns.accepts_marketing = changes.accepts_marketing ? 1 : 0;
    if (changes.lang !== undefined) columns.lang = changes.lang;
    const names = Object.keys(columns);
    const values = Object.values(columns);
    if (names.length) {
      db.prepare(
        `INSERT OR IGNORE INTO temp.changed SELECT c.id FROM temp.selection s JOIN customers c ON c.id = s.id
         WHERE ${names.map((n) => `c.${n} IS NOT ?`).join(' OR ')}`,
      ).run(...values);
      db.prepare(
        `UPDATE customers SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id IN (SELECT id FROM temp.changed)`,
      ).run(...values);
    }
    for (const tag of changes.add_tags ?? []) {
      db.prepare(
        `INSERT OR IGNORE INTO temp.changed SELECT s.id FROM temp.selection s
         WHERE NOT EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = s.id AND t.tag = ?)`,
      ).run(tag);
      db.prepare('INSERT OR IGNORE INTO customer_tags (customer_id, tag) SELECT id, ? FROM temp.selection').run(tag);
    }
    for (const tag of changes.remove_tags ?? []) {
      db.prepare(
        `INSERT OR IGNORE INTO temp.changed SELECT t.customer_id FROM customer_tags t
         WHERE t.tag = ? AND t.customer_id IN (SELECT id FROM temp.selection)`,
      ).run(tag);
      db.prepare('DELETE FROM customer_tags WHERE tag = ? AND customer_id IN (SELECT id FROM temp.selection)').run(tag);
    }
    const changed = db
      .prepare('UPDATE customers SET updated_at = ? WHERE id IN (SELECT id FROM temp.changed)')
      .run(formatTimestamp(options.now)).changes;
    crashIfReached(options.crashAfterRows, changed);
    return { selected, changed };
  });
}

/** Deletes every selected customer (their tags with them). */
export function deleteCustomers(store: Store, filter: CustomerFilter, options: { dryRun: boolean; crashAfterRows?: number }): BulkResult {
  return runWrite(store, options.dryRun, () => {
    const db = store.db;
    const selected = selectInto(db, filter);
    unindexCustomers(db, 'c.id IN (SELECT id FROM temp.selection)');
    const changed = db.prepare('DELETE FROM customers WHERE id IN (SELECT id FROM temp.selection)').run().changes;
    crashIfReached(options.crashAfterRows, changed);
    return { selected, changed };
  });
}
