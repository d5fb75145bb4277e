/**
 * `seed FILE.json`: a declared fixture set (settings, groups, customers with refs, orders, login links in a
 * chosen state) made true in one transaction. Customers are found again by e-mail (or source id), orders by
 * number: a second run changes nothing, except that login links are issued anew (a token cannot be read back
 * from its hash). Every entry is checked before anything is written; an error names the entry and the field.
 */
import { ValidationError } from '../../common/errors.js';
import { jsonErrorOffset, lineAndColumn } from '../../common/json-position.js';
import type { Db, Store } from '../../store/open.js';
import { assertIdentified, changeCustomer, insertCustomer } from '../customers.js';
import { EDITABLE_FIELDS, type FieldDef, fieldNamed, type InputValue, normalizeValue } from '../fields.js';
import { ensureGroup } from '../groups.js';
import { beginOperation, type Operation, recordIrreversible } from '../history.js';
import { DEFAULT_LINK_TTL_SECONDS, LINK_STATUSES, type LoginLinkStatus } from '../link-statuses.js';
import { newLinkRow } from '../login-links.js';
import { insertOrder, normalizeOrderNumber, orderCurrency, parseOrderTotal, refreshLedger } from '../orders.js';
import { checkSetting, settingDef, writeSetting } from '../settings.js';
import { formatTimestamp, normalizeEmail, normalizeGroupName, parseDuration, parseTimestamp } from '../values.js';

/** The states a fixture may leave a link in: every state a link has. */
export const LINK_STATES = LINK_STATUSES;
export type LinkState = LoginLinkStatus;

/** A fixture customer: the editable fields, normalised; fields it does not declare take their defaults. */
interface FixtureCustomer {
  where: string;
  ref?: string;
  values: Map<FieldDef, InputValue>;
}

interface FixtureOrder {
  where: string;
  number: string;
  /** The customer's ref, or an e-mail of its own (a guest order). */
  ref?: string;
  email?: string;
  total: number;
  currency?: string;
  placedAt?: string;
}

interface FixtureLink {
  where: string;
  ref: string;
  ttlSeconds: number;
  url?: string;
  state: LinkState;
}

export interface Fixture {
  settings: [string, string][];
  groups: string[];
  customers: FixtureCustomer[];
  orders: FixtureOrder[];
  links: FixtureLink[];
}

/** A login link the fixture issued, as printed (the only time its URL is known). */
export interface SeededLink {
  ref: string;
  customer_id: number;
  email: string | null;
  url: string;
  state: LinkState;
  expires_at: string;
}

export interface SeedResult {
  customers: { created: number; changed: number; unchanged: number };
  orders: { created: number; changed: number; unchanged: number };
  groups_created: string[];
  links: SeededLink[];
}

const TOP_KEYS = ['$schema', 'settings', 'groups', 'customers', 'orders', 'login_links'];
const ORDER_KEYS = ['customer', 'email', 'number', 'total', 'currency', 'placed_at'];
const LINK_KEYS = ['customer', 'ttl', 'url', 'state'];
/** The fields a fixture customer may declare: those add and edit set. */
export const SEED_CUSTOMER_FIELDS: readonly FieldDef[] = EDITABLE_FIELDS;

