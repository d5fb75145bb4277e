/**
 * Changes to a selection of customers at once (update, delete), each in one transaction.
 * The selection is first written to a temporary table, so every step works on the same set of ids.
 */
import { crashIfReached } from '../common/crash.js';
import { ConflictError, ValidationError } from '../common/errors.js';
import { shown } from '../common/shown.js';
import { type Db, Rollback, type Store } from '../store/open.js';
import { indexCustomers, unindexCustomers } from '../store/search-index.js';
import { attachOrders } from './orders.js';
import {
  decodeRow, EDITABLE_FIELDS, type FieldDef, type FieldValue, FIELDS, fieldNamed, IDENTITY_COLUMNS, type Item, normalizeValue, SEARCHED_FIELDS, selectList,
} from './fields.js';
import { assertEmailFree } from './customers.js';
import { buildWhere, type CustomerFilter } from './filters.js';
import { requireGroupId } from './groups.js';
import { beginOperation } from './history.js';
import { formatTimestamp, normalizeGroupName, parseBoolean } from './values.js';

/** One field set to one value on every selected customer, in its stored form (the group by name; null clears). */
export interface FieldSetting {
  field: FieldDef;
  value: string | boolean | null;
}

export interface BulkChanges {
  set: FieldSetting[];
  addTags: string[];
  removeTags: string[];
}

/** A field of a customer that an update changes: a dry run lists them. */
export interface FieldChange extends Item {
  id: number;
  email: string | null;
  field: string;
  before: FieldValue;
  after: FieldValue;
}

export interface BulkResult {
  selected: number;
  changed: number;
  /** Each field that changed, customer by customer (asked for by a dry run). */
  changes?: FieldChange[];
}

/**
 * The setting of `--set FIELD=VALUE`: any field add and edit set, except the tags (added and removed one by
 * one). Booleans read yes/no (empty is no); empty text or group clears the field.
 */
export function fieldSetting(name: string, raw: string): FieldSetting {
  const key = name.trim().toLowerCase().replace(/-/g, '_');
  const field = fieldNamed(key);
  const settable = EDITABLE_FIELDS.filter((f) => f.type !== 'tags').map((f) => f.name);
  if (field?.type === 'tags') throw new ValidationError('tags are changed one by one: use --add-tag TAG and --remove-tag TAG');
  if (!field || field.access !== 'editable') {
    const why = field ? `"${key}" is set by imports, not by hand` : `unknown field "${shown(name)}"`;
    throw new ValidationError(`${why}; --set takes one of: ${settable.join(', ')}`);
  }
  if (field.type === 'bool') return { field, value: parseBoolean(raw) };
  if (field.storage === 'group') return { field, value: raw.trim() === '' ? null : normalizeGroupName(raw) };
  return { field, value: normalizeValue(field, raw) as string | null };
}

/** "set group to "Wholesale"", "clear phone", "add tag "b2b"": what a change does, for a confirmation. */
export function describeChanges(changes: BulkChanges): string[] {
  const said = (v: string) => `"${shown(v)}"`;
  return [
    ...changes.set.map(({ field, value }) =>
      value === null ? `clear ${field.name}` : `set ${field.name} to ${typeof value === 'boolean' ? (value ? 'yes' : 'no') : said(value)}`,
    ),
    ...changes.addTags.map((t) => `add tag ${said(t)}`),
    ...changes.removeTags.map((t) => `remove tag ${said(t)}`),
  ];
}

/**
 * What must hold before a change to `selected` customers is asked about or made: the group exists, and an
 * e-mail (unique) goes to one customer at most.
 */
