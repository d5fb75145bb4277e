/**
 * Undo: reverses a recorded operation from its images (see history.ts), and is itself recorded, so the undo
 * of an undo does the operation again. It refuses when an operation since changed any of the same customers,
 * groups or settings: reversing would throw that later work away.
 */
import { crashIfReached } from '../common/crash.js';
import { ConflictError, ValidationError } from '../common/errors.js';
import { shown } from '../common/shown.js';
import { type Db, Rollback, type Store } from '../store/open.js';
import { indexCustomers, unindexCustomers } from '../store/search-index.js';
import { beginOperation, describeOperation, type HistoryEntry, historyEntry, inEffect, listHistory, type Operation, tableColumns } from './history.js';
import { attachOrders, refreshLedger } from './orders.js';
import { writeSetting } from './settings.js';

export interface UndoResult {
  /** The operation reversed. */
  undone: HistoryEntry;
  /** The operation that records the undo (absent in a dry run). */
  op?: number;
  /** Customers removed (created by it), restored (deleted by it) and changed back. */
  removed: number;
  restored: number;
  changed: number;
  /** Groups it created that customers are still in, so they stay. */
  keptGroups: string[];
  /** Groups and settings put back as they were (or removed, when it created them). */
  groups: number;
  settings: number;
  /** Orders removed (recorded by it) and put back (deleted by it). */
  orders: { removed: number; restored: number };
}

/** Reverses `target` (the latest operation still in effect when not given); a dry run says what it would do. */
export function undoOperation(store: Store, target: number | undefined, options: { now: Date; dryRun?: boolean; crashAfterRows?: number }): UndoResult {
  return store.write(() => {
    const db = store.db;
    const chain = loadChain(db);
    const entry = target === undefined ? latestInEffect(db, chain) : historyEntry(db, target);
    assertReversible(db, chain, entry);
    refuseLaterOverlap(db, chain, entry);
    refuseMissingGroups(db, entry.op);
    refuseTaken(db, entry.op, 'email');
    refuseTaken(db, entry.op, 'source_id');
    const undo = beginOperation(store, 'undo', options.now);
    db.exec('CREATE TEMP TABLE IF NOT EXISTS undo_ledger (id INTEGER PRIMARY KEY); DELETE FROM temp.undo_ledger;');
    const groupsBack = restoreGroups(db, entry.op, undo);
    const removed = removeCreated(db, entry.op, undo);
    const { restored, changed } = restoreCustomers(db, entry.op, undo);
    const orders = undoOrders(db, entry.op, undo);
    settleOrders(db);
    crashIfReached(options.crashAfterRows, removed + restored + changed);
    const { kept: keptGroups, removed: groupsRemoved } = removeCreatedGroups(db, entry.op, undo);
    const groups = groupsBack + groupsRemoved;
    const settings = restoreSettings(db, entry.op, undo);
    const op = undo.finish(undefined, { keep: true, spare: entry.op })!;
    db.prepare('UPDATE history SET undoes = ? WHERE id = ?').run(entry.op, op);
    db.prepare('UPDATE history SET undone_by = ? WHERE id = ?').run(op, entry.op);
    const result: UndoResult = { undone: entry, op, removed, restored, changed, keptGroups, groups, settings, orders };
    return options.dryRun ? new Rollback({ ...result, op: undefined }) : result;
  });
}

/** Every operation: what undoes it, and whether it can be undone (a history holds thousands at most). */
type Chain = Map<number, { undone_by: number | null; reversible: boolean }>;

function loadChain(db: Db): Chain {
  const rows = db.prepare('SELECT id, undone_by, reversible FROM history').all() as { id: number; undone_by: number | null; reversible: number }[];
  return new Map(rows.map((r) => [r.id, { undone_by: r.undone_by, reversible: Boolean(r.reversible) }]));
}

/**
 * Operations after `first` whose effects cancel out: one undone by an undo still in effect, and that undo.
 * What is left changed the store since.
 */
