/**
 * `seed --count N`: N generated customers (generate.ts) with their orders, written into an empty store in one
 * transaction, the way an import into an empty store writes (secondary indexes built once at the end, the
 * search index in bulk). Each customer's ledger figures are summed here from its orders, not read back.
 * `seed --reset` empties the store first.
 */
import { ValidationError } from '../../common/errors.js';
import { type Db, lastId, type Store } from '../../store/open.js';
import { indexCustomersInBulk } from '../../store/search-index.js';
import { dropSecondaryIndexes } from '../csv/import.js';
import { ensureGroup } from '../groups.js';
import { beginOperation } from '../history.js';
import { getSetting, writeSetting } from '../settings.js';
import { parseAmount } from '../values.js';
import { loadSeedGenerator, type SeedCustomer, type SeedLocale } from './generate.js';

export interface CountOptions {
  count: number;
  seed: string;
  locale: SeedLocale;
  now: Date;
  /** Called every few thousand customers with how many are written. */
  onProgress?: (written: number) => void;
}

export interface CountResult {
  customers: number;
  orders: number;
  currency: string;
}

const CUSTOMER_COLUMNS = [
  'email', 'first_name', 'last_name', 'phone', 'company', 'street', 'street2', 'city', 'region', 'postal_code', 'country', 'lang',
  'tax_exempt', 'tax_id', 'accepts_marketing', 'accepts_sms_marketing', 'has_account', 'note', 'created_at', 'updated_at',
  'group_id', 'ledger_orders', 'ledger_spent_minor', 'ledger_first_at', 'ledger_last_at',
];

/** The currency of generated amounts: the store's, else the dollar for US customers and the euro for the others. */
function seedCurrency(db: Db, locale: SeedLocale): string {
  const set = getSetting(db, 'store.currency');
  if (set !== undefined) return set;
  const currency = locale === 'en' ? 'USD' : 'EUR';
  writeSetting(db, 'store.currency', currency);
  return currency;
}

export async function seedCount(store: Store, options: CountOptions): Promise<CountResult> {
  const generator = await loadSeedGenerator(options);
  return store.write(() => {
    const db = store.db;
    const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
    if (customers > 0) {
      throw new ValidationError(`the store has ${customers.toLocaleString('en-US')} customers: seed --count fills an empty store, so that a seed always gives the same store`, [
        'Empty it first: customers seed --count N --reset --yes (or use another --db).',
      ]);
    }
    const op = beginOperation(store, 'seed', options.now);
    op.setting('store.currency');
    const currency = seedCurrency(db, options.locale);
    const groups = new Map(generator.groups.map((name) => {
      const group = ensureGroup(db, name, options.now);
      if (group.created) op.groupCreated(group.id);
      return [name, group.id] as const;
    }));
    const seqAtStart = lastId(db, 'customers');
    const ordersAtStart = lastId(db, 'orders');
    const bulk = dropSecondaryIndexes(db, ['customers', 'customer_tags', 'orders']);
    bulk.drop();
    const orders = writeCustomers(db, generator.customer.bind(generator), groups, currency, options);
    indexCustomersInBulk(db, 'c.id > ?', seqAtStart);
    bulk.restore();
    op.createdAbove(seqAtStart);
    op.ordersAbove(ordersAtStart);
    op.finish();
    return { customers: options.count, orders, currency };
  });
}

/** Inserts the customers, their tags and orders; returns how many orders. */
function writeCustomers(db: Db, customer: (i: number) => SeedCustomer, groups: ReadonlyMap<string, number>, currency: string, options: CountOptions): number {
  const insert = db.prepare(`INSERT INTO customers (${CUSTOMER_COLUMNS.join(', ')}) VALUES (${CUSTOMER_COLUMNS.map(() => '?').join(', ')})`);
  const tag = db.prepare('INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)');
  const order = db.prepare('INSERT INTO orders (number, customer_id, email, total_minor, currency, placed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let orders = 0;
  for (let i = 0; i < options.count; i++) {
    const c = customer(i);
    const totals = c.orders.map((o) => parseAmount(o.total));
    const spent = totals.reduce((a, b) => a + b, 0);
    const dates = c.orders.map((o) => o.placed_at).sort();
    const id = Number(insert.run(
      c.email, c.first_name, c.last_name, c.phone, c.company, c.street, c.street2, c.city, c.region, c.postal_code, c.country, c.lang,
      c.tax_exempt ? 1 : 0, c.tax_id, c.accepts_marketing ? 1 : 0, c.accepts_sms_marketing ? 1 : 0, c.has_account ? 1 : 0, c.note, c.created_at, c.created_at,
      c.group === null ? null : groups.get(c.group)!, c.orders.length, spent, dates[0] ?? null, dates[dates.length - 1] ?? null,
    ).lastInsertRowid);
    for (const t of c.tags) tag.run(id, t);
    c.orders.forEach((o, k) => order.run(o.number, id, c.email, totals[k], currency, o.placed_at, o.placed_at));
    orders += c.orders.length;
    if ((i + 1) % 10000 === 0) options.onProgress?.(i + 1);
  }
  return orders;
}

/**
 * `seed --reset`: a store as new but for its settings: no customers, orders, groups, login links or history,
 * and ids from 1 again, so that a CI job that seeds again gets the same ids. Cannot be undone (the history goes too).
 */
export function emptyStore(store: Store): { customers: number; orders: number } {
  return store.write(() => {
    const db = store.db;
    const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
    const orders = db.prepare('SELECT count(*) FROM orders').pluck().get() as number;
    db.exec(`
      DELETE FROM history;
      DELETE FROM orders;
      DELETE FROM login_links;
      DELETE FROM customer_tags;
      DELETE FROM customers;
      DELETE FROM groups;
      INSERT INTO customers_search (customers_search) VALUES ('delete-all');
      DELETE FROM sqlite_sequence WHERE name IN ('customers', 'orders', 'groups', 'login_links', 'history');
    `);
    return { customers, orders };
  });
}
