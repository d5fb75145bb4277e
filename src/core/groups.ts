/** Customer groups: at most one per customer; names unique case-insensitively. */
import type { Db, Store } from '../store/open.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import { foldCase } from '../common/fold.js';
import { beginOperation } from './history.js';
import { formatTimestamp, normalizeGroupName } from './values.js';

export type GroupRow = {
  name: string;
  customers: number;
  created_at: string;
};

/** The group's id (names compare ignoring case), or undefined. */
export function groupIdByName(db: Db, name: string): number | undefined {
  return findGroup(db, name.trim())?.id;
}

/** The group's id; an unknown name is an error that lists the existing groups. */
export function requireGroupId(db: Db, name: string): number {
  const id = groupIdByName(db, name);
  if (id === undefined) throw unknownGroup(db, name.trim());
  return id;
}

/** The group's id, creating the group when the store lacks it (an import naming new groups). */
export function ensureGroup(db: Db, name: string, now: Date): { id: number; created: boolean } {
  const id = groupIdByName(db, name);
  if (id !== undefined) return { id, created: false };
  const created = db.prepare('INSERT INTO groups (name, created_at) VALUES (?, ?)').run(name.trim(), formatTimestamp(now)).lastInsertRowid;
  return { id: Number(created), created: true };
}

export function unknownGroup(db: Db, name: string): NotFoundError {
  const names = db.prepare('SELECT name FROM groups ORDER BY name COLLATE NOCASE').pluck().all() as string[];
  return new NotFoundError(`no customer group named "${name}"`, [
    names.length ? `Existing groups: ${names.join(', ')}.` : 'The store has no groups yet.',
    `Create it with: customers groups create "${name}"`,
  ]);
}

export function listGroups(db: Db): GroupRow[] {
  return db
    .prepare(
      `SELECT g.name, (SELECT count(*) FROM customers c WHERE c.group_id = g.id) AS customers, g.created_at
       FROM groups g ORDER BY g.name COLLATE NOCASE`,
    )
    .all() as GroupRow[];
}

/**
 * The group of this name, ignoring case with Unicode's full case folding: "élite" is "Élite", "STRASSE" is
 * "Straße". SQLite's NOCASE folds only A-Z, so a name it does not find is compared with every group's (a
 * store has a handful).
 */
function findGroup(db: Db, name: string): { id: number; name: string } | undefined {
  type Row = { id: number; name: string };
  const exact = db.prepare('SELECT id, name FROM groups WHERE name = ?').get(name) as Row | undefined;
  if (exact) return exact;
  const wanted = foldCase(name);
  return (db.prepare('SELECT id, name FROM groups').all() as Row[]).find((g) => foldCase(g.name) === wanted);
}

export function createGroup(store: Store, rawName: string, now: Date): string {
  const name = normalizeGroupName(rawName);
  return store.write(() => {
    const existing = findGroup(store.db, name);
    if (existing) throw new ConflictError(`a group named "${existing.name}" already exists`);
    const id = store.db.prepare('INSERT INTO groups (name, created_at) VALUES (?, ?)').run(name, formatTimestamp(now)).lastInsertRowid;
    const op = beginOperation(store, 'groups create', now);
    op.groupCreated(Number(id));
    op.finish();
    return name;
  });
}

export function renameGroup(store: Store, oldName: string, rawNewName: string, now: Date): { from: string; to: string } {
  const newName = normalizeGroupName(rawNewName);
  return store.write(() => {
    const db = store.db;
    const group = findGroup(db, oldName.trim());
    if (!group) throw unknownGroup(db, oldName.trim());
    const clash = findGroup(db, newName);
    // Renaming "vip" to "VIP" is a change of case of the same group, not a clash.
    if (clash && clash.id !== group.id) throw new ConflictError(`a group named "${clash.name}" already exists`);
    // The same name: nothing changes, and nothing is recorded (it would stand in the way of an undo).
    if (group.name === newName) return { from: group.name, to: newName };
    const op = beginOperation(store, 'groups rename', now);
    op.group(group.id);
    op.finish();
    db.prepare('UPDATE groups SET name = ? WHERE id = ?').run(newName, group.id);
    return { from: group.name, to: newName };
  });
}

export function groupMemberCount(db: Db, name: string): number {
  const group = findGroup(db, name.trim());
  if (!group) throw unknownGroup(db, name.trim());
  return db.prepare('SELECT count(*) FROM customers WHERE group_id = ?').pluck().get(group.id) as number;
}

/** Deletes a group; its members stay, without a group. Returns the group's name and how many members it had. */
export function deleteGroup(store: Store, name: string, now: Date): { name: string; members: number } {
  return store.write(() => {
    const db = store.db;
    const group = findGroup(db, name.trim());
    if (!group) throw unknownGroup(db, name.trim());
    const op = beginOperation(store, 'groups delete', now);
    op.group(group.id);
    op.customers('c.group_id = ?', [group.id], 'changed', { columns: ['group_id', 'updated_at'] });
    op.finish();
    const members = db
      .prepare('UPDATE customers SET group_id = NULL, updated_at = ? WHERE group_id = ?')
      .run(formatTimestamp(now), group.id).changes;
    db.prepare('DELETE FROM groups WHERE id = ?').run(group.id);
    return { name: group.name, members };
  });
}
