/**
 * Customers one at a time: look-up by REF, create, edit, and the listing query.
 * Pure logic over the store: returns data, throws typed errors, never prints.
 */
import { type Db, lastId, type Store } from '../store/open.js';
import { indexCustomers, unindexCustomers } from '../store/search-index.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { shellQuoted } from '../common/shown.js';
import {
  CUSTOMER_FIELDS, decodeRow, EDITABLE_FIELDS, type FieldDef, fieldNamed, FORM_FIELDS, IDENTITY_COLUMNS, type InputValue, type Item,
  normalizeValue, SEARCHED_FIELDS, selectList, SORT_SQL,
} from './fields.js';
import { MAX_OWN_ID } from './csv/columns.js';
import { buildWhere, type CustomerFilter } from './filters.js';
import { ensureGroup, requireGroupId } from './groups.js';
import { beginOperation, type Operation } from './history.js';
import { accountsPolicy, attachOrders } from './orders.js';
import { nextTags, tagsOf, writeTags } from './tags.js';
import { formatTimestamp, isValidEmail, normalizeEmail, normalizeGroupName, normalizeTags } from './values.js';

/**
 * Values for editable fields, by field name (see fields.ts): text (null or '' clears it), yes/no, tag sets.
 * `add_tags` and `remove_tags` change the tag set instead of replacing it.
 */
export type CustomerInput = Record<string, InputValue | undefined>;
export type CustomerChanges = CustomerInput & { add_tags?: string[]; remove_tags?: string[] };

/** The stored form of an input: every field normalised and checked (a ValidationError names the value). */
function normalizeInput(input: CustomerChanges): CustomerChanges {
  const out: CustomerChanges = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (name === 'add_tags' || name === 'remove_tags') {
      out[name] = normalizeTags(value as string[], { existing: name === 'remove_tags' });
      continue;
    }
    const field = fieldNamed(name);
    if (!field || field.access !== 'editable') throw new ValidationError(`"${name}" is not a field that can be set`);
    out[name] = normalizeValue(field, value);
  }
  return out;
}

/** A field's value as its column stores it: booleans as 0/1, no value as NULL. */
function columnValue(field: FieldDef, value: InputValue | undefined): unknown {
  if (field.type === 'bool') return value ? 1 : 0;
  return value ?? null;
}

/** Finds a customer by REF: a numeric id or an e-mail address (compared case-insensitively). */
export function resolveRef(db: Db, ref: string): number {
  const text = ref.trim();
  if (/^\d+$/.test(text)) {
    const row = db.prepare('SELECT id FROM customers WHERE id = ?').get(Number(text)) as { id: number } | undefined;
    if (!row) throw new NotFoundError(`no customer with id ${text}`, ['Find customers with: customers search TEXT']);
    return row.id;
  }
  if (!text.includes('@')) {
    // The hint is a command to copy: only for text that reads back as typed (no control characters).
    const searchable = text !== '' && !/\p{Cc}/u.test(text);
    const hint = searchable ? `to find by name: customers search ${shellQuoted(text)}` : 'A REF is a customer id (42) or an e-mail address.';
    throw new ValidationError(`"${ref}" is neither a customer id nor an e-mail address`, [hint]);
  }
  // The stored form (NFKC, the domain in Unicode); a store from before may hold an address as it was typed.
  const email = isValidEmail(text) ? normalizeEmail(text) : text.toLowerCase();
  const byEmail = db.prepare('SELECT id FROM customers WHERE email = ?');
  const row = (byEmail.get(email) ?? byEmail.get(text.toLowerCase())) as { id: number } | undefined;
  if (!row) throw new NotFoundError(`no customer with e-mail ${email}`, ['Find customers with: customers search TEXT']);
  return row.id;
}

export function getCustomer(db: Db, id: number): Item {
  const row = db
    .prepare(`SELECT ${selectList(CUSTOMER_FIELDS)} FROM customers c LEFT JOIN groups g ON g.id = c.group_id WHERE c.id = ?`)
    .raw(true)
    .get(id) as unknown[] | undefined;
  if (!row) throw new NotFoundError(`no customer with id ${id}`);
  return decodeRow(row, CUSTOMER_FIELDS);
}

/** Refuses an e-mail another customer (than exceptId) has. */
export function assertEmailFree(db: Db, email: string, exceptId?: number): void {
  const other = db.prepare('SELECT id FROM customers WHERE email = ?').get(email) as { id: number } | undefined;
  if (other && other.id !== exceptId) {
    throw new ConflictError(`a customer with e-mail ${email} already exists (id ${other.id})`, [
      `Change that customer with: customers edit ${other.id}`,
    ]);
  }
}

