/**
 * CSV import: streams a file of any size through csv-parse, reads each row with the preset's mapping,
 * and writes created and updated customers in one transaction. All or nothing by default: if any row
 * is rejected the transaction is rolled back and the store is as it was.
 */
import { scryptSync, randomBytes } from 'node:crypto';
import type { Store } from '../../store/open.js';
import { indexCustomers, indexCustomersInBulk, unindexCustomers } from '../../store/search-index.js';
import { countryCodeForName } from '../countries.js';
import { SEARCHED_FIELDS, TEXT_FIELDS } from '../customers.js';
import { ValidationError } from '../errors.js';
import {
  formatTimestamp, normalizeCountry, normalizeEmail, normalizeGroupName, normalizeLang, normalizeTags, normalizeText,
  parseAmount, parseCount, parseTimestamp,
} from '../values.js';
import {
  detectPreset, headerKey, type ImportColumn, type ImportTarget, MAGENTO_GROUPS, type Preset, PRESETS, type PresetName,
} from './presets.js';
import type { RecordBatch } from './read.js';
import { delimiterName, type Encoding, parseBoolean, unguardFormula } from './text.js';

export type ImportMode = 'upsert' | 'create' | 'update';

export interface ImportOptions {
  preset: PresetName | 'auto';
  /** --map 'Header=field': a header read as that field; 'Header=' ignores the column. */
  maps: { header: string; target: ImportTarget | null }[];
  mode: ImportMode;
  skipInvalid: boolean;
  /** Put every imported customer in this group (created if missing). */
  group?: string;
  dryRun: boolean;
  now: Date;
  /** Told of each rejected row, with its original cells, as it is found. */
  onRejected?: (rejection: Rejection, record: readonly string[]) => void;
  /** Told of each row read and of the bytes read so far. */
  onProgress?: (rows: number, bytes: number) => void;
  /** Told once the header is read. */
  onHeader?: (header: HeaderInfo) => void;
}

export interface Problem {
  column: string;
  value: string;
  reason: string;
}

export interface Rejection {
  line: number;
  problems: Problem[];
}

export interface HeaderInfo {
  headers: string[];
  preset: PresetName;
  detected: boolean;
  recognised: number;
  delimiter: string;
  encoding: Encoding;
  unknownColumns: string[];
}

export interface DuplicateNote {
  line: number;
  earlierLine: number;
  email: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  duplicates: number;
  preset: PresetName;
  delimiter: string;
  encoding: Encoding;
  /** Whether the changes were kept: false on a dry run and when rows were rejected without --skip-invalid. */
  written: boolean;
  groups_created: string[];
  unknown_columns: string[];
  duplicate_lines: DuplicateNote[];
}

/** Password hashes: scrypt with a random salt, in a self-describing string. */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Stored columns an import can set, besides group, tags and id. */
const STORED = [...TEXT_FIELDS, 'email', 'country', 'lang', 'tax_exempt', 'accepts_marketing', 'order_count', 'total_spent_minor', 'password_hash', 'created_at', 'updated_at'] as const;
type StoredColumn = (typeof STORED)[number];

/** A row read and checked: the values to store, keyed by column. */
interface RowValues {
  email?: string;
  columns: Map<StoredColumn, string | number | null>;
  group?: string | null;
  tags?: string[];
  id?: number;
}

/** What each column of the file feeds: a plan made once from the header. */
interface ColumnPlan {
  index: number;
  header: string;
  target: ImportTarget;
  rank: number;
}

/** The columns feeding one field, best first: the first with a value wins (e.g. Phone before Default Address Phone). */
type FieldPlan = ColumnPlan[];

function fieldOf(target: ImportTarget): string {
  if (target === 'full_name') return 'first_name';
  if (target === 'magento_group') return 'group';
  if (target === 'tax_exempt_category') return 'tax_exempt';
  if (target === 'group_or_general') return 'group';
  if (target === 'street_lines') return 'street';
  return target;
}

