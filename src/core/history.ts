/**
 * The history of operations: every command that writes records one, in the same transaction as its change,
 * with what it takes to reverse it (see migration 7): the customers, groups and settings it changed as they
 * were before (an image; none for what it created), and the id ranges of the customers it created.
 * Images are JSON made by SQLite itself (json_object), so recording 100,000 of them is one statement.
 */
import { NotFoundError, ValidationError } from '../common/errors.js';
import type { Statement } from 'better-sqlite3';
import type { Db, Store } from '../store/open.js';
import { formatTimestamp, parseDuration } from './values.js';

/** How long operations are kept when `history.keep` is not set. */
export const DEFAULT_KEEP = '90d';

/** What an operation did to a customer, as `history show` says it. */
export type CustomerAction = 'created' | 'changed' | 'deleted' | 'restored' | 'links';

/** The columns of a table as this store has them (a newer migration may have added some). */
const columnsOf = new WeakMap<Db, Map<string, string[]>>();
export function tableColumns(db: Db, table: string): string[] {
  let tables = columnsOf.get(db);
  if (!tables) columnsOf.set(db, (tables = new Map()));
  let columns = tables.get(table);
  if (!columns) {
    columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
    tables.set(table, columns);
  }
  return columns;
}

/** What an image of a customer holds: every column and the tags, or only what a change touches. */
export interface ImageParts {
  /** Only these columns (with the id): an update keeps what it changes, not whole customers. */
  columns?: readonly string[];
  /** The tags (always, when `columns` is not given). */
  tags?: boolean;
  /** The login links and the ids of its orders: for a customer about to be deleted, which takes its links with it. */
  links?: boolean;
}

/**
 * The JSON image of customer `c`. A partial one (`columns`) keeps an update of 100,000 customers' notes
 * to a few megabytes, not fifty: undo puts back exactly the keys an image has.
 */
export function customerImageSql(db: Db, parts: ImageParts = {}): string {
  const columns = parts.columns ? ['id', ...parts.columns.filter((c) => c !== 'id')] : tableColumns(db, 'customers');
  const fields = columns.map((c) => `'${c}', c.${c}`);
  if (!parts.columns || parts.tags) fields.push("'tags', json((SELECT json_group_array(t.tag) FROM customer_tags t WHERE t.customer_id = c.id))");
  if (parts.links) {
    const link = tableColumns(db, 'login_links').map((c) => `'${c}', l.${c}`).join(', ');
    fields.push(`'links', json((SELECT json_group_array(json_object(${link})) FROM login_links l WHERE l.customer_id = c.id))`);
    // Its orders stay in the ledger (with their e-mail): undo links them to it again.
    fields.push("'orders', json((SELECT json_group_array(o.id) FROM orders o WHERE o.customer_id = c.id))");
  }
  return `json_object(${fields.join(', ')})`;
}

export interface OperationStart {
  kind: string;
  /** The command line as typed, secrets removed. */
  command: string;
  now: Date;
}

/**
 * One operation being recorded, inside the transaction of its change. Each `customers`/`group`/`setting`
 * call must come before the change it records; a thing recorded twice keeps its first (earliest) image.
 * `finish` drops an operation that recorded nothing (an edit that changed nothing is no operation).
 */
export class Operation {
  readonly id: number;
  private readonly now: Date;
  /** When it happens, as the store writes times. */
  readonly at: string;

  /** `start` undefined: an operation that records nothing (Unrecorded). */
  constructor(private readonly db: Db, start: OperationStart | undefined, options: { reversible?: boolean } = {}) {
    this.now = start?.now ?? new Date(0);
    this.at = formatTimestamp(this.now);
    this.id = !start ? 0 : Number(
      db.prepare('INSERT INTO history (kind, at, command, reversible) VALUES (?, ?, ?, ?)')
        .run(start.kind, this.at, start.command, options.reversible === false ? 0 : 1).lastInsertRowid,
    );
  }

