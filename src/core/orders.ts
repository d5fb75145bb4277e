/**
 * The orders ledger: orders recorded here (or brought by `orders import`), each with its e-mail and, while
 * a customer has that e-mail, that customer. A customer's statistics are what an import brought from another
 * platform (`order_count`, ... on the customer) and the ledger's figures kept beside them (`ledger_*`),
 * refreshed in the same transaction as every change of the ledger or of which customer an order belongs to.
 */
import type { Db, Store } from '../store/open.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import type { CustomerFilter } from './filters.js';
import { buildWhere } from './filters.js';
import { beginOperation, type Operation } from './history.js';
import { checkSetting, getSetting, writeSetting } from './settings.js';
import { formatAmount, formatTimestamp, normalizeEmail, normalizeText, parseAmount, parseTimestamp } from './values.js';
import type { FieldType, Item } from './fields.js';

/** The fields of an order, as listings show them. */
export const ORDER_FIELDS: readonly { name: string; type: FieldType; sql: string }[] = [
  { name: 'number', type: 'text', sql: 'o.number' },
  { name: 'placed_at', type: 'timestamp', sql: 'o.placed_at' },
  { name: 'customer_id', type: 'int', sql: 'o.customer_id' },
  { name: 'email', type: 'text', sql: 'o.email' },
  { name: 'total', type: 'money', sql: 'o.total_minor' },
  { name: 'currency', type: 'text', sql: 'o.currency' },
  { name: 'created_at', type: 'timestamp', sql: 'o.created_at' },
];

/** The first number given to an order when none is given and the ledger has no numbered order yet. */
const FIRST_NUMBER = 1001;