/** Reads a fixture file's text: JSON errors with line and column, then each entry checked. */
export function parseFixture(text: string, file: string): Fixture {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${file} is not valid JSON: ${jsonErrorWhere(text, (error as Error).message)}`, ['Check the file with a JSON linter, or: customers seed --schema > seed.schema.json']);
  }
  const top = object(data, file);
  unknownKeys(top, TOP_KEYS, file);
  const customers = list(top.customers, `${file}: customers`).map((entry, i) => readCustomer(entry, `customers[${i}]`));
  const refs = new Map<string, number>();
  customers.forEach((c, i) => {
    for (const key of ['email', 'source_id']) {
      const value = c.values.get(fieldNamed(key)!);
      const earlier = customers.findIndex((other) => other.values.get(fieldNamed(key)!) === value);
      // Two entries of one customer: the second would silently make the first something else.
      if (typeof value === 'string' && earlier < i) throw new ValidationError(`${c.where}, field "${key}": ${value} is already the ${key === 'email' ? 'e-mail' : 'source id'} of customers[${earlier}]`);
    }
    if (c.ref === undefined) return;
    if (refs.has(c.ref)) throw new ValidationError(`${c.where}: the ref "${c.ref}" is already the ref of customers[${refs.get(c.ref)}]`);
    refs.set(c.ref, i);
  });
  const fixture: Fixture = {
    settings: Object.entries(object(top.settings ?? {}, 'settings')).map(([key, value]) => [key, settingValue(key, value)]),
    groups: list(top.groups, 'groups').map((g, i) => normalizeGroupName(text_(g, `groups[${i}]`))),
    customers,
    orders: list(top.orders, 'orders').map((entry, i) => readOrder(entry, `orders[${i}]`, refs)),
    links: list(top.login_links, 'login_links').map((entry, i) => readLink(entry, `login_links[${i}]`, refs)),
  };
  fixture.orders.forEach((order, i) => {
    // Numbers compare ignoring case, as the ledger compares them.
    const earlier = fixture.orders.findIndex((other) => other.number.toLowerCase() === order.number.toLowerCase());
    if (earlier < i) throw new ValidationError(`${order.where}, field "number": ${order.number} is already the number of orders[${earlier}]`);
  });
  for (const link of fixture.links) {
    const customer = customers[refs.get(link.ref)!];
    if (customer.values.get(fieldNamed('has_account')!) === false) {
      throw new ValidationError(`${link.where}, field "customer": ${customer.where} has no account ("has_account": false), and login links are for account holders`);
    }
  }
  return fixture;
}

/** JSON.parse's reason, and where the text stops being JSON. */
function jsonErrorWhere(text: string, message: string): string {
  const offset = jsonErrorOffset(text);
  const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, \.*".*" is not valid JSON$/s, '');
  return offset < 0 ? reason : `${reason} at ${lineAndColumn(text, offset)}`;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ValidationError(`${where} must be a JSON array`);
  return value;
}

function text_(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ValidationError(`${where} must be a string, not ${JSON.stringify(value)}`);
  return value;
}

function unknownKeys(entry: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(entry).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new ValidationError(`${where}: unknown field "${unknown}"`, [`Fields: ${known.join(', ')}.`]);
}

/** Runs a check, naming the entry and the field in its error. */
function at<T>(where: string, field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${where}, field "${field}": ${error.message}`, error.details);
    throw error;
  }
}

function settingValue(key: string, value: unknown): string {
  // A fixture is a file in a repository, and the history keeps a setting's former value: no passwords.
  if (settingDef(key).redact) throw new ValidationError(`settings: "${key}" may hold a password, which a fixture file should not: set it with customers config set ${key}`);
  return at('settings', key, () => checkSetting(key, text_(value, 'the value')));
}

function readCustomer(raw: unknown, index: string): FixtureCustomer {
  const entry = object(raw, index);
  const ref = entry.ref === undefined ? undefined : text_(entry.ref, `${index}: ref`);
  const where = ref === undefined ? index : `${index} (ref "${ref}")`;
  unknownKeys(entry, ['ref', ...SEED_CUSTOMER_FIELDS.map((f) => f.name)], where);
  const values = new Map<FieldDef, InputValue>();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'ref') continue;
    const field = fieldNamed(name)!;
    values.set(field, at(where, name, () => normalizeValue(field, checkType(field, value))));
  }
  const get = (name: string) => values.get(fieldNamed(name)!);
  if (!get('email') && !get('source_id')) {
    throw new ValidationError(`${where}: a fixture customer needs an "email" or a "source_id", by which the next run finds it again`);
  }
  at(where, 'email', () => assertIdentified((column) => get(column) as string | undefined, 'the customer'));
  return { where, ref, values };
}

/** JSON types per field type: text as strings, yes/no as booleans, tags as an array of strings. */
function checkType(field: FieldDef, value: unknown): InputValue {
  if (value === null) return null;
  if (field.type === 'bool') {
    if (typeof value !== 'boolean') throw new ValidationError(`must be true or false, not ${JSON.stringify(value)}`);
    return value;
  }
  if (field.type === 'tags') {
    if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) throw new ValidationError('must be an array of strings, such as ["vip", "b2b"]');
    return value as string[];
  }
  if (typeof value !== 'string') throw new ValidationError(`must be a string, not ${JSON.stringify(value)}`);
  return value;
}

/** "${alice}": the customer declared with ref alice. */
function refOf(value: unknown, where: string, refs: ReadonlyMap<string, number>): string {
  const text = text_(value, `${where}, field "customer"`);
  const m = /^\$\{(.+)\}$/.exec(text);
  if (!m) throw new ValidationError(`${where}, field "customer": "${text}" is not a reference; write "\${ref}" with the ref of a customer of the file`);
  if (!refs.has(m[1])) throw new ValidationError(`${where}, field "customer": no customer of the file has the ref "${m[1]}"`, [`Refs: ${[...refs.keys()].join(', ') || '(none)'}.`]);
  return m[1];
}

