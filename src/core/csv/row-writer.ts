/**
 * Writes the rows of an import, one at a time, inside the import's transaction: creates new customers,
 * updates existing ones with the columns the file has, and counts what happened. Tags are compared and
 * groups looked up (or created) the way add and edit do it (tags.ts, groups.ts).
 */
import type { Db } from '../../store/open.js';
import { indexCustomers, unindexCustomers } from '../../store/search-index.js';
import { isIdentified } from '../customers.js';
import { IMPORTED_COLUMN_FIELDS, SEARCHED_FIELDS } from '../fields.js';
import { ensureGroup } from '../groups.js';
import type { Operation } from '../history.js';
import { nextTags, tagsOf, writeTags } from '../tags.js';
import { formatTimestamp } from '../values.js';
import type { Problem, RowValues } from './columns.js';
import { PasswordHashes } from './password-hashes.js';

export type ImportMode = 'upsert' | 'create' | 'update';

export interface RowCounts {
  created: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  groups_created: string[];
  /** Rows that repeat an earlier row's customer; `key` says by what ("e-mail a@example.com", "source id 42"). */
  duplicate_lines: { line: number; earlierLine: number; key: string }[];
}

export interface RowWriterOptions {
  mode: ImportMode;
  /** Every customer of the file goes into this group (created if missing). */
  group?: string;
  now: Date;
  /** The customers sequence when the import began: ids above it are this import's. */
  seqAtStart: number;
  /** The headers of the e-mail and source id columns, for rejections. */
  emailHeader: string;
  sourceIdHeader: string;
  reject: (line: number, record: readonly string[], problems: Problem[]) => void;
  /** The file's passwords hashed (or checked) before the transaction; without them, each is hashed here. */
  passwords?: PasswordHashes;
  /** The import's operation in the history: it keeps each changed customer as it was, and the groups created. */
  history: Operation;
}

type Stored = Record<string, string | number | null>;

export interface WriteHow {
  /** The row is the address of a customer who must exist (an address file, addresses.ts). */
  addressOnly?: boolean;
}

/** Stored columns an import sets, besides id and group (tags live in their own table). */
const COLUMNS = IMPORTED_COLUMN_FIELDS.map((f) => f.column!);
/** Positional parameters: binding an object by name per row cost twice as much as the insert itself. */
const INSERT_COLUMNS = ['id', 'group_id', ...COLUMNS];
/** What a customer found is read with: its columns, and the ledger's figures (see `update`). */
const FOUND = `id, group_id, ledger_orders, ledger_spent_minor, ledger_first_at, ledger_last_at, ${COLUMNS.join(', ')}`;
const POSITION = new Map(INSERT_COLUMNS.map((c, i) => [c, i]));
const DEFAULTS: unknown[] = INSERT_COLUMNS.map((c) => {
  const field = IMPORTED_COLUMN_FIELDS.find((f) => f.column === c);
  return field && (field.type === 'bool' || field.type === 'int' || field.type === 'money') ? 0 : null;
});

export class RowWriter {
  readonly counts: RowCounts = { created: 0, updated: 0, unchanged: 0, duplicates: 0, groups_created: [], duplicate_lines: [] };
  private readonly touched = new LinesById();
  /** Into a store that was empty: the source ids this import wrote, so that a new one needs no look-up. */
  private readonly sourcesWritten = new SeenStrings();
  private readonly groupIds = new Map<string, number>();
  private readonly stamp: string;
  /** Into a store that was empty, try the insert first: one e-mail index descent per row, not two. */
  private readonly insertFirst: boolean;
  private readonly insert;
  private readonly find;
  private readonly findBySource;
  private readonly findSame;
  private readonly idTaken;
  private readonly passwords: PasswordHashes;