function cancelledSince(chain: Chain, first: number): Set<number> {
  const cancelled = new Set<number>();
  for (const [id, row] of chain) {
    if (id <= first || row.undone_by === null || !chain.has(row.undone_by)) continue;
    if (inEffect(chain, row.undone_by)) cancelled.add(id).add(row.undone_by);
  }
  return cancelled;
}

/** The latest operation that can be undone: in effect, not cancelled out by an undo, and reversible. */
function latestInEffect(db: Db, chain: Chain): HistoryEntry {
  const entries = listHistory(db);
  if (!entries.length) throw new ValidationError('there is nothing to undo: the history is empty', ['Commands that change the store record what they did; see customers history.']);
  const cancelled = cancelledSince(chain, 0);
  const latest = entries.find((e) => e.reversible && !cancelled.has(e.op) && inEffect(chain, e.op));
  if (!latest) throw new ValidationError('there is nothing to undo: every operation in the history is undone or cannot be undone', ['See customers history.']);
  return latest;
}

function assertReversible(db: Db, chain: Chain, entry: HistoryEntry): void {
  if (!entry.reversible) {
    throw new ValidationError(`${describeOperation(entry)} cannot be undone: it keeps nothing to undo it with (a login link sent cannot be taken back; the history keeps no password or search index)`, [
      'Revoke login links with: customers login-link revoke; set a setting again with: customers config set',
    ]);
  }
  if (!inEffect(chain, entry.op)) {
    const by = historyEntry(db, entry.undone_by!);
    throw new ValidationError(`${describeOperation(entry)} is already undone, by ${describeOperation(by)}`, [
      `To do it again, undo that: customers undo ${by.op}`,
    ]);
  }
}

