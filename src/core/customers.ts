/**
 * Customers one at a time: look-up by REF, create, edit, and the listing query.
 * Pure logic over the store: returns data, throws typed errors, never prints.
 */
import type { Db, Store } from '../store/open.js';
import { indexCustomers, unindexCustomers } from '../store/search-index.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { CUSTOMER_FIELDS, decodeRow, type FieldDef, type Item, selectList, SORT_SQL } from './fields.js';
import { buildWhere, type CustomerFilter } from './filters.js';
import { requireGroupId } from './groups.js';
import { formatTimestamp, normalizeCountry, normalizeEmail, normalizeLang, normalizeTags, normalizeText } from './values.js';

/** Plain-text fields, stored trimmed, empty meaning "no value". */
export const TEXT_FIELDS = [
  'first_name', 'last_name', 'phone', 'company', 'tax_id', 'note',
  'street', 'street2', 'city', 'region', 'postal_code',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

export type CustomerInput = Partial<Record<TextField, string | null>> & {
  email?: string;
  group?: string | null;
  tax_exempt?: boolean;
  accepts_marketing?: boolean;
  lang?: string | null;
  country?: string | null;
  /** Replaces the whole tag set. */
  tags?: string[];
};

export type CustomerChanges = CustomerInput & { add_tags?: string[]; remove_tags?: string[] };

/** The stored form of an input: e-mail normalised, texts trimmed, codes checked, tags de-duplicated. */
function normalizeInput<T extends CustomerChanges>(input: T): T {
  const out: CustomerChanges = { ...input };
  if (input.email !== undefined) out.email = normalizeEmail(input.email);
  for (const field of TEXT_FIELDS) {
    if (input[field] !== undefined) out[field] = normalizeText(input[field], field.replace('_', ' '), { multiline: field === 'note' });
  }
  if (input.country != null) out.country = input.country.trim() === '' ? null : normalizeCountry(input.country);
  if (input.lang != null) out.lang = input.lang.trim() === '' ? null : normalizeLang(input.lang);
  if (input.tags) out.tags = normalizeTags(input.tags);
  if (input.add_tags) out.add_tags = normalizeTags(input.add_tags);
  if (input.remove_tags) out.remove_tags = normalizeTags(input.remove_tags);
  return out as T;
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
    throw new ValidationError(`"${ref}" is neither a customer id nor an e-mail address`);
  }
  const email = text.toLowerCase();
  const row = db.prepare('SELECT id FROM customers WHERE email = ?').get(email) as { id: number } | undefined;
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

function assertEmailFree(db: Db, email: string, exceptId?: number): void {
  const other = db.prepare('SELECT id FROM customers WHERE email = ?').get(email) as { id: number } | undefined;
  if (other && other.id !== exceptId) {
    throw new ConflictError(`a customer with e-mail ${email} already exists (id ${other.id})`, [
      `Change that customer with: customers edit ${other.id}`,
    ]);
  }
}

export function createCustomer(store: Store, raw: CustomerInput, now: Date): Item {
  const input = normalizeInput(raw);
  if (!input.email) throw new ValidationError('an e-mail address is required');
  const email = input.email;
  const id = store.write(() => {
    const db = store.db;
    assertEmailFree(db, email);
    const groupId = input.group ? requireGroupId(db, input.group) : null;
    const stamp = formatTimestamp(now);
    const columns = ['email', ...TEXT_FIELDS, 'country', 'lang', 'group_id', 'tax_exempt', 'accepts_marketing', 'created_at', 'updated_at'];
    const values = [
      email,
      ...TEXT_FIELDS.map((f) => input[f] ?? null),
      input.country ?? null,
      input.lang ?? null,
      groupId,
      input.tax_exempt ? 1 : 0,
      input.accepts_marketing ? 1 : 0,
      stamp,
      stamp,
    ];
    const result = db
      .prepare(`INSERT INTO customers (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
      .run(...values);
    const newId = Number(result.lastInsertRowid);
    addTags(db, newId, input.tags ?? []);
    indexCustomers(db, 'c.id = ?', newId);
    return newId;
  });
  return getCustomer(store.db, id);
}

function addTags(db: Db, id: number, tags: readonly string[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)');
  for (const tag of tags) insert.run(id, tag);
}

/** Fields the search index holds (src/store/search-index.ts). */
export const SEARCHED_FIELDS: ReadonlySet<string> = new Set(['first_name', 'last_name', 'email', 'phone', 'company']);

export interface EditResult {
  customer: Item;
  /** Names of the fields whose value changed; empty when the edit changed nothing. */
  changed: string[];
}

/** Changes only the given fields; updated_at moves only when something really changed. */
export function editCustomer(store: Store, id: number, raw: CustomerChanges, now: Date): EditResult {
  const changes = normalizeInput(raw);
  const changed = store.write(() => {
    const db = store.db;
    const before = getCustomer(db, id);
    const sets: Record<string, unknown> = {};
    const names: string[] = [];
    const set = (field: string, column: string, value: unknown, current: unknown) => {
      if (value !== current) {
        sets[column] = value;
        names.push(field);
      }
    };
    if (changes.email !== undefined && changes.email !== before.email) {
      assertEmailFree(db, changes.email, id);
      set('email', 'email', changes.email, before.email);
    }
    for (const f of [...TEXT_FIELDS, 'country', 'lang'] as const) {
      if (changes[f] !== undefined) set(f, f, changes[f], before[f]);
    }
    if (changes.group !== undefined) {
      const groupId = changes.group === null ? null : requireGroupId(db, changes.group);
      const current = db.prepare('SELECT group_id FROM customers WHERE id = ?').pluck().get(id);
      set('group', 'group_id', groupId, current);
    }
    for (const f of ['tax_exempt', 'accepts_marketing'] as const) {
      if (changes[f] !== undefined) set(f, f, changes[f] ? 1 : 0, before[f] ? 1 : 0);
    }
    if (Object.keys(sets).length) {
      const columns = Object.keys(sets);
      db.prepare(`UPDATE customers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(sets), id);
    }
    if (names.some((n) => SEARCHED_FIELDS.has(n))) {
      unindexCustomers(db, 'c.id = ?', id);
      indexCustomers(db, 'c.id = ?', id);
    }
    if (changeTags(db, id, before.tags as string[], changes)) names.push('tags');
    if (names.length) db.prepare('UPDATE customers SET updated_at = ? WHERE id = ?').run(formatTimestamp(now), id);
    return names;
  });
  return { customer: getCustomer(store.db, id), changed };
}

/** Applies tags / add_tags / remove_tags; returns whether the set changed. */
function changeTags(db: Db, id: number, current: string[], changes: CustomerChanges): boolean {
  const key = (t: string) => t.toLowerCase();
  const next = new Map((changes.tags ?? current).map((t) => [key(t), t]));
  for (const t of changes.add_tags ?? []) if (!next.has(key(t))) next.set(key(t), t);
  for (const t of changes.remove_tags ?? []) next.delete(key(t));
  const before = new Map(current.map((t) => [key(t), t]));
  const same = next.size === before.size && [...next].every(([k, t]) => before.get(k) === t);
  if (same) return false;
  db.prepare('DELETE FROM customer_tags WHERE customer_id = ?').run(id);
  addTags(db, id, [...next.values()]);
  return true;
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
  const order = sortField === 'id' ? id : `${sortSql.split(', ').map((s) => s + desc).join(', ')}, ${id}`;
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