  constructor(private readonly db: Db, private readonly options: RowWriterOptions) {
    this.stamp = formatTimestamp(options.now);
    this.passwords = options.passwords ?? new PasswordHashes();
    this.insertFirst = options.seqAtStart === 0 && options.mode !== 'update';
    this.insert = db.prepare(`INSERT INTO customers (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`);
    this.find = db.prepare(`SELECT ${FOUND} FROM customers WHERE email = ?`);
    // A source id of no known platform (or of a store before platforms were recorded) matches any platform's.
    this.findBySource = db.prepare(
      `SELECT ${FOUND} FROM customers WHERE source_id = @id AND (@source IS NULL OR source IS NULL OR source = @source) ORDER BY id LIMIT 2`,
    );
    this.findSame = db.prepare(`SELECT ${FOUND} FROM customers WHERE id = ? AND created_at = ?`);
    this.idTaken = db.prepare('SELECT 1 FROM customers WHERE id = ?').pluck();
  }

  /** Writes one row; returns the id of the customer it created or changed, undefined when it was rejected. */
  write(line: number, record: readonly string[], row: RowValues, how: WriteHow = {}): number | undefined {
    let existing: Stored | undefined;
    // Into an empty store only a source id this import wrote can name an earlier row of the file (the e-mail
    // index says the rest): a million look-ups by source id were an eighth of the import. A native row's id
    // and creation time name one too (its customer, exported from a store, with a changed source id).
    const sourceId = row.columns.get('source_id');
    const lookUp = !this.insertFirst || how.addressOnly || (typeof sourceId === 'string' && (this.sourcesWritten.mayHave(sourceId) || row.id !== undefined));
    // Whether the row is then created, merged or rejected: "maybe" is all the filter has to say.
    if (this.insertFirst && typeof sourceId === 'string') this.sourcesWritten.add(sourceId);
    if (lookUp) {
      const found = this.findExisting(row);
      if (typeof found === 'string') return this.rejectKey(line, record, row, found);
      existing = found;
    }
    if (!existing) {
      if (how.addressOnly) {
        return this.rejectKey(line, record, row, 'no customer has this e-mail: an address file adds addresses to customers already in the store; import the customers first');
      }
      if (this.options.mode === 'update') {
        const what = row.email !== undefined ? 'no customer has this e-mail' : row.columns.get('source_id') ? 'no customer has this source id' : 'the row has no e-mail or source id to find a customer by';
        return this.rejectKey(line, record, row, `${what} (--mode update changes existing customers only; use --mode upsert to create them)`);
      }
      if (!isIdentified((c) => row.columns.get(c))) return this.rejectKey(line, record, row, 'the row has no e-mail, phone, first name, last name or company');
      const id = this.create(record, row);
      if (id !== undefined) {
        this.touched.set(id, line);
        this.counts.created++;
        return id;
      }
      // The unique index says an earlier row of this file created the e-mail.
      existing = this.find.get(row.email) as Stored;
    }
    return this.change(line, record, row, existing);
  }

  /** Changes an existing customer by the row (merged into an earlier row of this file that had it). */
  private change(line: number, record: readonly string[], row: RowValues, existing: Stored): number | undefined {
    const id = existing.id as number;
    const earlierLine = this.touched.get(id);
    if (!earlierLine && this.options.mode === 'create') {
      return this.rejectKey(line, record, row, `a customer with this ${row.email === undefined ? 'source id' : 'e-mail'} already exists (id ${id}); --mode create only adds new customers`);
    }
    // A repeat of an earlier row of this file adds to it: its empty cells do not erase what that row gave.
    const values = earlierLine ? withoutEmpty(row) : row;
    if (!isIdentified((c) => (values.columns.has(c) ? values.columns.get(c) : existing[c]))) {
      return this.rejectKey(line, record, row, `customer ${id} would be left with no e-mail, phone, first name, last name or company`);
    }
    const changed = this.update(id, existing, values, record);
    this.touched.set(id, line);
    if (earlierLine) {
      this.counts.duplicates++;
      this.counts.duplicate_lines.push({ line, earlierLine, key: row.email === undefined ? `source id ${row.columns.get('source_id')}` : `e-mail ${row.email}` });
    } else if (changed) this.counts.updated++;
    else this.counts.unchanged++;
    return id;
  }