  /**
   * Keeps the image of each customer `c` that `where` selects (an SQL condition on `customers c`): whole,
   * or of the `parts` a change touches; a customer about to be deleted, whole with its login links.
   */
  customers(where: string, params: unknown[], action: Exclude<CustomerAction, 'created' | 'restored'>, parts: ImageParts = {}): number {
    const image = customerImageSql(this.db, action === 'deleted' ? { links: true } : parts);
    return this.db
      .prepare(`INSERT OR IGNORE INTO history_customers (op, customer_id, action, before) SELECT ?, c.id, ?, ${image} FROM customers c WHERE ${where}`)
      .run(this.id, action, ...params).changes;
  }

  private one: Statement | undefined;

  /** Keeps the image of one customer about to change (an import's rows, one at a time). */
  customer(id: number): void {
    this.one ??= this.db.prepare(
      `INSERT OR IGNORE INTO history_customers (op, customer_id, action, before) SELECT ?, c.id, 'changed', ${customerImageSql(this.db)} FROM customers c WHERE c.id = ?`,
    );
    this.one.run(this.id, id);
  }

  /** Forgets the operation: it changed nothing after all. */
  discard(): void {
    this.db.prepare('DELETE FROM history WHERE id = ?').run(this.id);
  }

  /** Customers that did not exist before this operation, named one by one (those an undo brings back). */
  absent(ids: string, params: unknown[], action: 'created' | 'restored' | 'links'): void {
    this.db.prepare(`INSERT OR IGNORE INTO history_customers (op, customer_id, action, before) SELECT ?, id, ?, NULL FROM (${ids})`).run(this.id, action, ...params);
  }

  /** The customers created with ids above `seq`, kept as ranges of consecutive ids. */
  createdAbove(seq: number): void {
    this.rangesAbove('customers', 'history_created', seq);
  }

  /** The rows of `table` with ids above `seq`, kept in `into` as ranges of consecutive ids (gaps and islands). */
  private rangesAbove(table: 'customers' | 'orders', into: 'history_created' | 'history_orders', seq: number): void {
    this.db
      .prepare(
        `INSERT INTO ${into} (op, first_id, last_id)
         SELECT ?, min(id), max(id) FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS run FROM ${table} WHERE id > ?) GROUP BY run`,
      )
      .run(this.id, seq);
  }

  createdId(id: number): void {
    this.db.prepare('INSERT INTO history_created (op, first_id, last_id) VALUES (?, ?, ?)').run(this.id, id, id);
  }