/** Refuses when an operation since (not cancelled out by its undo) touched the same customers, groups or settings. */
function refuseLaterOverlap(db: Db, chain: Chain, entry: HistoryEntry): void {
  const cancelled = cancelledSince(chain, entry.op);
  const overlaps = laterOverlaps(db, entry.op);
  // Login-link operations changed only links, which undo brings back revoked (restoreLinks).
  const blocking = [...overlaps.keys()].filter((op) => !cancelled.has(op) && chain.get(op)?.reversible).sort((a, b) => b - a);
  if (!blocking.length) return;
  const latest = historyEntry(db, blocking[0]);
  const { customers, others } = overlaps.get(latest.op)!;
  const what = [
    customers ? `${customers.toLocaleString('en-US')} of the same customer${customers === 1 ? '' : 's'}` : '',
    others ? `${others} of the same group${others === 1 ? '' : 's'} or settings` : '',
  ].filter(Boolean).join(' and ');
  const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more operation${blocking.length === 2 ? '' : 's'} since)` : '';
  throw new ConflictError(`cannot undo ${describeOperation(entry)}: ${describeOperation(latest)} changed ${what} since${more}; nothing was changed`, [
    `Undo the later operations first (customers undo ${latest.op}), or leave operation ${entry.op} as it is; see customers history show ${latest.op}.`,
  ]);
}

type Overlaps = Map<number, { customers: number; others: number }>;

/**
 * For each later operation, how many customers (and groups, settings) both it and `op` touched: through the
 * images each kept and the id ranges each created. Reads each later row once, looking it up in `op`'s.
 */
function laterOverlaps(db: Db, op: number): Overlaps {
  const counts: Overlaps = new Map();
  const add = (sql: string, key: 'customers' | 'others') => {
    for (const row of db.prepare(sql).all({ op }) as { later: number; n: number }[]) {
      const entry = counts.get(row.later) ?? { customers: 0, others: 0 };
      entry[key] += row.n;
      if (row.n > 0) counts.set(row.later, entry);
    }
  };
  add(`SELECT b.op AS later, count(*) AS n FROM history_customers b JOIN history_customers a ON a.op = $op AND a.customer_id = b.customer_id
       WHERE b.op > $op GROUP BY b.op`, 'customers');
  // The one range of `op` that could hold each id: the last starting at or before it (an import of sparse ids has many).
  add(`SELECT b.op AS later, count(*) AS n FROM history_customers b
       WHERE b.op > $op AND b.customer_id <= (SELECT r.last_id FROM history_created r WHERE r.op = $op AND r.first_id <= b.customer_id ORDER BY r.first_id DESC LIMIT 1)
       GROUP BY b.op`, 'customers');
  add(`SELECT r.op AS later, count(*) AS n FROM history_created r JOIN history_customers a ON a.op = $op AND a.customer_id BETWEEN r.first_id AND r.last_id
       WHERE r.op > $op GROUP BY r.op`, 'customers');
  add(`SELECT s.op AS later, sum(max(0, min(r.last_id, s.last_id) - max(r.first_id, s.first_id) + 1)) AS n
       FROM history_created s JOIN history_created r ON r.op = $op WHERE s.op > $op GROUP BY s.op`, 'customers');
  add(`SELECT b.op AS later, count(*) AS n FROM history_groups b JOIN history_groups a ON a.op = $op AND a.group_id = b.group_id
       WHERE b.op > $op GROUP BY b.op`, 'others');
  add(`SELECT s.op AS later, sum(max(0, min(r.last_id, s.last_id) - max(r.first_id, s.first_id) + 1)) AS n
       FROM history_orders s JOIN history_orders r ON r.op = $op WHERE s.op > $op GROUP BY s.op`, 'others');
  add(`SELECT b.op AS later, count(*) AS n FROM history_settings b JOIN history_settings a ON a.op = $op AND a.key = b.key
       WHERE b.op > $op GROUP BY b.op`, 'others');
  return counts;
}

/** Customers must go back into groups that exist: one a later operation deleted is named, with that operation. */
function refuseMissingGroups(db: Db, op: number): void {
  const missing = db
    .prepare(
      `SELECT DISTINCT json_extract(h.before, '$.group_id') AS g FROM history_customers h
       WHERE h.op = $op AND h.before IS NOT NULL AND g IS NOT NULL AND g NOT IN (SELECT id FROM groups)
         AND g NOT IN (SELECT group_id FROM history_groups WHERE op = $op AND before IS NOT NULL) LIMIT 1`,
    )
    .pluck()
    .get({ op }) as number | undefined;
  if (missing === undefined) return;
  const by = db
    .prepare("SELECT op, json_extract(before, '$.name') AS name FROM history_groups WHERE group_id = ? AND before IS NOT NULL AND op > ? ORDER BY op DESC LIMIT 1")
    .get(missing, op) as { op: number; name: string } | undefined;
  const entry = historyEntry(db, op);
  if (!by) throw new ConflictError(`cannot undo ${describeOperation(entry)}: its customers were in a group that no longer exists (id ${missing}); nothing was changed`);
  throw new ConflictError(
    `cannot undo ${describeOperation(entry)}: its customers were in group "${shown(by.name)}", which ${describeOperation(historyEntry(db, by.op))} deleted since; nothing was changed`,
    [`Undo that first: customers undo ${by.op}`],
  );
}

/**
 * A unique value an image gives back (an e-mail; a platform's id of a customer, with its platform) must not
 * belong to a customer the undo leaves alone.
 */
function refuseTaken(db: Db, op: number, column: 'email' | 'source_id'): void {
  const same = column === 'email' ? "c.email = json_extract(h.before, '$.email')" : "c.source_id = json_extract(h.before, '$.source_id') AND c.source IS json_extract(h.before, '$.source')";
  const clash = db
    .prepare(
      `SELECT h.customer_id AS id, c.${column} AS value, c.id AS other FROM history_customers h JOIN customers c ON ${same}
       WHERE h.op = $op AND h.before IS NOT NULL AND c.id <> h.customer_id
         AND c.id NOT IN (SELECT customer_id FROM history_customers WHERE op = $op)
         AND NOT EXISTS (SELECT 1 FROM history_created r WHERE r.op = $op AND c.id BETWEEN r.first_id AND r.last_id) LIMIT 1`,
    )
    .get({ op }) as { id: number; value: string; other: number } | undefined;
  if (!clash) return;
  const what = column === 'email' ? 'e-mail' : 'source id';
  throw new ConflictError(
    `cannot undo ${describeOperation(historyEntry(db, op))}: customer ${clash.id} had the ${what} ${shown(clash.value)}, which customer ${clash.other} has now; nothing was changed`,
    [`Change or clear that customer's ${what} first (customers edit ${clash.other}), then undo again.`],
  );
}