  /**
   * The customer a row is about: the one with its id on the former platform (so a customer whose e-mail
   * changed there is still found), else the one with its e-mail; else, in a native file, the customer with
   * the row's id and creation time (that customer, exported from this store: an id alone could be another
   * store's customer). When two customers match, the reason to reject the row.
   */
  private findExisting(row: RowValues): Stored | undefined | string {
    const sourceId = row.columns.get('source_id');
    const sources = typeof sourceId === 'string' ? (this.findBySource.all({ id: sourceId, source: row.columns.get('source') ?? null }) as Stored[]) : [];
    if (sources.length > 1) return `customers ${sources[0].id} and ${sources[1].id} both have source id ${sourceId}; correct one of them first`;
    const bySource = sources[0];
    const byEmail = row.email === undefined ? undefined : (this.find.get(row.email) as Stored | undefined);
    if (bySource && byEmail && bySource.id !== byEmail.id) {
      return `customer ${bySource.id} has source id ${sourceId} but customer ${byEmail.id} has this e-mail; merge or correct them first`;
    }
    const createdAt = row.columns.get('created_at');
    if (!bySource && !byEmail && row.id !== undefined && typeof createdAt === 'string') {
      return this.findSame.get(row.id, createdAt) as Stored | undefined;
    }
    return bySource ?? byEmail;
  }