function planColumns(headers: string[], preset: Preset, maps: ImportOptions['maps']): { fields: FieldPlan[]; unknown: string[] } {
  const mapped = new Map(maps.map((m) => [headerKey(m.header), m.target]));
  const byHeader = new Map(preset.import.map((c) => [headerKey(c.header), c]));
  const ignored = new Set(preset.ignored.map(headerKey));
  const columns: ColumnPlan[] = [];
  const unknown: string[] = [];
  headers.forEach((header, index) => {
    const key = headerKey(header);
    if (mapped.has(key)) {
      const target = mapped.get(key);
      if (target) columns.push({ index, header, target, rank: -1 });
      return;
    }
    const column: ImportColumn | undefined = byHeader.get(key);
    if (column) columns.push({ index, header, target: column.target, rank: column.rank ?? 0 });
    else if (!ignored.has(key) && key !== '') unknown.push(header);
  });
  columns.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const fields = new Map<string, FieldPlan>();
  for (const c of columns) fields.set(fieldOf(c.target), [...(fields.get(fieldOf(c.target)) ?? []), c]);
  return { fields: [...fields.values()], unknown };
}

/** Reads one row's cells into stored values, collecting every problem instead of stopping at the first. */
function readRow(record: readonly string[], fields: readonly FieldPlan[], preset: Preset, decimalComma: boolean, problems: Problem[]): RowValues {
  const row: RowValues = { columns: new Map() };
  for (const candidates of fields) {
    const col = candidates.find((c) => (record[c.index] ?? '').trim() !== '') ?? candidates[0];
    let raw = record[col.index] ?? '';
    if (preset.name === 'native') raw = unguardFormula(raw);
    try {
      readCell(row, col.target, raw, raw.trim(), decimalComma);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push({ column: col.header, value: raw, reason: error.message });
    }
  }
  return row;
}

const SCIENTIFIC = /^\d(?:[.,]\d+)?E\+?\d+$/i;

function readCell(row: RowValues, target: ImportTarget, raw: string, value: string, decimalComma: boolean): void {
  const set = (column: StoredColumn, v: string | number | null) => row.columns.set(column, v);
  switch (target) {
    case 'email':
      if (value === '') throw new ValidationError('the e-mail address is missing');
      row.email = normalizeEmail(value);
      set('email', row.email);
      return;
    case 'phone':
    case 'postal_code':
    case 'tax_id':
      if (SCIENTIFIC.test(value)) {
        throw new ValidationError(`"${value}" is a number in scientific notation: a spreadsheet turned the ${target.replace('_', ' ')} into a number and its digits are lost; type it again as text`);
      }
      set(target, normalizeText(value, target.replace('_', ' ')));
      return;
    case 'note':
      set('note', normalizeText(raw, 'the note', { multiline: true }));
      return;
    case 'first_name': case 'last_name': case 'company': case 'street': case 'street2': case 'city': case 'region':
      set(target, normalizeText(value, target.replace('_', ' ')));
      return;
    case 'full_name': {
      const name = normalizeText(value, 'the name');
      const cut = name ? name.indexOf(' ') : -1;
      set('first_name', name === null ? null : cut < 0 ? name : name.slice(0, cut));
      set('last_name', name === null || cut < 0 ? null : name.slice(cut + 1));
      return;
    }
    case 'country':
      set('country', value === '' ? null : value.length === 2 ? normalizeCountry(value) : (countryCodeForName(value) ?? normalizeCountry(value)));
      return;
    case 'lang':
      set('lang', value === '' ? null : normalizeLang(value));
      return;
    case 'tax_exempt':
    case 'accepts_marketing':
      set(target, parseBoolean(value) ? 1 : 0);
      return;
    case 'tax_exempt_category':
      set('tax_exempt', value === '' ? 0 : 1);
      return;
    case 'order_count':
      set('order_count', value === '' ? 0 : parseCount(value, 'the number of orders'));
      return;
    case 'total_spent':
      set('total_spent_minor', value === '' ? 0 : parseAmount(value.replace(/^[€$£]|[€$£]$|\s?(EUR|USD|GBP)$/g, ''), { decimalComma }));
      return;
    case 'created_at':
    case 'updated_at':
      if (value !== '') set(target, parseTimestamp(value));
      return;
    case 'id':
      if (value !== '') row.id = parseCount(value, 'the id');
      return;
    case 'tags':
      row.tags = normalizeTags(value.split(',').filter((t) => t.trim() !== ''));
      return;
    case 'group':
      row.group = value === '' ? null : normalizeGroupName(value);
      return;
    case 'group_or_general':
      row.group = value === '' || value.toLowerCase() === 'general' ? null : normalizeGroupName(value);
      return;
    case 'street_lines': {
      const [street, ...more] = value.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
      set('street', normalizeText(street ?? '', 'the street'));
      set('street2', normalizeText(more.join(', '), 'the street'));
      return;
    }
    case 'magento_group':
      row.group = value === '' ? null : value in MAGENTO_GROUPS ? MAGENTO_GROUPS[value] : `Magento group ${value}`;
      return;
    case 'password':
      if (value !== '') set('password_hash', hashPassword(value));
      return;
    case 'password_hash':
      if (value !== '') set('password_hash', value);
      return;
  }
}