/** Groups the operation changed or deleted, back as they were (before their customers come back). */
function restoreGroups(db: Db, op: number, undo: Operation): number {
  const rows = db.prepare("SELECT group_id AS id, json_extract(before, '$.name') AS name, json_extract(before, '$.created_at') AS created_at FROM history_groups WHERE op = ? AND before IS NOT NULL").all(op) as { id: number; name: string; created_at: string }[];
  for (const group of rows) {
    const clash = db.prepare('SELECT name FROM groups WHERE name = ? AND id <> ?').pluck().get(group.name, group.id) as string | undefined;
    if (clash !== undefined) {
      throw new ConflictError(`cannot undo ${describeOperation(historyEntry(db, op))}: group "${shown(group.name)}" cannot come back, another group is named "${shown(clash)}" now; nothing was changed`, [
        `Rename that group first: customers groups rename "${shown(clash)}" NEW-NAME`,
      ]);
    }
    undo.group(group.id);
    db.prepare('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at')
      .run(group.id, group.name, group.created_at);
  }
  return rows.length;
}

/** Removes the customers the operation created (images kept in the undo, login links with them). */
function removeCreated(db: Db, op: number, undo: Operation): number {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS undo_remove (id INTEGER PRIMARY KEY); DELETE FROM temp.undo_remove;');
  db.prepare("INSERT OR IGNORE INTO temp.undo_remove SELECT customer_id FROM history_customers WHERE op = ? AND before IS NULL AND action <> 'links' AND customer_id IN (SELECT id FROM customers)").run(op);
  db.prepare('INSERT OR IGNORE INTO temp.undo_remove SELECT c.id FROM history_created r JOIN customers c ON c.id BETWEEN r.first_id AND r.last_id WHERE r.op = ?').run(op);
  const where = 'c.id IN (SELECT id FROM temp.undo_remove)';
  undo.customers(where, [], 'deleted');
  unindexCustomers(db, where);
  return db.prepare('DELETE FROM customers WHERE id IN (SELECT id FROM temp.undo_remove)').run().changes;
}