function readOrder(raw: unknown, where: string, refs: ReadonlyMap<string, number>): FixtureOrder {
  const entry = object(raw, where);
  unknownKeys(entry, ORDER_KEYS, where);
  if ((entry.customer === undefined) === (entry.email === undefined)) throw new ValidationError(`${where}: give either "customer" ("\${ref}") or "email" (a guest order)`);
  return {
    where,
    number: at(where, 'number', () => normalizeOrderNumber(text_(entry.number, 'the number'))),
    ref: entry.customer === undefined ? undefined : refOf(entry.customer, where, refs),
    email: entry.email === undefined ? undefined : at(where, 'email', () => normalizeEmail(text_(entry.email, 'the e-mail'))),
    total: at(where, 'total', () => parseOrderTotal(text_(entry.total, 'the total'))),
    currency: entry.currency === undefined ? undefined : at(where, 'currency', () => checkSetting('store.currency', text_(entry.currency, 'the currency'))),
    placedAt: entry.placed_at === undefined ? undefined : at(where, 'placed_at', () => parseTimestamp(text_(entry.placed_at, 'the date'))),
  };
}

function readLink(raw: unknown, where: string, refs: ReadonlyMap<string, number>): FixtureLink {
  const entry = object(raw, where);
  unknownKeys(entry, LINK_KEYS, where);
  const state = entry.state === undefined ? 'active' : text_(entry.state, `${where}, field "state"`);
  if (!(LINK_STATES as readonly string[]).includes(state)) throw new ValidationError(`${where}, field "state": "${state}" is not one of ${LINK_STATES.join(', ')}`);
  return {
    where,
    ref: refOf(entry.customer, where, refs),
    ttlSeconds: entry.ttl === undefined ? DEFAULT_LINK_TTL_SECONDS : at(where, 'ttl', () => parseDuration(text_(entry.ttl, 'the ttl'))),
    url: entry.url === undefined ? undefined : text_(entry.url, `${where}, field "url"`),
    state: state as LinkState,
  };
}

/** Makes the fixture true in one transaction; login links are issued by `issue` (they need the URL template). */
export function applyFixture(store: Store, fixture: Fixture, now: Date, template: (url: string | undefined, where: string) => string): SeedResult {
  return store.write(() => {
    const db = store.db;
    const op = beginOperation(store, 'seed', now);
    const result: SeedResult = { customers: { created: 0, changed: 0, unchanged: 0 }, orders: { created: 0, changed: 0, unchanged: 0 }, groups_created: [], links: [] };
    for (const [key, value] of fixture.settings) {
      if (db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) === value) continue;
      op.setting(key);
      writeSetting(db, key, value);
    }
    for (const name of fixture.groups) groupFor(db, name, now, op, result);
    const ids = new Map<string, number>();
    for (const customer of fixture.customers) {
      const id = at(customer.where, customer.values.has(fieldNamed('email')!) ? 'email' : 'source_id', () => seedCustomer(db, customer, now, op, result));
      if (customer.ref !== undefined) ids.set(customer.ref, id);
    }
    for (const order of fixture.orders) seedOrder(db, order, ids, now, op, result);
    op.finish();
    // The links of an earlier run stop working; those of this run are all kept (one may be used, one active).
    const linkedIds = [...new Set(fixture.links.map((l) => ids.get(l.ref)!))];
    db.prepare('UPDATE login_links SET revoked_at = ? WHERE used_at IS NULL AND revoked_at IS NULL AND customer_id IN (SELECT value FROM json_each(?))').run(formatTimestamp(now), JSON.stringify(linkedIds));
    const linked = fixture.links.map((link) => seedLink(db, link, ids, now, at(link.where, 'url', () => template(link.url, link.where))));
    result.links = linked;
    if (linked.length) recordIrreversible(store, 'seed login links', now, linked.map((l) => l.customer_id));
    return result;
  });
}

function groupFor(db: Db, name: string, now: Date, op: Operation, result: SeedResult): number {
  const group = ensureGroup(db, name, now);
  if (group.created) {
    op.groupCreated(group.id);
    result.groups_created.push(name);
  }
  return group.id;
}