/** An order number as stored: trimmed, without the `#` platforms print before it (#1001). */
export function normalizeOrderNumber(raw: string): string {
  const text = normalizeText(raw.trim().replace(/^#/, ''), 'the order number');
  if (!text) throw new ValidationError('the order number is empty');
  if (text.length > 64) throw new ValidationError(`the order number "${text.slice(0, 20)}..." is longer than 64 characters`);
  return text;
}

/**
 * The number of a new order: one more than the latest all-digit number recorded (1001 for the first), or the
 * next free one above it. Read from the latest orders, not the highest of all: that would read the whole ledger.
 */
export function nextOrderNumber(db: Db): string {
  const latest = db.prepare("SELECT number FROM orders WHERE number NOT GLOB '*[^0-9]*' AND length(number) < 16 ORDER BY id DESC LIMIT 1").pluck().get() as string | undefined;
  // A deleted order's number is not given again: undoing the delete would find it taken.
  const deleted = db
    .prepare("SELECT n FROM (SELECT json_extract(before, '$.number') AS n, op FROM history_orders WHERE before IS NOT NULL) WHERE n NOT GLOB '*[^0-9]*' AND length(n) < 16 ORDER BY op DESC LIMIT 1")
    .pluck()
    .get() as string | undefined;
  const taken = db.prepare('SELECT 1 FROM orders WHERE number = ?').pluck();
  let next = Math.max(FIRST_NUMBER, Number(latest ?? 0) + 1, Number(deleted ?? 0) + 1);
  while (taken.get(String(next))) next++;
  return String(next);
}

/**
 * The currency of a new order: the store's. An order in another one is refused; while the store has none,
 * the first order's currency becomes the store's (recorded in `op`, so undo takes it back).
 */
export function orderCurrency(db: Db, given: string | undefined, op: Operation): string {
  const code = given === undefined ? undefined : checkSetting('store.currency', given);
  const store = getSetting(db, 'store.currency');
  if (store !== undefined) {
    if (code !== undefined && code !== store) {
      throw new ValidationError(`the order is in ${code}, but the store's amounts are in ${store} (store.currency): a customer's total spent adds amounts of one currency`, [
        `Convert the amount to ${store}, or record it with --currency ${store}.`,
      ]);
    }
    return store;
  }
  if (code === undefined) {
    throw new ValidationError('the store has no currency yet, so an amount alone cannot be kept', [
      'Give the order\'s currency with --currency EUR (it becomes the store\'s), or set it first: customers config set store.currency EUR',
    ]);
  }
  op.setting('store.currency');
  writeSetting(db, 'store.currency', code);
  return code;
}

/** An amount of an order: exact to the cent, not negative (a refund is not an order). */
export function parseOrderTotal(raw: string, options: { decimalComma?: boolean } = {}): number {
  const minor = parseAmount(raw, options);
  if (minor < 0) throw new ValidationError(`the order total "${raw}" is negative; record the order's full amount (refunds are not orders)`);
  return minor;
}

/** Recomputes the ledger's figures of the customers `where` (SQL over customers `c`) selects. */
export function refreshLedger(db: Db, where: string, params: unknown[] = []): void {
  db.prepare(
    `UPDATE customers AS c SET (ledger_orders, ledger_spent_minor, ledger_first_at, ledger_last_at) =
       (SELECT count(*), coalesce(sum(o.total_minor), 0), min(o.placed_at), max(o.placed_at) FROM orders o WHERE o.customer_id = c.id)
     WHERE ${where}`,
  ).run(...params);
}

/**
 * Links the orders that belong to no customer to the customer with their e-mail (one created, restored or
 * given that e-mail again), and refreshes those customers' figures. `where` narrows the pairs: an SQL
 * condition over the customer `c` and the order `o`. Returns how many.
 */
export function attachOrders(db: Db, where = '1', params: unknown[] = []): number {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS attach_ids (id INTEGER PRIMARY KEY); DELETE FROM temp.attach_ids;');
  db.prepare(
    `INSERT OR IGNORE INTO temp.attach_ids SELECT c.id FROM orders o JOIN customers c ON c.email = o.email
     WHERE o.customer_id IS NULL AND o.email IS NOT NULL AND ${where}`,
  ).run(...params);
  const attached = db
    .prepare(
      `UPDATE orders SET customer_id = (SELECT c.id FROM customers c WHERE c.email = orders.email)
       WHERE customer_id IS NULL AND email IN (SELECT c.email FROM customers c WHERE c.id IN (SELECT id FROM temp.attach_ids))`,
    )
    .run().changes;
  if (attached) refreshLedger(db, 'c.id IN (SELECT id FROM temp.attach_ids)');
  return attached;
}

/**
 * The figures a platform gave count every order of the customer, the ledger's too: what stays as imported is
 * the rest, for the customers `where` selects (those an import created and then linked orders to).
 */
export function absorbLedger(db: Db, where: string, params: unknown[]): void {
  db.prepare(
    `UPDATE customers SET order_count = max(0, order_count - ledger_orders), total_spent_minor = max(0, total_spent_minor - ledger_spent_minor)
     WHERE ledger_orders > 0 AND ${where}`,
  ).run(...params);
}

/**
 * Orders an import brought (ids above `seq`) are history that their customers' imported figures already count
 * (a platform's Total Orders and Total Spent): those figures hand them over to the ledger, never below 0. The
 * customers' figures are kept in `op` first, so an undo gives them back.
 */
export function moveIntoLedger(db: Db, op: Operation, seq: number): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS moved_orders (id INTEGER PRIMARY KEY, n INTEGER, spent INTEGER); DELETE FROM temp.moved_orders;');
  db.prepare('INSERT INTO temp.moved_orders SELECT customer_id, count(*), sum(total_minor) FROM orders WHERE id > ? AND customer_id IS NOT NULL GROUP BY customer_id').run(seq);
  const where = 'c.id IN (SELECT id FROM temp.moved_orders)';
  op.customers(where, [], 'changed', { columns: ['order_count', 'total_spent_minor'] });
  db.prepare(
    `UPDATE customers AS c SET order_count = max(0, c.order_count - m.n), total_spent_minor = max(0, c.total_spent_minor - m.spent)
     FROM temp.moved_orders AS m WHERE m.id = c.id`,
  ).run();
  refreshLedger(db, where);
}

/** Whether the ledger holds any order (imports skip the ledger's bookkeeping when it is empty). */
export function ledgerInUse(db: Db): boolean {
  return db.prepare('SELECT 1 FROM orders LIMIT 1').get() !== undefined;
}

export type AccountsPolicy = 'optional' | 'required' | 'disabled';

/** store.accounts and store.auto_accounts, with their defaults. */
export function accountsPolicy(db: Db): { accounts: AccountsPolicy; auto: boolean } {
  return {
    accounts: (getSetting(db, 'store.accounts') ?? 'optional') as AccountsPolicy,
    auto: (getSetting(db, 'store.auto_accounts') ?? 'yes') === 'yes',
  };
}

export interface OrderInput {
  email?: string | null;
  total: string;
  number?: string;
  placedAt?: string;
  currency?: string;
  /** Buy without an account: no customer is created for an unknown e-mail. */
  guest?: boolean;
}

export interface AddedOrder {
  order: Item;
  /** The customer it was recorded for; `created` when the order created it (with an account or as a contact). */
  customer?: { id: number; created: boolean; account: boolean };
}

/** Records one order (a checkout): creates the customer of an unknown e-mail as store.accounts says. */
export function addOrder(store: Store, input: OrderInput, now: Date, createCustomer: (op: Operation, email: string, account: boolean) => number): AddedOrder {
  const total = parseOrderTotal(input.total);
  const email = input.email ? normalizeEmail(input.email) : null;
  const placedAt = input.placedAt === undefined ? formatTimestamp(now) : parseTimestamp(input.placedAt);
  const number = input.number === undefined ? undefined : normalizeOrderNumber(input.number);
  return store.write(() => {
    const db = store.db;
    const policy = accountsPolicy(db);
    if (input.guest && policy.accounts === 'required') {
      throw new ValidationError('the store requires an account to buy (store.accounts is required): a guest order is refused', [
        'Leave out --guest, or allow guests: customers config set store.accounts optional',
      ]);
    }
    const op = beginOperation(store, 'orders add', now);
    const currency = orderCurrency(db, input.currency, op);
    const orderNumber = number ?? nextOrderNumber(db);
    assertNumberFree(db, orderNumber);
    let customer: AddedOrder['customer'];
    const existing = email === null ? undefined : (db.prepare('SELECT id, has_account FROM customers WHERE email = ?').get(email) as { id: number; has_account: number } | undefined);
    if (existing) customer = { id: existing.id, created: false, account: existing.has_account === 1 };
    else if (email !== null && !input.guest) {
      const account = policy.accounts === 'required' || (policy.accounts === 'optional' && policy.auto);
      customer = { id: createCustomer(op, email, account), created: true, account };
    }
    const id = insertOrder(db, { number: orderNumber, customerId: customer?.id ?? null, email, total, currency, placedAt, createdAt: formatTimestamp(now) });
    op.orders(id, id);
    op.finish();
    if (customer) refreshLedger(db, 'c.id = ?', [customer.id]);
    return { order: getOrder(db, orderNumber), customer };
  });
}

export interface OrderRow {
  number: string;
  customerId: number | null;
  email: string | null;
  total: number;
  currency: string;
  placedAt: string;
  createdAt: string;
}

export function insertOrder(db: Db, row: OrderRow): number {
  return Number(
    db.prepare('INSERT INTO orders (number, customer_id, email, total_minor, currency, placed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.number, row.customerId, row.email, row.total, row.currency, row.placedAt, row.createdAt).lastInsertRowid,
  );
}

export function assertNumberFree(db: Db, number: string): void {
  const other = db.prepare('SELECT number FROM orders WHERE number = ?').pluck().get(number) as string | undefined;
  if (other !== undefined) throw new ConflictError(`an order numbered ${other} already exists`, [`See it with: customers orders show ${other}`, 'Give another --number, or leave it out for the next free one.']);
}

const SELECT_ORDER = `SELECT ${ORDER_FIELDS.map((f) => `${f.sql} AS ${f.name}`).join(', ')} FROM orders o`;

function decodeOrder(row: Record<string, unknown>): Item {
  return { ...row, total: formatAmount(row.total as number) } as Item;
}

/** An order by its number (`#1001` and `1001` are the same). */
export function getOrder(db: Db, raw: string): Item {
  const number = normalizeOrderNumber(raw);
  const row = db.prepare(`${SELECT_ORDER} WHERE o.number = ?`).get(number) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError(`no order numbered ${number}`, ['List orders with: customers orders list']);
  return decodeOrder(row);
}

export interface OrderQuery {
  /** Orders of this customer only (its id). */
  customerId?: number;
  /** Orders of the customers this filter selects. */
  filter?: CustomerFilter;
  placedAfter?: string;
  placedBefore?: string;
}

/** The orders, oldest first (by when they were placed, then number). */
export function* listOrders(db: Db, query: OrderQuery): Generator<Item> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (query.customerId !== undefined) {
    clauses.push('o.customer_id = ?');
    params.push(query.customerId);
  }
  if (query.filter && Object.keys(query.filter).length) {
    const where = buildWhere(db, query.filter);
    clauses.push(`o.customer_id IN (SELECT c.id FROM ${where.from} WHERE ${where.sql})`);
    params.push(...where.params);
  }
  if (query.placedAfter !== undefined) {
    clauses.push('o.placed_at >= ?');
    params.push(query.placedAfter);
  }
  if (query.placedBefore !== undefined) {
    clauses.push('o.placed_at < ?');
    params.push(query.placedBefore);
  }
  const sql = `${SELECT_ORDER} WHERE ${clauses.join(' AND ') || '1'} ORDER BY o.placed_at, o.id`;
  for (const row of db.prepare(sql).iterate(...params)) yield decodeOrder(row as Record<string, unknown>);
}

/** Deletes an order; its customer's figures follow. Returns the order as it was. */
export function deleteOrder(store: Store, raw: string, now: Date): Item {
  return store.write(() => {
    const db = store.db;
    const order = getOrder(db, raw);
    const row = db.prepare('SELECT id, customer_id FROM orders WHERE number = ?').get(order.number) as { id: number; customer_id: number | null };
    const op = beginOperation(store, 'orders delete', now);
    op.orderDeleted(row.id);
    db.prepare('DELETE FROM orders WHERE id = ?').run(row.id);
    op.finish();
    if (row.customer_id !== null) refreshLedger(db, 'c.id = ?', [row.customer_id]);
    return order;
  });
}