export function checkChanges(db: Db, changes: BulkChanges, selected: number): void {
  for (const { field, value } of changes.set) {
    if (field.storage === 'group' && value !== null) requireGroupId(db, value as string);
    // Unique: an e-mail, and a platform's id of a customer.
    if ((field.name === 'email' || field.name === 'source_id') && value !== null && selected > 1) {
      throw new ConflictError(`${field.name === 'email' ? 'an e-mail address' : 'a source id'} belongs to one customer; ${selected.toLocaleString('en-US')} are selected`, [
        `Select one customer (by its id or e-mail), or use --set ${field.name}= to clear it on many.`,
      ]);
    }
  }
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

/** The fields a dry run compares: id and e-mail to name the customer, then each field the change touches. */
function comparedFields(changes: BulkChanges): FieldDef[] {
  const names = new Set(['id', 'email', ...changes.set.map((s) => s.field.name)]);
  if (changes.addTags.length || changes.removeTags.length) names.add('tags');
  return FIELDS.filter((f) => names.has(f.name));
}

function readChanged(db: Db, fields: readonly FieldDef[]): Map<number, Item> {
  const rows = db
    .prepare(`SELECT ${selectList(fields)} FROM temp.changed s JOIN customers c ON c.id = s.id LEFT JOIN groups g ON g.id = c.group_id ORDER BY c.id`)
    .raw(true)
    .all() as unknown[][];
  return new Map(rows.map((row) => [row[0] as number, decodeRow(row, fields)]));
}

const same = (a: FieldValue, b: FieldValue) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies the changes to every selected customer; `changed` counts those whose values really differ. A
 * change that would leave a customer with nothing that identifies them, or give an e-mail another customer
 * has, is refused and nothing is changed.
 */
export function updateCustomers(
  store: Store,
  filter: CustomerFilter,
  changes: BulkChanges,
  options: { dryRun: boolean; now: Date; listChanges?: boolean; crashAfterRows?: number },
): BulkResult {
  return runWrite(store, options.dryRun, () => {
    const db = store.db;
    const selected = selectInto(db, filter);
    checkChanges(db, changes, selected);
    db.exec('CREATE TEMP TABLE IF NOT EXISTS changed (id INTEGER PRIMARY KEY); DELETE FROM temp.changed;');

    const email = changes.set.find((s) => s.field.name === 'email')?.value;
    if (typeof email === 'string' && selected === 1) assertEmailFree(db, email, db.prepare('SELECT id FROM temp.selection').pluck().get() as number);
    const columns = new Map<string, unknown>();
    for (const { field, value } of changes.set) {
      if (field.storage === 'group') columns.set('group_id', value === null ? null : requireGroupId(db, value as string));
      else columns.set(field.column!, typeof value === 'boolean' ? Number(value) : value);
    }
    const names = [...columns.keys()];
    const values = [...columns.values()];
    markChanged(db, columns, changes);
    const op = beginOperation(store, 'update', options.now);
    op.customers('c.id IN (SELECT id FROM temp.changed)', [], 'changed', {
      columns: [...columns.keys(), 'updated_at'],
      tags: changes.addTags.length + changes.removeTags.length > 0,
    });
    const fields = options.listChanges ? comparedFields(changes) : [];
    const before = options.listChanges ? readChanged(db, fields) : undefined;

    const searched = changes.set.some((s) => SEARCHED_FIELDS.has(s.field.name));
    if (searched) unindexCustomers(db, 'c.id IN (SELECT id FROM temp.changed)');
    if (names.length) {
      db.prepare(`UPDATE customers SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id IN (SELECT id FROM temp.changed)`).run(...values);
    }
    for (const tag of changes.addTags) db.prepare('INSERT OR IGNORE INTO customer_tags (customer_id, tag) SELECT id, ? FROM temp.changed').run(tag);
    for (const tag of changes.removeTags) db.prepare('DELETE FROM customer_tags WHERE tag = ? AND customer_id IN (SELECT id FROM temp.changed)').run(tag);
    if (searched) indexCustomers(db, 'c.id IN (SELECT id FROM temp.changed)');
    if (typeof changes.set.find((s) => s.field.name === 'email')?.value === 'string') attachOrders(db, 'c.id IN (SELECT id FROM temp.changed)');
    refuseUnidentified(db, changes);
    const changed = db.prepare('UPDATE customers SET updated_at = ? WHERE id IN (SELECT id FROM temp.changed)').run(formatTimestamp(options.now)).changes;
    op.finish();
    crashIfReached(options.crashAfterRows, changed);
    if (!before) return { selected, changed };
    return { selected, changed, changes: fieldChanges(fields, before, readChanged(db, fields)) };
  });
}

/** Fills temp.changed with the selected customers whose columns or tags the change really changes. */
function markChanged(db: Db, columns: Map<string, unknown>, changes: BulkChanges): void {
  if (columns.size) {
    db.prepare(
      `INSERT OR IGNORE INTO temp.changed SELECT c.id FROM temp.selection s JOIN customers c ON c.id = s.id
       WHERE ${[...columns.keys()].map((n) => `c.${n} IS NOT ?`).join(' OR ')}`,
    ).run(...columns.values());
  }
  for (const tag of changes.addTags) {
    db.prepare(
      `INSERT OR IGNORE INTO temp.changed SELECT s.id FROM temp.selection s
       WHERE NOT EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = s.id AND t.tag = ?)`,
    ).run(tag);
  }
  for (const tag of changes.removeTags) {
    db.prepare(
      `INSERT OR IGNORE INTO temp.changed SELECT t.customer_id FROM customer_tags t
       WHERE t.tag = ? AND t.customer_id IN (SELECT id FROM temp.selection)`,
    ).run(tag);
  }
}

/** Each field (after id and email) whose value differs between the two readings, customer by customer. */
function fieldChanges(fields: readonly FieldDef[], before: Map<number, Item>, after: Map<number, Item>): FieldChange[] {
  const list: FieldChange[] = [];
  for (const [id, was] of before) {
    const now = after.get(id)!;
    for (const f of fields.slice(2)) {
      if (!same(was[f.name], now[f.name])) list.push({ id, email: was.email as string | null, field: f.name, before: was[f.name], after: now[f.name] });
    }
  }
  return list;
}

/** A change that clears e-mail, phone, names or company must leave each customer one of them. */
function refuseUnidentified(db: Db, changes: BulkChanges): void {
  if (!changes.set.some((s) => s.value === null && s.field.identifies)) return;
  const ids = db
    .prepare(`SELECT id FROM customers WHERE id IN (SELECT id FROM temp.changed) AND ${IDENTITY_COLUMNS.map((c) => `nullif(${c}, '') IS NULL`).join(' AND ')} ORDER BY id`)
    .pluck()
    .all() as number[];
  if (!ids.length) return;
  const some = ids.slice(0, 5).join(', ') + (ids.length > 5 ? ', ...' : '');
  throw new ValidationError(
    `the change would leave ${ids.length.toLocaleString('en-US')} customer${ids.length === 1 ? '' : 's'} with neither e-mail, phone, name nor company (id ${some}); nothing was changed`,
    ['Leave out those customers, or set another of these fields in the same update.'],
  );
}

/** Deletes every selected customer (their tags with them). */
export function deleteCustomers(store: Store, filter: CustomerFilter, options: { dryRun: boolean; now: Date; crashAfterRows?: number }): BulkResult {
  return runWrite(store, options.dryRun, () => {
    const db = store.db;
    const selected = selectInto(db, filter);
    const op = beginOperation(store, 'delete', options.now);
    op.customers('c.id IN (SELECT id FROM temp.selection)', [], 'deleted');
    unindexCustomers(db, 'c.id IN (SELECT id FROM temp.selection)');
    db.exec('CREATE TEMP TABLE IF NOT EXISTS deleted_orders (id INTEGER PRIMARY KEY); DELETE FROM temp.deleted_orders;');
    db.prepare('INSERT INTO temp.deleted_orders SELECT id FROM orders WHERE customer_id IN (SELECT id FROM temp.selection)').run();
    const changed = db.prepare('DELETE FROM customers WHERE id IN (SELECT id FROM temp.selection)').run().changes;
    // Their orders stay, with their e-mails: one another customer has now (an e-mail changed since) is theirs.
    attachOrders(db, 'o.id IN (SELECT id FROM temp.deleted_orders)');
    op.finish();
    crashIfReached(options.crashAfterRows, changed);
    return { selected, changed };
  });
}