  /** Inserts a new customer; undefined when (into an empty store) the e-mail turned out to exist. */
  private create(record: readonly string[], row: RowValues): number | undefined {
    const values = DEFAULTS.slice();
    for (const [column, value] of row.columns) values[POSITION.get(column)!] = value;
    const created = row.columns.get('created_at') ?? this.stamp;
    values[POSITION.get('created_at')!] = created;
    values[POSITION.get('updated_at')!] = row.columns.get('updated_at') ?? created;
    if (row.password !== undefined) values[POSITION.get('password_hash')!] = this.passwords.hash(record, row.password);
    // A file's id is kept when no customer has or ever had it (ids are never reused).
    values[0] = row.id !== undefined && row.id > this.options.seqAtStart && !this.idTaken.get(row.id) ? row.id : null;
    const group = this.options.group ?? row.group;
    values[1] = group ? this.groupId(group) : null;
    let id: number;
    try {
      id = Number(this.insert.run(values).lastInsertRowid);
    } catch (error) {
      if (this.insertFirst && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
      throw error;
    }
    writeTags(this.db, id, row.tags ?? [], false);
    return id;
  }

  /** Updates the columns the row has; an existing customer keeps its history (created_at, updated_at). */
  private update(id: number, existing: Stored, row: RowValues, record: readonly string[]): boolean {
    const changes = new Map<string, unknown>();
    for (const [column, given] of row.columns) {
      const value = withoutLedger(column, given, existing);
      if (column !== 'created_at' && column !== 'updated_at' && existing[column] !== value) changes.set(column, value);
    }
    // The same source id, its platform not recorded yet (an older import or --source-id): not a change.
    if (existing.source === null && !changes.has('source_id')) changes.delete('source');
    // A plain password replaces any hash the file gives, and is hashed again only if it is not the stored one.
    if (row.password !== undefined) {
      if (this.passwords.matches(row.password, existing.password_hash as string | null)) changes.delete('password_hash');
      else changes.set('password_hash', this.passwords.hash(record, row.password));
    }
    const group = this.options.group ?? row.group;
    if (group !== undefined) {
      const groupId = group === null ? null : this.groupId(group);
      if (existing.group_id !== groupId) changes.set('group_id', groupId);
    }
    const tags = row.tags ? nextTags(tagsOf(this.db, id), { tags: row.tags }) : undefined;
    if (!changes.size && !tags?.changed) return false;
    // Customers this import created are undone by their ids; the others, from their image.
    if (id <= this.options.seqAtStart) this.options.history.customer(id);
    if (tags?.changed) writeTags(this.db, id, tags.tags);
    changes.set('updated_at', this.stamp);
    const columns = [...changes.keys()];
    this.db.prepare(`UPDATE customers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...changes.values(), id);
    // Customers this import created are indexed all at once at its end.
    if (columns.some((c) => SEARCHED_FIELDS.has(c)) && id <= this.options.seqAtStart) {
      unindexCustomers(this.db, 'c.id = ?', id);
      indexCustomers(this.db, 'c.id = ?', id);
    }
    return true;
  }

  private groupId(name: string): number {
    const key = name.toLowerCase();
    let id = this.groupIds.get(key);
    if (id === undefined) {
      const group = ensureGroup(this.db, name, this.options.now);
      if (group.created) {
        this.counts.groups_created.push(name);
        this.options.history.groupCreated(group.id);
      }
      id = group.id;
      this.groupIds.set(key, id);
    }
    return id;
  }

  /** Rejects a row for what its e-mail (or, without one, its source id) says; undefined, for `write`. */
  private rejectKey(line: number, record: readonly string[], row: RowValues, reason: string): undefined {
    const sourceId = row.columns.get('source_id');
    const [column, value] = row.email === undefined && typeof sourceId === 'string' ? [this.options.sourceIdHeader, sourceId] : [this.options.emailHeader, row.email ?? ''];
    this.options.reject(line, record, [{ column, value, reason }]);
    return undefined;
  }
}

/**
 * A platform's figures count every order of the customer, those the ledger holds too: what the customer keeps
 * as imported is the rest (orders.ts), so that exporting and importing back changes nothing.
 */
function withoutLedger(column: string, value: string | number | null, existing: Stored): string | number | null {
  const ledger = (name: string) => existing[name] as number;
  if (column === 'order_count' && typeof value === 'number') return Math.max(0, value - ledger('ledger_orders'));
  if (column === 'total_spent_minor' && typeof value === 'number') return Math.max(0, value - ledger('ledger_spent_minor'));
  // A first (last) order date that is the ledger's, no later (earlier) than the imported one: it is the ledger's.
  const own = existing[column];
  if (column === 'first_order_at' && value !== null && value === existing.ledger_first_at && (own === null || (own as string) >= value)) return own;
  if (column === 'last_order_at' && value !== null && value === existing.ledger_last_at && (own === null || (own as string) <= value)) return own;
  return value;
}

/** The row without its empty values (no value, no tags), for merging a repeated row into an earlier one. */
function withoutEmpty(row: RowValues): RowValues {
  const columns = new Map([...row.columns].filter(([, value]) => value !== null && value !== ''));
  return { ...row, columns, group: row.group === null ? undefined : row.group, tags: row.tags?.length ? row.tags : undefined };
}

/**
 * A set of strings that may answer "maybe" for one it was not given but never "no" for one it was: a Bloom
 * filter of 2^25 bits (4 MB, made at the first add) and two hashes. "Maybe" about 1 in 300 times after a
 * million strings, 1 in 5 after ten million (each costs one look-up); a Set of a million source ids took 60 MB.
 */
export class SeenStrings {
  private bits: Uint32Array | undefined;

  add(value: string): void {
    this.bits ??= new Uint32Array(FILTER_BITS / 32);
    for (const bit of bitsOf(value)) this.bits[bit >>> 5] |= 1 << (bit & 31);
  }

  mayHave(value: string): boolean {
    const bits = this.bits;
    return bits !== undefined && bitsOf(value).every((bit) => (bits[bit >>> 5] & (1 << (bit & 31))) !== 0);
  }
}

const FILTER_BITS = 1 << 25;

/** Two bit positions of a string: FNV-1a of its UTF-16 units from two starting points. */
function bitsOf(value: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x01000193) ^ (b >>> 15);
  }
  return [a & (FILTER_BITS - 1), b & (FILTER_BITS - 1)];
}

/**
 * Remembers, for each customer id this import touched, the file line that did: repeats show up here. Ids up
 * to a few million in an array (fast, compact); larger ones (a file's own ids can be anything) in a map.
 */
class LinesById {
  private static readonly DENSE = 1 << 22;
  private lines = new Int32Array(1024);
  private readonly sparse = new Map<number, number>();
  get(id: number): number {
    if (id >= LinesById.DENSE) return this.sparse.get(id) ?? 0;
    return id < this.lines.length ? this.lines[id] : 0;
  }
  set(id: number, line: number): void {
    if (id >= LinesById.DENSE) {
      this.sparse.set(id, line);
      return;
    }
    if (id >= this.lines.length) {
      const grown = new Int32Array(Math.min(LinesById.DENSE, Math.max(id + 1, this.lines.length * 2)));
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[id] = line;
  }
}