/** The customer found by e-mail (else source id), made exactly as declared; or created. Returns its id. */
function seedCustomer(db: Db, customer: FixtureCustomer, now: Date, op: Operation, result: SeedResult): number {
  const value = (name: string) => customer.values.get(fieldNamed(name)!);
  const email = value('email') as string | null | undefined;
  const found = (email
    ? db.prepare('SELECT id FROM customers WHERE email = ?').pluck().get(email)
    : db.prepare('SELECT id FROM customers WHERE source_id = ? ORDER BY id LIMIT 1').pluck().get(value('source_id'))) as number | undefined;
  const sourceId = value('source_id');
  if (found !== undefined && typeof sourceId === 'string') {
    const other = db.prepare('SELECT id FROM customers WHERE source_id = ? AND id <> ? LIMIT 1').pluck().get(sourceId, found) as number | undefined;
    if (other !== undefined) throw new ValidationError(`customer ${found} has this e-mail, but customer ${other} has the source id ${sourceId}; correct one of them first`);
  }
  const group = value('group');
  if (typeof group === 'string') groupFor(db, group, now, op, result);
  const input = Object.fromEntries([...customer.values].map(([f, v]) => [f.name, v]));
  if (found === undefined) {
    const id = insertCustomer(db, input, now);
    op.createdId(id);
    result.customers.created++;
    return id;
  }
  if (makeExactly(db, found, customer.values, now, op)) result.customers.changed++;
  else result.customers.unchanged++;
  return found;
}

/** Every editable field as declared, the others at their defaults (an account: yes); false when it already was. */
function makeExactly(db: Db, id: number, values: ReadonlyMap<FieldDef, InputValue>, now: Date, op: Operation): boolean {
  const changes = Object.fromEntries(SEED_CUSTOMER_FIELDS.map((field) => {
    const fallback = field.name === 'has_account' ? true : field.type === 'bool' ? false : field.type === 'tags' ? [] : null;
    return [field.name, values.has(field) ? values.get(field)! : fallback];
  }));
  return changeCustomer(db, op, id, changes, now).length > 0;
}

function seedOrder(db: Db, order: FixtureOrder, ids: ReadonlyMap<string, number>, now: Date, op: Operation, result: SeedResult): void {
  const customerId = order.ref === undefined ? (db.prepare('SELECT id FROM customers WHERE email = ?').pluck().get(order.email) as number | undefined) ?? null : ids.get(order.ref)!;
  const email = order.ref === undefined ? order.email! : (db.prepare('SELECT email FROM customers WHERE id = ?').pluck().get(customerId) as string | null);
  const currency = at(order.where, 'currency', () => orderCurrency(db, order.currency, op));
  const placedAt = order.placedAt ?? formatTimestamp(now);
  const existing = db.prepare('SELECT id, customer_id, email, total_minor, currency, placed_at FROM orders WHERE number = ?').get(order.number) as Record<string, unknown> | undefined;
  if (existing && existing.customer_id === customerId && existing.email === email && existing.total_minor === order.total && existing.currency === currency && (order.placedAt === undefined || existing.placed_at === placedAt)) {
    result.orders.unchanged++;
    return;
  }
  if (existing) {
    op.orderDeleted(existing.id as number);
    db.prepare('DELETE FROM orders WHERE id = ?').run(existing.id);
    if (existing.customer_id !== null) refreshLedger(db, 'c.id = ?', [existing.customer_id]);
    result.orders.changed++;
  } else result.orders.created++;
  const id = insertOrder(db, { number: order.number, customerId, email, total: order.total, currency, placedAt, createdAt: formatTimestamp(now) });
  op.orders(id, id);
  if (customerId !== null) refreshLedger(db, 'c.id = ?', [customerId]);
}

/** Issues a link in the state asked for: used or revoked now, or expired a second ago. */
function seedLink(db: Db, link: FixtureLink, ids: ReadonlyMap<string, number>, now: Date, template: string): SeededLink {
  const id = ids.get(link.ref)!;
  const customer = db.prepare('SELECT email, has_account FROM customers WHERE id = ?').get(id) as { email: string | null; has_account: number };
  if (!customer.has_account) throw new ValidationError(`${link.where}, field "customer": customer "${link.ref}" has no account ("has_account": false), and login links are for account holders`);
  const start = link.state === 'expired' ? new Date(now.getTime() - (link.ttlSeconds + 1) * 1000) : now;
  const issued = newLinkRow(db, { customerId: id, email: customer.email, template, created: start, ttlSeconds: link.ttlSeconds, revokeOthers: false });
  const stamp = formatTimestamp(now);
  if (link.state === 'used') db.prepare('UPDATE login_links SET used_at = ? WHERE id = ?').run(stamp, issued.id);
  if (link.state === 'revoked') db.prepare('UPDATE login_links SET revoked_at = ? WHERE id = ?').run(stamp, issued.id);
  return { ref: link.ref, customer_id: id, email: customer.email, url: issued.url, state: link.state, expires_at: issued.expires_at };
}