/** Customers the operation changed or deleted, back as their images have them: columns, tags, login links. */
function restoreCustomers(db: Db, op: number, undo: Operation): { restored: number; changed: number } {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS undo_restore (id INTEGER PRIMARY KEY, existed INTEGER NOT NULL); DELETE FROM temp.undo_restore;');
  db.prepare('INSERT INTO temp.undo_restore SELECT customer_id, customer_id IN (SELECT id FROM customers) FROM history_customers WHERE op = ? AND before IS NOT NULL').run(op);
  const existing = 'c.id IN (SELECT id FROM temp.undo_restore WHERE existed)';
  const changed = undo.customers(existing, [], 'changed');
  undo.absent('SELECT id FROM temp.undo_restore WHERE NOT existed', [], 'restored');
  unindexCustomers(db, existing);
  const columns = tableColumns(db, 'customers').filter((c) => c !== 'id');
  const value = (c: string) => `json_extract(h.before, '$.${c}')`;
  // An image may hold only what a change touched: a column it lacks keeps its value.
  const kept = (c: string) => `CASE WHEN json_type(h.before, '$.${c}') IS NULL THEN customers.${c} ELSE ${value(c)} END`;
  // Two of them may swap e-mails: the unique index must not see one customer's old address beside the other's.
  db.prepare(
    `UPDATE customers SET email = NULL WHERE id IN (SELECT h.customer_id FROM history_customers h JOIN temp.undo_restore r ON r.id = h.customer_id AND r.existed
     WHERE h.op = ? AND json_type(h.before, '$.email') IS NOT NULL)`,
  ).run(op);
  db.prepare(`UPDATE customers SET ${columns.map((c) => `${c} = ${kept(c)}`).join(', ')} FROM history_customers h WHERE h.op = ? AND h.customer_id = customers.id AND h.before IS NOT NULL`).run(op);
  const restored = db
    .prepare(`INSERT INTO customers (id, ${columns.join(', ')}) SELECT h.customer_id, ${columns.map(value).join(', ')}
              FROM history_customers h JOIN temp.undo_restore r ON r.id = h.customer_id AND NOT r.existed WHERE h.op = ?`)
    .run(op).changes;
  db.prepare("DELETE FROM customer_tags WHERE customer_id IN (SELECT customer_id FROM history_customers WHERE op = ? AND json_type(before, '$.tags') IS NOT NULL)").run(op);
  db.prepare("INSERT OR IGNORE INTO customer_tags (customer_id, tag) SELECT h.customer_id, j.value FROM history_customers h, json_each(h.before, '$.tags') j WHERE h.op = ? AND h.before IS NOT NULL").run(op);
  restoreLinks(db, op, undo);
  restoreOrderLinks(db, op);
  indexCustomers(db, 'c.id IN (SELECT id FROM temp.undo_restore)');
  return { restored, changed };
}

/**
 * The login links of the customers brought back, as their images have them; but a link a later login-link
 * operation may have used, revoked or purged comes back revoked: an image older than that must never make a
 * one-time link work again.
 */
function restoreLinks(db: Db, op: number, undo: Operation): void {
  const links = tableColumns(db, 'login_links');
  db.prepare(`INSERT INTO login_links (${links.join(', ')}) SELECT ${links.map((c) => `json_extract(j.value, '$.${c}')`).join(', ')}
              FROM history_customers h JOIN temp.undo_restore r ON r.id = h.customer_id AND NOT r.existed, json_each(h.before, '$.links') j WHERE h.op = ?`).run(op);
  db.prepare(
    `UPDATE login_links SET revoked_at = ? WHERE used_at IS NULL AND revoked_at IS NULL
       AND customer_id IN (SELECT id FROM temp.undo_restore WHERE NOT existed)
       AND customer_id IN (SELECT l.customer_id FROM history_customers l JOIN history o ON o.id = l.op AND NOT o.reversible WHERE l.op > ?)`,
  ).run(undo.at, op);
}

/**
 * The orders of the customers brought back are theirs again, as their images list them (a customer who had
 * the same e-mail since may have been given them); both customers' figures are refreshed by settleOrders.
 */
function restoreOrderLinks(db: Db, op: number): void {
  const orders = `SELECT j.value AS id, h.customer_id FROM history_customers h JOIN temp.undo_restore r ON r.id = h.customer_id AND NOT r.existed,
                  json_each(h.before, '$.orders') j WHERE h.op = ?`;
  db.prepare(`INSERT OR IGNORE INTO temp.undo_ledger SELECT o.customer_id FROM orders o WHERE o.customer_id IS NOT NULL AND o.id IN (SELECT id FROM (${orders}))`).run(op);
  db.prepare(`UPDATE orders SET customer_id = b.customer_id FROM (${orders}) b WHERE orders.id = b.id`).run(op);
}

