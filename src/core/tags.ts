/**
 * A customer's tag set: the one comparison of tag sets (add, edit, import all use it) and the one way
 * tags are written. Tags compare as names do (foldCase: ignoring case and compatibility forms); a change
 * of case alone is a change.
 */
import { foldCase } from '../common/fold.js';
import type { Db } from '../store/open.js';

export interface TagChanges {
  /** Replaces the whole set. */
  tags?: readonly string[];
  add?: readonly string[];
  remove?: readonly string[];
}

const key = foldCase;

/** The set after the changes, and whether it differs from `current` (in any tag or any tag's case). */
export function nextTags(current: readonly string[], changes: TagChanges): { tags: string[]; changed: boolean } {
  const next = new Map((changes.tags ?? current).map((t) => [key(t), t]));
  for (const t of changes.add ?? []) if (!next.has(key(t))) next.set(key(t), t);
  for (const t of changes.remove ?? []) next.delete(key(t));
  const before = new Map(current.map((t) => [key(t), t]));
  const same = next.size === before.size && [...next].every(([k, t]) => before.get(k) === t);
  return { tags: [...next.values()], changed: !same };
}

/** The statements, prepared once per connection: an import calls these for every row. */
const prepared = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    select: db.prepare('SELECT tag FROM customer_tags WHERE customer_id = ?').pluck(),
    clear: db.prepare('DELETE FROM customer_tags WHERE customer_id = ?'),
    insert: db.prepare('INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)'),
  };
}

function statements(db: Db): ReturnType<typeof prepare> {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
}

export function tagsOf(db: Db, customerId: number): string[] {
  return statements(db).select.all(customerId) as string[];
}

/** Writes a customer's whole tag set (replacing any it had, unless the customer is new). */
export function writeTags(db: Db, customerId: number, tags: readonly string[], replace = true): void {
  const s = statements(db);
  if (replace) s.clear.run(customerId);
  for (const tag of tags) s.insert.run(customerId, tag);
}