/** Remembers, for each customer id this import touched, the file line that did: duplicates show up here. */
class LinesById {
  private lines = new Int32Array(1024);
  get(id: number): number {
    return id < this.lines.length ? this.lines[id] : 0;
  }
  set(id: number, line: number): void {
    if (id >= this.lines.length) {
      const grown = new Int32Array(Math.max(id + 1, this.lines.length * 2));
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[id] = line;
  }
}

/** The header could not be used: no e-mail column, an unknown preset mapping. Nothing was read beyond it. */
export class HeaderError extends ValidationError {}

/**
 * Imports the records of a CSV file (from readRecords, on this thread or a worker's) in one transaction.
 */
export async function importCustomers(store: Store, batches: AsyncIterable<RecordBatch>, options: ImportOptions): Promise<ImportSummary> {
  const db = store.db;
  const iterator = batches[Symbol.asyncIterator]();
  // The first batch says which encoding and delimiter the file has, before any record is read.
  const firstBatch = await iterator.next();
  if (firstBatch.done) throw new HeaderError('the file is empty: no header line');
  let { encoding, delimiter, misread, bytes } = firstBatch.value;

  const summary: ImportSummary = {
    created: 0, updated: 0, unchanged: 0, rejected: 0, duplicates: 0, preset: 'native', delimiter: delimiterName(delimiter),
    encoding, written: false, groups_created: [], unknown_columns: [], duplicate_lines: [],
  };
  let preset: Preset = PRESETS.native;
  let fields: FieldPlan[] = [];
  const decimalComma = delimiter === ';';
  const seqAtStart = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'customers'").pluck().get() as number | undefined) ?? 0;
  const touched = new LinesById();
  const groupIds = new Map((db.prepare('SELECT name, id FROM groups').all() as { name: string; id: number }[]).map((g) => [g.name.toLowerCase(), g.id]));
  const stamp = formatTimestamp(options.now);

  const groupId = (name: string): number => {
    const id = groupIds.get(name.toLowerCase());
    if (id !== undefined) return id;
    const created = Number(db.prepare('INSERT INTO groups (name, created_at) VALUES (?, ?)').run(name, stamp).lastInsertRowid);
    groupIds.set(name.toLowerCase(), created);
    summary.groups_created.push(name);
    return created;
  };

  // Positional parameters: binding an object by name per row cost twice as much as the insert itself.
  const insertColumns: string[] = ['id', 'group_id', ...STORED];
  const insert = db.prepare(`INSERT INTO customers (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')})`);
  const position = new Map(insertColumns.map((c, i) => [c, i]));
  const defaults: unknown[] = insertColumns.map((c) => (['tax_exempt', 'accepts_marketing', 'order_count', 'total_spent_minor'].includes(c) ? 0 : null));
  const find = db.prepare(`SELECT id, group_id, ${STORED.join(', ')} FROM customers WHERE email = ?`);
  const idTaken = db.prepare('SELECT 1 FROM customers WHERE id = ?').pluck();
  const tagsOf = db.prepare('SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag').pluck();
  const addTag = db.prepare('INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)');
  const clearTags = db.prepare('DELETE FROM customer_tags WHERE customer_id = ?');

  const insertFirst = seqAtStart === 0 && options.mode !== 'update';
  const reject = (line: number, record: readonly string[], problems: Problem[]) => {
    summary.rejected++;
    options.onRejected?.({ line, problems }, record);
  };

  const writeRow = (line: number, record: readonly string[], row: RowValues): void => {
    const email = row.email!;
    const groupValue = options.group ?? row.group;
    // Into a store that was empty, an e-mail can only exist if an earlier row of this file created it: try
    // the insert first and look up only when the unique index says so (one index descent per row, not two).
    let existing = insertFirst ? undefined : (find.get(email) as Record<string, string | number | null> | undefined);
    if (!existing) {
      if (options.mode === 'update') {
        reject(line, record, [{ column: emailHeader(fields), value: email, reason: 'no customer has this e-mail (--mode update changes existing customers only; use --mode upsert to create them)' }]);
        return;
      }
      const values = defaults.slice();
      for (const [column, value] of row.columns) values[position.get(column)!] = value;
      const created = row.columns.get('created_at') ?? stamp;
      values[position.get('created_at')!] = created;
      values[position.get('updated_at')!] = row.columns.get('updated_at') ?? created;
      // A file's id is kept when no customer has or ever had it (ids are never reused).
      values[0] = row.id !== undefined && row.id > seqAtStart && !idTaken.get(row.id) ? row.id : null;
      values[1] = groupValue ? groupId(groupValue) : null;
      let id: number | undefined;
      try {
        id = Number(insert.run(values).lastInsertRowid);
      } catch (error) {
        if (!insertFirst || (error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
        existing = find.get(email) as Record<string, string | number | null>;
      }
      if (id !== undefined) {
        for (const tag of row.tags ?? []) addTag.run(id, tag);
        touched.set(id, line);
        summary.created++;
        return;
      }
    }
    if (!existing) return; // unreachable: the insert either succeeded or found the customer
    const id = existing.id as number;
    const earlierLine = touched.get(id);
    if (!earlierLine && options.mode === 'create') {
      reject(line, record, [{ column: emailHeader(fields), value: email, reason: `a customer with this e-mail already exists (id ${id}); --mode create only adds new customers` }]);
      return;
    }
    const changes = new Map<string, unknown>();
    for (const [column, value] of row.columns) {
      if (column === 'created_at' || column === 'updated_at') continue; // an existing customer keeps its history
      if (existing[column] !== value) changes.set(column, value);
    }
    if (groupValue !== undefined) {
      const gid = groupValue === null ? null : groupId(groupValue);
      if (existing.group_id !== gid) changes.set('group_id', gid);
    }
    let tagsChanged = false;
    if (row.tags) {
      const current = tagsOf.all(id) as string[];
      const next = [...row.tags].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
      tagsChanged = current.length !== next.length || current.some((t, i) => t !== next[i]);
      if (tagsChanged) {
        clearTags.run(id);
        for (const tag of row.tags) addTag.run(id, tag);
      }
    }
    if (changes.size) {
      changes.set('updated_at', stamp);
      const columns = [...changes.keys()];
      db.prepare(`UPDATE customers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...changes.values(), id);
      if (columns.some((c) => SEARCHED_FIELDS.has(c)) && id <= seqAtStart) {
        unindexCustomers(db, 'c.id = ?', id);
        indexCustomers(db, 'c.id = ?', id);
      }
    } else if (tagsChanged) {
      db.prepare('UPDATE customers SET updated_at = ? WHERE id = ?').run(stamp, id);
    }
    touched.set(id, line);
    if (earlierLine) {
      summary.duplicates++;
      summary.duplicate_lines.push({ line, earlierLine, email });
    } else if (changes.size || tagsChanged) summary.updated++;
    else summary.unchanged++;
  };

  /** Reads one record: the header first, then rows, each written (or rejected) as it comes. */
  let headers: string[] | undefined;
  let previousEnd = 0;
  let rows = 0;
  const onRecord = (record: string[], lines: number): void => {
    const line = previousEnd + 1;
    previousEnd = lines;
    if (!headers) {
      headers = record.map((h) => h.trim());
      const chosen = choosePreset(headers, options);
      preset = chosen.preset;
      const planned = planColumns(headers, preset, options.maps);
      fields = planned.fields;
      Object.assign(summary, { preset: preset.name, encoding, unknown_columns: planned.unknown });
      if (!fields.some((f) => f[0].target === 'email')) {
        throw new HeaderError(`line 1: no e-mail column in the header (${headers.map((h) => `"${h}"`).join(', ')})`, [
          `The ${preset.name} preset reads the e-mail from ${preset.import.filter((c) => c.target === 'email').map((c) => `"${c.header}"`).join(' or ')}.`,
          "Name the column with --map 'Your Header=email', or choose another --preset.",
        ]);
      }
      options.onHeader?.({
        headers, preset: preset.name, detected: chosen.detected, recognised: chosen.recognised, delimiter, encoding, unknownColumns: planned.unknown,
      });
      return;
    }
    rows++;
    const problems: Problem[] = [];
    if (record.length > headers.length && record.slice(headers.length).some((c) => c.trim() !== '')) {
      problems.push({ column: `(column ${headers.length + 1})`, value: record[headers.length], reason: `the row has ${record.length} fields but the header has ${headers.length}; a delimiter inside a value needs quotes` });
    }
    const garbled = misread ? record.findIndex((cell) => cell.includes('\ufffd')) : -1;
    if (garbled >= 0) {
      problems.push({ column: headers[garbled] ?? `(column ${garbled + 1})`, value: record[garbled], reason: `the text is not valid ${encoding}; pass --encoding windows-1252 (or the file's encoding)` });
    }
    const row = readRow(record, fields, preset, decimalComma, problems);
    if (problems.length) reject(line, record, problems);
    else writeRow(line, record, row);
  };

  const bulk = seqAtStart === 0 && !options.dryRun ? dropSecondaryIndexes(db) : undefined;
  // A larger page cache for the import: the e-mail index of a million customers is ~40 MB of random inserts.
  const cacheSize = db.pragma('cache_size', { simple: true });
  db.pragma('cache_size = -65536');
  db.exec('BEGIN IMMEDIATE');
  let committed = false;
  try {
    bulk?.drop();
    for (let next: IteratorResult<RecordBatch> = firstBatch; !next.done; next = await iterator.next()) {
      ({ misread, bytes } = next.value);
      for (const [record, lines] of next.value.records) onRecord(record, lines);
      options.onProgress?.(rows, bytes);
    }
    if (!headers) throw new HeaderError('the file is empty: no header line', ['A CSV file starts with a header line naming its columns, e.g. "email,first_name,last_name".']);
    // New customers all have ids above the sequence at the start: index them in one statement.
    indexCustomersInBulk(db, 'c.id > ?', seqAtStart);
    if (options.dryRun || (summary.rejected > 0 && !options.skipInvalid)) {
      db.exec('ROLLBACK');
    } else {
      bulk?.restore();
      db.exec('COMMIT');
      summary.written = true;
    }
    committed = true;
  } finally {
    if (!committed && db.inTransaction) db.exec('ROLLBACK');
    db.pragma(`cache_size = ${cacheSize}`);
    await iterator.return?.();
  }
  return summary;
}

/**
 * Into an empty store, the secondary indexes are dropped for the import and built again at the end, in the
 * same transaction: building an index from sorted rows is much faster than growing it one random row at a time.
 */
function dropSecondaryIndexes(db: Store['db']): { drop(): void; restore(): void } {
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('customers', 'customer_tags')")
    .all() as { name: string; sql: string }[];
  return {
    drop: () => {
      for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
    },
    restore: () => {
      for (const i of indexes) db.exec(i.sql);
    },
  };
}

function emailHeader(fields: readonly FieldPlan[]): string {
  return fields.find((f) => f[0].target === 'email')?.[0].header ?? 'email';
}

function choosePreset(headers: string[], options: ImportOptions): { preset: Preset; detected: boolean; recognised: number } {
  if (options.preset !== 'auto') return { preset: PRESETS[options.preset], detected: false, recognised: 0 };
  const found = detectPreset(headers);
  if (found) return { preset: found.preset, detected: true, recognised: found.recognised };
  if (options.maps.some((m) => m.target === 'email')) return { preset: PRESETS.native, detected: false, recognised: 0 };
  throw new HeaderError(`line 1: no preset recognises this header (${headers.map((h) => `"${h}"`).join(', ')})`, [
    "Name the e-mail column (and others) with --map 'Header=field', or choose a --preset.",
  ]);
}