  /** Keeps a group as it is (or, when it does not exist yet, that this operation creates it). */
  group(id: number): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO history_groups (op, group_id, before)
                VALUES (?, ?, (SELECT json_object('name', name, 'created_at', created_at) FROM groups WHERE id = ?))`)
      .run(this.id, id, id);
  }

  /** Records that this operation created the group (it did not exist before). */
  groupCreated(id: number): void {
    this.db.prepare('INSERT OR IGNORE INTO history_groups (op, group_id, before) VALUES (?, ?, NULL)').run(this.id, id);
  }

  /** Orders this operation created: a range of consecutive ids (the undo deletes them). */
  orders(first: number, last: number): void {
    if (last >= first) this.db.prepare('INSERT OR IGNORE INTO history_orders (op, first_id, last_id, before) VALUES (?, ?, ?, NULL)').run(this.id, first, last);
  }

  /** The orders created with ids above `seq` (an import's, a seed's), as createdAbove keeps customers. */
  ordersAbove(seq: number): void {
    this.rangesAbove('orders', 'history_orders', seq);
  }

  /** An order about to be deleted, whole (the undo puts it back). */
  orderDeleted(id: number): void {
    const image = `json_object(${tableColumns(this.db, 'orders').map((c) => `'${c}', ${c}`).join(', ')})`;
    this.db.prepare(`INSERT OR IGNORE INTO history_orders (op, first_id, last_id, before) SELECT ?, id, id, ${image} FROM orders WHERE id = ?`).run(this.id, id);
  }

  setting(key: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO history_settings (op, key, before) VALUES (?, ?, (SELECT value FROM settings WHERE key = ?))')
      .run(this.id, key, key);
  }

  /**
   * Counts the customers it touched and keeps it; an operation that recorded nothing is dropped (returns
   * undefined). `customers` overrides the count for an operation that keeps no images (login links).
   */
  finish(customers?: number, options: { keep?: boolean; spare?: number } = {}): number | undefined {
    const db = this.db;
    if (customers !== undefined) return this.keep(customers, options.spare);
    const rows = db.prepare('SELECT count(*) FROM history_customers WHERE op = ?').pluck().get(this.id) as number;
    const created = db.prepare('SELECT coalesce(sum(last_id - first_id + 1), 0) FROM history_created WHERE op = ?').pluck().get(this.id) as number;
    const others = db
      .prepare('SELECT (SELECT count(*) FROM history_groups WHERE op = $op) + (SELECT count(*) FROM history_settings WHERE op = $op) + (SELECT count(*) FROM history_orders WHERE op = $op)')
      .pluck()
      .get({ op: this.id }) as number;
    const count = rows + created;
    if (count === 0 && others === 0 && !options.keep) {
      this.discard();
      return undefined;
    }
    return this.keep(count, options.spare);
  }

  /** Keeps the operation with its count of customers, and prunes those older than history.keep. */
  private keep(customers: number, spare = 0): number {
    this.db.prepare('UPDATE history SET customers = ? WHERE id = ?').run(customers, this.id);
    pruneBefore(this.db, keepCutoff(this.db, this.now), [this.id, spare]);
    return this.id;
  }
}

/** Starts recording an operation of `store`, named by the command line the store was opened for. */
export function beginOperation(store: Store, kind: string, now: Date, options: { reversible?: boolean } = {}): Operation {
  return store.history ? new Operation(store.db, { kind, command: store.commandLine, now }, options) : new Unrecorded(store.db);
}

/** Records nothing: for a store opened without history (bench/ measuring what recording costs). */
class Unrecorded extends Operation {
  constructor(db: Db) {
    super(db, undefined);
  }
  override customers(): number {
    return 0;
  }
  override customer(): void {}
  override absent(): void {}
  override createdAbove(): void {}
  override createdId(): void {}
  override group(): void {}
  override groupCreated(): void {}
  override setting(): void {}
  override orders(): void {}
  override ordersAbove(): void {}
  override orderDeleted(): void {}
  override discard(): void {}
  override finish(): undefined {
    return undefined;
  }
}

/**
 * Records an operation that keeps no images, so cannot be undone: login links (a link sent cannot be taken
 * back), a setting holding a password (the history keeps no password). It names the customers whose login
 * links it changed: undo then knows their links' images are out of date.
 */
export function recordIrreversible(store: Store, kind: string, now: Date, customers: readonly number[]): void {
  const op = beginOperation(store, kind, now, { reversible: false });
  const ids = [...new Set(customers)];
  if (ids.length) op.absent('SELECT value AS id FROM json_each(?)', [JSON.stringify(ids)], 'links');
  op.finish(ids.length);
}

/** The `history.keep` setting: how long operations are kept, as a duration (90d). */
export function checkKeep(value: string): string {
  const text = value.trim();
  parseDuration(text);
  return text;
}

function keepCutoff(db: Db, now: Date): string {
  const keep = (db.prepare("SELECT value FROM settings WHERE key = 'history.keep'").pluck().get() as string | undefined) ?? DEFAULT_KEEP;
  return formatTimestamp(new Date(now.getTime() - parseDuration(keep) * 1000));
}

/** Removes the operations recorded before `cutoff` (but never those in `spare`: the one being recorded, the one it undoes). */
function pruneBefore(db: Db, cutoff: string, spare: readonly number[] = []): number {
  return db.prepare('DELETE FROM history WHERE at < ? AND id NOT IN (SELECT value FROM json_each(?))').run(cutoff, JSON.stringify(spare)).changes;
}

/** `history prune --older-than`: removes the operations older than `seconds`; they can no longer be undone. */
export function pruneHistory(store: Store, seconds: number, now: Date): number {
  return store.write(() => pruneBefore(store.db, formatTimestamp(new Date(now.getTime() - seconds * 1000))));
}

/** An operation as `history` lists it. */
export interface HistoryEntry {
  [key: string]: string | number | boolean | null;
  op: number;
  at: string;
  kind: string;
  customers: number;
  command: string;
  undoes: number | null;
  undone_by: number | null;
  reversible: boolean;
}

const ENTRY_SQL = 'SELECT id AS op, at, kind, customers, command, undoes, undone_by, reversible FROM history';

function toEntry(row: unknown): HistoryEntry {
  const entry = row as HistoryEntry;
  return { ...entry, reversible: Boolean(entry.reversible) };
}

/** The operations, latest first. */
export function listHistory(db: Db, limit?: number): HistoryEntry[] {
  return db.prepare(`${ENTRY_SQL} ORDER BY id DESC LIMIT ?`).all(limit ?? -1).map(toEntry);
}

export function historyEntry(db: Db, op: number): HistoryEntry {
  const row = db.prepare(`${ENTRY_SQL} WHERE id = ?`).get(op);
  if (!row) {
    const oldest = db.prepare('SELECT min(id) FROM history').pluck().get() as number | null;
    const why = oldest !== null && op < oldest ? ` (operations before ${oldest} were pruned: see history.keep)` : '';
    throw new NotFoundError(`no operation ${op} in the history${why}`, ['List the operations with: customers history']);
  }
  return toEntry(row);
}

/** Operations by number, with the undo that reversed each (`history` rows, or what undo reads). */
export type UndoChain = ReadonlyMap<number, { undone_by: number | null }>;

/**
 * Whether an operation's change is in effect: it was not undone, or its undo was undone in turn. The chain
 * must hold every operation after `op` (an undo is always later than what it undoes).
 */
export function inEffect(chain: UndoChain, op: number): boolean {
  const by = chain.get(op)?.undone_by;
  return by === null || by === undefined || !inEffect(chain, by);
}

/** "operation 12 (import, 2026-11-24T10:00:00Z)": how messages name an operation. */
export function describeOperation(entry: Pick<HistoryEntry, 'op' | 'kind' | 'at'>): string {
  return `operation ${entry.op} (${entry.kind}, ${entry.at})`;
}

/** A customer an operation touched, for `history show`. */
export interface TouchedCustomer {
  [key: string]: string | number | null;
  customer_id: number;
  action: string;
  email: string | null;
}

/**
 * The customers an operation touched, by id: those it kept images of, then those it created (by id range),
 * each with its e-mail as it is now (or, for one no longer in the store, as the image has it).
 */
export function* touchedCustomers(db: Db, op: number): Generator<TouchedCustomer> {
  historyEntry(db, op);
  yield* db
    .prepare(
      `SELECT h.customer_id, h.action, coalesce(c.email, json_extract(h.before, '$.email')) AS email
       FROM history_customers h LEFT JOIN customers c ON c.id = h.customer_id WHERE h.op = ? ORDER BY h.customer_id`,
    )
    .iterate(op) as Iterable<TouchedCustomer>;
  yield* db
    .prepare(
      `SELECT c.id AS customer_id, 'created' AS action, c.email FROM history_created r JOIN customers c ON c.id BETWEEN r.first_id AND r.last_id
       WHERE r.op = ? ORDER BY c.id`,
    )
    .iterate(op) as Iterable<TouchedCustomer>;
}

/** Refuses an operation number that is not a positive whole number. */
export function parseOperation(raw: string): number {
  const op = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(op) || op < 1) {
    throw new ValidationError(`"${raw}" is not an operation number (see customers history)`);
  }
  return op;
}