/**
 * Whether a customer is someone: it has an e-mail, a phone, a first or last name or a company (Shopify asks for one
 * of name, e-mail or phone; a business may be known by its company alone). `value` reads a stored column.
 */
export function isIdentified(value: (column: string) => unknown): boolean {
  return IDENTITY_COLUMNS.some((c) => {
    const v = value(c);
    return v !== null && v !== undefined && v !== '';
  });
}

export function assertIdentified(value: (column: string) => unknown, who = 'a customer'): void {
  if (isIdentified(value)) return;
  throw new ValidationError(`${who} needs at least one of e-mail, phone, first name, last name or company`, [
    'Give one of them (add --email, --phone, --first-name, --last-name or --company).',
  ]);
}

const EDITABLE_COLUMNS = EDITABLE_FIELDS.filter((f) => f.storage === 'column');

/**
 * Refuses a write after which the store would have numbered a customer above MAX_OWN_ID: a native export
 * of such a customer could not be imported again. Only a file that gave a customer an id at the very top
 * of the range leads here.
 */
export function assertIdsInRange(db: Db): void {
  const top = lastId(db, 'customers');
  if (top <= MAX_OWN_ID) return;
  throw new ValidationError(`the store has no ids left for new customers: ids go up to ${MAX_OWN_ID.toLocaleString('en-US')}, and a customer imported with an id near the top took the rest; nothing was changed`, [
    "Give that customer a smaller id: export the store, and import it into a new store without the ids (--map 'id=').",
  ]);
}

/** How add and edit treat a group the store lacks. */
export interface GroupCreation {
  /** Create it, in the same transaction as the customer's change (as an import does); default: NOT_FOUND. */
  createGroup?: boolean;
  /** Told the name of the group created, once the change is written. */
  onGroupCreated?: (name: string) => void;
}

/**
 * Inside a write: creates the input's group when the store lacks it and `options` say so, recording it in
 * `op` (an undo removes it with the change). Returns its name when it was created.
 */
function createMissingGroup(db: Db, op: Operation, group: InputValue | undefined, now: Date, options: GroupCreation): string | undefined {
  if (!options.createGroup || typeof group !== 'string' || group.trim() === '') return undefined;
  const name = normalizeGroupName(group);
  const created = ensureGroup(db, name, now);
  if (!created.created) return undefined;
  op.groupCreated(created.id);
  return name;
}

export function createCustomer(store: Store, raw: CustomerInput, now: Date, options: GroupCreation = {}): Item {
  const { id, group } = store.write(() => {
    const op = beginOperation(store, 'add', now);
    const createdGroup = createMissingGroup(store.db, op, raw.group, now, options);
    const newId = insertCustomer(store.db, raw, now);
    op.createdId(newId);
    op.finish();
    return { id: newId, group: createdGroup };
  });
  if (group !== undefined) options.onGroupCreated?.(group);
  return getCustomer(store.db, id);
}

/**
 * Inserts a customer inside a write (add, a checkout of `orders add`): with an account unless the input says
 * otherwise, and the orders its e-mail placed before (a customer deleted and created again) linked to it.
 */