/** Groups the operation created go with it, unless customers are in them now (then they stay, and are named). */
function removeCreatedGroups(db: Db, op: number, undo: Operation): { kept: string[]; removed: number } {
  const kept: string[] = [];
  const rows = db.prepare('SELECT h.group_id AS id, g.name FROM history_groups h JOIN groups g ON g.id = h.group_id WHERE h.op = ? AND h.before IS NULL').all(op) as { id: number; name: string }[];
  for (const group of rows) {
    if (db.prepare('SELECT 1 FROM customers WHERE group_id = ? LIMIT 1').get(group.id)) {
      kept.push(group.name);
      continue;
    }
    undo.group(group.id);
    db.prepare('DELETE FROM groups WHERE id = ?').run(group.id);
  }
  return { kept, removed: rows.length - kept.length };
}

/**
 * The orders the operation recorded go (kept in the undo, to come back on a redo) and those it deleted come
 * back with their numbers, unless another order has the number now. Their customers are refreshed by settleOrders.
 */
function undoOrders(db: Db, op: number, undo: Operation): { removed: number; restored: number } {
  const created = 'FROM orders o JOIN history_orders r ON r.op = ? AND r.before IS NULL AND o.id BETWEEN r.first_id AND r.last_id';
  db.prepare(`INSERT OR IGNORE INTO temp.undo_ledger SELECT o.customer_id ${created} WHERE o.customer_id IS NOT NULL`).run(op);
  const image = `json_object(${tableColumns(db, 'orders').map((c) => `'${c}', o.${c}`).join(', ')})`;
  db.prepare(`INSERT OR IGNORE INTO history_orders (op, first_id, last_id, before) SELECT ?, o.id, o.id, ${image} ${created}`).run(undo.id, op);
  const removed = db.prepare(`DELETE FROM orders WHERE id IN (SELECT o.id ${created})`).run(op).changes;
  const back = db.prepare("SELECT first_id AS id, json_extract(before, '$.number') AS number FROM history_orders WHERE op = ? AND before IS NOT NULL").all(op) as { id: number; number: string }[];
  const clash = back.find((o) => db.prepare('SELECT 1 FROM orders WHERE number = ?').get(o.number));
  if (clash) {
    throw new ConflictError(`cannot undo ${describeOperation(historyEntry(db, op))}: order ${clash.number} cannot come back, another order has its number now; nothing was changed`, [
      `Delete or renumber that order first (customers orders show ${clash.number}).`,
    ]);
  }
  const columns = tableColumns(db, 'orders');
  // A deleted order comes back with its customer if that customer is still there, else by its e-mail alone.
  const value = (c: string) => (c === 'customer_id' ? "(SELECT id FROM customers WHERE id = json_extract(h.before, '$.customer_id'))" : `json_extract(h.before, '$.${c}')`);
  db.prepare(`INSERT INTO orders (${columns.join(', ')}) SELECT ${columns.map(value).join(', ')} FROM history_orders h WHERE h.op = ? AND h.before IS NOT NULL`).run(op);
  for (const o of back) undo.orders(o.id, o.id);
  db.prepare("INSERT OR IGNORE INTO temp.undo_ledger SELECT json_extract(before, '$.customer_id') FROM history_orders WHERE op = ? AND before IS NOT NULL AND json_extract(before, '$.customer_id') IS NOT NULL").run(op);
  return { removed, restored: back.length };
}

/**
 * The ledger's figures of every customer the undo touched, computed again from the orders (an image holds
 * them as they were, not as the ledger is now); orders of e-mails a customer has again are linked to it.
 */
function settleOrders(db: Db): void {
  db.prepare('INSERT OR IGNORE INTO temp.undo_ledger SELECT id FROM temp.undo_restore').run();
  refreshLedger(db, 'c.id IN (SELECT id FROM temp.undo_ledger)');
  // Orders the undo left without a customer go to one with their e-mail, if there is one.
  attachOrders(db);
}

function restoreSettings(db: Db, op: number, undo: Operation): number {
  const rows = db.prepare('SELECT key, before FROM history_settings WHERE op = ?').all(op) as { key: string; before: string | null }[];
  for (const { key, before } of rows) {
    undo.setting(key);
    writeSetting(db, key, before);
  }
  return rows.length;
}