export function insertCustomer(db: Db, raw: CustomerInput, now: Date): number {
  // A customer has an account unless the store has none (store.accounts disabled) or the input says otherwise.
  const input = normalizeInput({ has_account: accountsPolicy(db).accounts !== 'disabled', ...raw });
  assertIdentified((column) => input[column]);
  const email = input.email as string | null | undefined;
  if (email) assertEmailFree(db, email);
  const groupId = input.group ? requireGroupId(db, input.group as string) : null;
  const stamp = formatTimestamp(now);
  const columns = [...EDITABLE_COLUMNS.map((f) => f.column!), 'group_id', 'created_at', 'updated_at'];
  const values = [...EDITABLE_COLUMNS.map((f) => columnValue(f, input[f.name])), groupId, stamp, stamp];
  const id = Number(db.prepare(`INSERT INTO customers (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values).lastInsertRowid);
  assertIdsInRange(db);
  writeTags(db, id, (input.tags as string[] | undefined) ?? [], false);
  indexCustomers(db, 'c.id = ?', id);
  if (email) attachOrders(db, 'c.id = ?', [id]);
  return id;
}

export interface EditResult {
  customer: Item;
  /** Names of the fields whose value changed, in the order of the form; empty when the edit changed nothing. */
  changed: string[];
}

/** Changes only the given fields; updated_at moves only when something really changed. */
export function editCustomer(store: Store, id: number, raw: CustomerChanges, now: Date, options: GroupCreation = {}): EditResult {
  const changes = normalizeInput(raw);
  const { names: changed, group } = store.write(() => {
    const op = beginOperation(store, 'edit', now);
    const createdGroup = createMissingGroup(store.db, op, changes.group, now, options);
    const names = changeCustomer(store.db, op, id, changes, now);
    if (names.length) op.finish();
    else op.discard();
    return { names, group: createdGroup };
  });
  if (group !== undefined) options.onGroupCreated?.(group);
  return { customer: getCustomer(store.db, id), changed };
}

/**
 * Changes the given fields of a stored customer, inside a write (edit; a fixture of `seed`), values already
 * normalised; its image goes into `op` first when anything changes. Returns the names of the fields that
 * changed, in the order of the form (none: nothing was written).
 */
export function changeCustomer(db: Db, op: Operation, id: number, changes: CustomerChanges, now: Date): string[] {
  const before = db.prepare('SELECT * FROM customers WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  if (!before) throw new NotFoundError(`no customer with id ${id}`);
  const sets = new Map<string, unknown>();
  const names = new Set<string>();
  for (const field of EDITABLE_FIELDS) {
    const value = changes[field.name];
    if (value === undefined || field.storage === 'tags') continue;
    const column = field.storage === 'group' ? 'group_id' : field.column!;
    const next = field.storage === 'group' ? (value === null ? null : requireGroupId(db, value as string)) : columnValue(field, value);
    if (next === before[column]) continue;
    if (field.name === 'email' && next !== null) assertEmailFree(db, next as string, id);
    sets.set(column, next);
    names.add(field.name);
  }
  assertIdentified((column) => (sets.has(column) ? sets.get(column) : before[column]), `customer ${id}`);
  const tags = nextTags(tagsOf(db, id), { tags: changes.tags as string[] | undefined, add: changes.add_tags, remove: changes.remove_tags });
  if (tags.changed) names.add('tags');
  if (!names.size) return [];
  op.customers('c.id = ?', [id], 'changed');
  sets.set('updated_at', formatTimestamp(now));
  db.prepare(`UPDATE customers SET ${[...sets.keys()].map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...sets.values(), id);
  if ([...names].some((n) => SEARCHED_FIELDS.has(n))) {
    unindexCustomers(db, 'c.id = ?', id);
    indexCustomers(db, 'c.id = ?', id);
  }
  if (tags.changed) writeTags(db, id, tags.tags);
  if (names.has('email')) attachOrders(db, 'c.id = ?', [id]);
  return FORM_FIELDS.map((f) => f.name).filter((n) => names.has(n));
}

export interface ListQuery {
  filter: CustomerFilter;
  fields: readonly FieldDef[];
  /** Field name, optionally with ":desc". */
  sort?: string;
  limit?: number;
  offset?: number;
  /** Fill one object for every row instead of a new one each (for callers that use each row at once). */
  reuse?: boolean;
}

/** Streams the selected customers, decoded, in the requested order. */
export function* listCustomers(db: Db, query: ListQuery): Generator<Item> {
  const where = buildWhere(db, query.filter);
  const [sortField, direction] = (query.sort ?? 'id').split(':');
  const sortSql = SORT_SQL.get(sortField);
  if (!sortSql) throw new ValidationError(`cannot sort by "${sortField}"`);
  const desc = direction === 'desc' ? ' DESC' : '';
  const id = `${where.idSql}${desc}`;
  const order = sortField === 'id' ? id : `${sortSql.map((term) => `${term}${desc} NULLS LAST`).join(', ')}, ${id}`;
  const page = query.limit !== undefined || query.offset ? ` LIMIT ${query.limit ?? -1} OFFSET ${query.offset ?? 0}` : '';
  const sql = `SELECT ${selectList(query.fields)} FROM ${where.from} LEFT JOIN groups g ON g.id = c.group_id
               WHERE ${where.sql} ORDER BY ${order}${page}`;
  // Rows as arrays: half the cost of rows as objects on large listings and exports.
  const shared: Item = {};
  for (const row of db.prepare(sql).raw(true).iterate(...where.params)) {
    yield decodeRow(row as unknown[], query.fields, query.reuse ? shared : {});
  }
}

export function countCustomers(db: Db, filter: CustomerFilter): number {
  const where = buildWhere(db, filter);
  return db.prepare(`SELECT count(*) FROM ${where.from} WHERE ${where.sql}`).pluck().get(...where.params) as number;
}
