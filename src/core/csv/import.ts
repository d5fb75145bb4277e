/**
 * CSV import: streams a file of any size through csv-parse (read.ts), plans its columns from the header
 * (columns.ts) and writes each row as it comes (row-writer.ts), all in one transaction. All or nothing by
 * default: if any row is rejected the transaction is rolled back and the store is as it was. A file with
 * plain-text passwords is read whole first, to hash them outside the transaction (hashAhead).
 */
import { assertSound } from '../../store/integrity.js';
import { crashIfReached } from '../../common/crash.js';
import { ValidationError } from '../../common/errors.js';
import { shown } from '../../common/shown.js';
import { lastId, Rollback, type Store } from '../../store/open.js';
import { indexCustomersInBulk } from '../../store/search-index.js';
import { assertIdsInRange } from '../customers.js';
import { beginOperation, type Operation } from '../history.js';
import { type DateOrder, parseSlashDate } from '../values.js';
import { AddressRows, type RowEntry } from './addresses.js';
import { cellOf, clashingColumns, type ColumnNotRead, type ColumnPlan, DateReader, hasPasswords, headerOf, type PendingDate, type Plan, planColumns, type Problem, readRow } from './columns.js';
import { hashPasswordsAhead, type PasswordHashes } from './password-hashes.js';
import { detectPreset, headerKey, type ImportTarget, platformOf, type Preset, PRESETS, type PresetName } from './presets.js';
import type { CsvSyntaxError, EncodingNote, RecordBatch } from './read.js';
import { HeaderError, nextBatch, quotedHeaders, readHeader, shapeProblems } from './records.js';
import { attachOrders, absorbLedger, ledgerInUse } from '../orders.js';
import { type ImportMode, type RowCounts, RowWriter } from './row-writer.js';
import { delimiterName, type Encoding } from './text.js';

export type { ImportMode } from './row-writer.js';
export type { Problem } from './columns.js';

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
  /** Told of each password hashed (before the transaction, in a file with plain-text passwords). */
  onHashing?: (done: number, total: number) => void;
  /** Told once the header is read. */
  onHeader?: (header: HeaderInfo) => void;
  /** Day-first or month-first for dates such as 5/6/2012; by default the file says (see DateReader). */
  dateOrder?: DateOrder;
  /** Test hook: the process kills itself after this many rows are written (a crash at a chosen point). */
  crashAfterRows?: number;
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
  /** Columns holding passwords or password hashes: never written to a file of rejected rows. */
  secretColumns: number[];
}

export type DuplicateNote = RowCounts['duplicate_lines'][number];

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
  /** Columns the preset would read, not read because a --map reads their field from another column. */
  columns_not_read: ColumnNotRead[];
  duplicate_lines: DuplicateNote[];
  /** Address rows not kept: further addresses of a customer (one is kept), addresses of no customer. */
  skipped_addresses: number;
  /** Things that were read but look wrong, each with its line: said, not rejected. */
  warnings: string[];
}

export { HeaderError } from './records.js';

/** Imports the records of a CSV file (from readRecords, on this thread or a worker's) in one transaction. */
export async function importCustomers(
  openStore: () => Promise<Store>,
  batches: AsyncIterable<RecordBatch>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const iterator = batches[Symbol.asyncIterator]();
  try {
    // The first batch says which encoding and delimiter the file has, and holds the header: a file that
    // is empty or whose header cannot be used fails here, before any store is opened (or created).
    const { first: firstBatch, headers, headerEnd } = await readHeader(iterator, 'email,first_name,last_name');
    const first: IteratorResult<RecordBatch> = { done: false, value: firstBatch };
    const planned = { headers, headerEnd, ...planHeader(headers, options) };
    const store = await openStore();
    // Rows written onto a damaged file would be lost with it, or fail halfway with SQLite's bare message.
    assertSound(store.db, store.path, 'the import');
    const ahead = hasPasswords(planned.plan) ? await hashAhead(store, planned.plan, first.value, iterator, options) : undefined;
    const source = ahead?.replay ?? iterator;
    return await withImportCache(store, () =>
      store.writeAsync(async () => {
        // Read inside the transaction: another writer may have added customers or groups meanwhile.
        const run = new ImportRun(store, first.value, planned, options, ahead?.passwords);
        for (let next: IteratorResult<RecordBatch> = first; !next.done; next = await nextBatch(source, options.skipInvalid, (e) => run.unreadable(e))) {
          run.read(next.value);
        }
        const summary = run.finish();
        return summary.written ? summary : new Rollback(summary);
      }),
    );
  } finally {
    await iterator.return?.();
  }
}

/**
 * A file with plain-text passwords is read whole before the transaction, and its passwords hashed (scrypt,
 * ~50 ms each, see password-hashes.ts) while no write lock is held. Such files are customer lists of a
 * platform (Ecwid, PrestaShop) of at most some hundred thousand rows, whose records fit in memory; files
 * without passwords are still streamed. Reading stops at an error (a line the parser cannot read), which the
 * replay throws where it was met: --skip-invalid and failures behave as when reading inside the transaction.
 */
async function hashAhead(
  store: Store,
  plan: Plan,
  first: RecordBatch,
  iterator: AsyncIterator<RecordBatch>,
  options: ImportOptions,
): Promise<{ passwords: PasswordHashes; replay: AsyncIterator<RecordBatch> }> {
  const batches: RecordBatch[] = [];
  let failure: { error: unknown } | undefined;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) batches.push(next.value);
  } catch (error) {
    failure = { error };
  }
  const records = [first, ...batches].flatMap((b) => b.records.map(([record]) => record));
  const passwords = await hashPasswordsAhead(store.db, plan, records, options.onHashing);
  const replay: AsyncIterator<RecordBatch> = {
    next: async () => {
      const batch = batches.shift();
      if (batch) return { done: false, value: batch };
      if (failure) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
      return { done: true, value: undefined };
    },
  };
  return { passwords, replay };
}

/** A larger page cache for the import: the e-mail index of a million customers is ~40 MB of random inserts. */
async function withImportCache<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const cacheSize = store.db.pragma('cache_size', { simple: true });
  store.db.pragma('cache_size = -65536');
  try {
    return await fn();
  } finally {
    store.db.pragma(`cache_size = ${cacheSize}`);
  }
}

interface PlannedHeader {
  chosen: ReturnType<typeof choosePreset>;
  plan: Plan;
}

/** The preset and column plan of a header, or a HeaderError that says how to name the e-mail column. */
function planHeader(headers: string[], options: ImportOptions): PlannedHeader {
  const chosen = choosePreset(headers, options);
  const preset = chosen.preset;
  const plan = planColumns(headers, preset, options.maps);
  // Rows are matched to customers by e-mail, or by the former platform's id (customers without e-mail).
  if (!plan.fields.some((f) => f[0].target === 'email' || f[0].target === 'source_id')) {
    throw new HeaderError(`line 1: no e-mail column in the header (${quotedHeaders(headers)})`, [
      `The ${preset.name} preset reads the e-mail from ${preset.import.filter((c) => c.target === 'email').map((c) => `"${c.header}"`).join(' or ')}.`,
      "Name the column with --map 'Your Header=email', or choose another --preset.",
    ]);
  }
  const clash = clashingColumns(plan);
  if (clash) throw clashError(clash);
  return { chosen, plan };
}

/** Two columns giving one field: which, and how to keep one. */
function clashError([a, b]: [ColumnPlan, ColumnPlan]): HeaderError {
  const column = (c: ColumnPlan) => `column ${c.index + 1} "${shown(c.header)}"`;
  const same = headerKey(a.header) === headerKey(b.header);
  return new HeaderError(`line 1: ${column(a)} and ${column(b)} both give the ${a.target}; only one of them would be read`, [
    same ? 'Rename or remove one of the two columns in the file.' : `Keep one: --map '${b.header}=' ignores the second, --map '${a.header}=' the first.`,
  ]);
}

/** One import inside its transaction: the header, then each row read and written (or rejected) as it comes. */
class ImportRun {
  private readonly summary: ImportSummary;
  private readonly seqAtStart: number;
  private readonly delimiter: string;
  private readonly bulk: ReturnType<typeof dropSecondaryIndexes> | undefined;
  private readonly headers: string[];
  private readonly plan: Plan;
  private readonly preset: Preset;
  private readonly writer: RowWriter;
  private readonly history: Operation;
  private readonly addresses: AddressRows<PendingDate[]> | undefined;
  private readonly platform: string | null;
  private misread = false;
  private note: EncodingNote = {};
  private warnedMixed = false;
  private readonly dates: DateReader;
  /** Rows whose dates were read before the file said day-first or month-first. */
  private readonly undecided: (PendingDate & { line: number; id: number })[] = [];
  private bytes = 0;
  private rows = 0;
  /** The line the last record read ends on (the header's, at first). */
  private previousEnd: number;

  constructor(
    private readonly store: Store,
    first: RecordBatch,
    header: PlannedHeader & { headers: string[]; headerEnd: number },
    private readonly options: ImportOptions,
    passwords?: PasswordHashes,
  ) {
    const db = store.db;
    this.headers = header.headers;
    this.plan = header.plan;
    this.preset = header.chosen.preset;
    this.previousEnd = header.headerEnd;
    this.delimiter = first.delimiter;
    this.summary = {
      created: 0, updated: 0, unchanged: 0, rejected: 0, duplicates: 0, preset: this.preset.name, delimiter: delimiterName(first.delimiter),
      encoding: first.encoding, written: false, groups_created: [], unknown_columns: this.plan.unknown, columns_not_read: this.plan.notRead,
      duplicate_lines: [], warnings: [],
      skipped_addresses: 0,
    };
    this.dates = new DateReader(options.dateOrder);
    this.seqAtStart = lastId(db, 'customers');
    this.bulk = this.seqAtStart === 0 && !options.dryRun ? dropSecondaryIndexes(db) : undefined;
    this.bulk?.drop();
    this.history = beginOperation(store, 'import', options.now);
    this.writer = new RowWriter(db, {
      history: this.history,
      mode: options.mode, group: options.group, now: options.now, seqAtStart: this.seqAtStart, emailHeader: headerOf(this.plan, 'email'),
      sourceIdHeader: headerOf(this.plan, 'source_id'),
      reject: (line, record, problems) => this.reject(line, record, problems), passwords,
    });
    this.platform = platformOf(this.preset);
    this.addresses = this.preset.addresses && new AddressRows(this.preset.addresses, headerOf(this.plan, 'email'));
    options.onHeader?.({
      headers: this.headers, preset: this.preset.name, detected: header.chosen.detected, recognised: header.chosen.recognised,
      delimiter: this.delimiter, encoding: first.encoding, unknownColumns: this.plan.unknown,
      secretColumns: secretColumns(this.headers, this.plan),
    });
  }

  read(batch: RecordBatch): void {
    this.misread = batch.misread;
    this.note = batch.note;
    const mixed = batch.note.utf8In1252;
    if (mixed && !this.warnedMixed) {
      this.warnedMixed = true;
      this.summary.warnings.push(
        `line ${mixed.line}: the file was read as ${this.summary.encoding}, but this line holds "${mixed.read}", which is how UTF-8 "${mixed.meant}" reads in it; ` +
          'if accents from here look wrong, the file mixes encodings: save it again in one encoding (or pass --encoding utf-8 if it is all UTF-8) and import again',
      );
    }
    this.bytes = batch.bytes;
    for (const [record, lines] of batch.records) this.onRecord(record, lines);
    this.options.onProgress?.(this.rows, this.bytes);
  }

  private onRecord(record: string[], lines: number): void {
    const line = this.previousEnd + 1;
    this.previousEnd = lines;
    this.rows++;
    const problems = shapeProblems(record, this.headers, { misread: this.misread, note: this.note, encoding: this.summary.encoding });
    this.noteSwallowedRows(line, record);
    const row = readRow(record, this.plan, { decimalComma: this.delimiter === ';', dates: this.dates }, problems);
    const undecided = this.dates.takeRowPending();
    if (problems.length) {
      this.reject(line, record, problems);
      // The further addresses of a rejected customer go with it (its e-mail cell says it is a customer's row,
      // even when the e-mail itself was the problem).
      if (this.addresses && cellOf(this.plan, record, 'email') !== '') this.writeAll(this.addresses.customerRejected(line));
      return;
    }
    // A source id is an id on the file's platform: two platforms may both have a customer 12.
    if (this.platform !== null && row.columns.has('source_id')) row.columns.set('source', row.columns.get('source_id') === null ? null : this.platform);
    const entry = { line, record, row, extra: undecided };
    const ready = this.addresses ? this.addresses.take(entry) : [entry];
    if (!Array.isArray(ready)) this.reject(line, record, [ready]);
    else this.writeAll(ready);
    crashIfReached(this.options.crashAfterRows, this.rows);
  }

  private writeAll(entries: readonly RowEntry<PendingDate[]>[]): void {
    const addressOnly = this.preset.addresses === 'file';
    for (const { line, record, row, extra } of entries) {
      const id = this.writer.write(line, record, row, { addressOnly });
      if (id !== undefined) for (const date of extra) this.undecided.push({ line, id, ...date });
    }
  }

  /**
   * Dates read day-first before the file said which: read again month-first if it turned out so (only
   * customers this import created keep a file's dates); if it never said, the import fails.
   */
  private settleDates(): void {
    if (this.undecided.length === 0 || this.dates.settled === 'DMY') return;
    const first = this.undecided[0];
    if (!this.dates.settled) {
      throw new ValidationError(
        `line ${first.line}, column "${first.header}": "${first.raw}" could be day/month or month/day, and no date in the file says which`,
        ['Pass --date-format DMY (5/6/2012 is 5 June) or --date-format MDY (May 6).'],
      );
    }
    // updated_at follows a created_at it was copied from (a file without updated_at).
    const reread = (column: string) => this.store.db.prepare(
      `UPDATE customers SET ${column} = ?, updated_at = CASE WHEN updated_at = ? THEN ? ELSE updated_at END WHERE id = ? AND id > ?`,
    );
    const statements = { created_at: reread('created_at'), updated_at: reread('updated_at') };
    for (const date of this.undecided) {
      const before = parseSlashDate(date.raw, 'DMY');
      const after = parseSlashDate(date.raw, 'MDY');
      statements[date.column === 'updated_at' ? 'updated_at' : 'created_at'].run(after, before, after, date.id, this.seqAtStart);
    }
  }

  /**
   * A stray quote makes the parser read the next lines into one value. Such a value is kept, but a value
   * holding line breaks followed by lines with a whole row's delimiters is reported, with its line.
   */
  private noteSwallowedRows(line: number, record: string[]): void {
    const headers = this.headers;
    if (headers.length < 3) return;
    record.forEach((cell, i) => {
      if (!cell.includes('\n')) return;
      const rowLike = cell.split(/\r?\n|\r/).slice(1).filter((l) => l.split(this.delimiter).length >= headers.length).length;
      if (rowLike === 0) return;
      this.summary.warnings.push(
        `line ${line}, column "${headers[i] ?? i + 1}": the value runs into ${rowLike} more lines that look like whole rows; a quote on line ${line} may be missing or stray (the value was read as it is)`,
      );
    });
  }

  /** Lines the parser could not read: one rejection reported for them all, each line counted as a row. */
  unreadable(error: CsvSyntaxError): void {
    const lines = error.toLine - error.fromLine + 1;
    this.rows += lines;
    this.reject(error.fromLine, [], [{ column: '(file)', value: '', reason: error.message }]);
    this.summary.rejected += lines - 1; // reject() counted the first
  }

  private reject(line: number, record: readonly string[], problems: Problem[]): void {
    this.summary.rejected++;
    this.options.onRejected?.({ line, problems }, record);
  }

  /** Indexes the new customers and says whether to keep the work. */
  finish(): ImportSummary {
    if (this.addresses) this.writeAll(this.addresses.finish());
    this.settleDates();
    // New customers all have ids above the sequence at the start: index them in one statement.
    indexCustomersInBulk(this.store.db, 'c.id > ?', this.seqAtStart);
    assertIdsInRange(this.store.db);
    if (ledgerInUse(this.store.db)) settleLedger(this.store.db, this.seqAtStart);
    this.history.createdAbove(this.seqAtStart);
    this.history.finish();
    const counts: RowCounts = this.writer.counts;
    Object.assign(this.summary, counts, { skipped_addresses: this.addresses?.skipped ?? 0 });
    this.summary.written = !this.options.dryRun && !(this.summary.rejected > 0 && !this.options.skipInvalid);
    if (this.summary.written) this.bulk?.restore();
    return this.summary;
  }
}

/**
 * With orders in the ledger: the orders of e-mails that had no customer go to the customers the import
 * created with them, whose statistics from the file count those orders too (orders.ts).
 */
function settleLedger(db: Store['db'], seqAtStart: number): void {
  attachOrders(db);
  absorbLedger(db, 'id > ? AND id IN (SELECT id FROM temp.attach_ids)', [seqAtStart]);
}

/**
 * Into an empty store, the secondary indexes are dropped for the import and built again at the end, in the
 * same transaction: building an index from sorted rows is much faster than growing it one random row at a time.
 */
export function dropSecondaryIndexes(db: Store['db'], tables: readonly string[] = ['customers', 'customer_tags']): { drop(): void; restore(): void } {
  const indexes = db
    // The source id index stays: rows without e-mail find an earlier row of the file by it.
    .prepare(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))
       AND name <> 'customers_source_id'`,
    )
    .all(JSON.stringify(tables)) as { name: string; sql: string }[];
  return {
    drop: () => {
      for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
    },
    restore: () => {
      for (const i of indexes) db.exec(i.sql);
    },
  };
}

function choosePreset(headers: string[], options: ImportOptions): { preset: Preset; detected: boolean; recognised: number } {
  if (options.preset !== 'auto') return { preset: PRESETS[options.preset], detected: false, recognised: 0 };
  const found = detectPreset(headers);
  if (found) return { preset: found.preset, detected: true, recognised: found.recognised };
  if (options.maps.some((m) => m.target === 'email')) return { preset: PRESETS.native, detected: false, recognised: 0 };
  throw new HeaderError(`line 1: no preset recognises this header (${quotedHeaders(headers)})`, [
    "Name the e-mail column (and others) with --map 'Header=field', or choose a --preset.",
  ]);
}

/** Headers that name a password in the languages of our merchants, read or not (an unknown column too). */
const PASSWORD_HEADER = /pass|mot de passe|kennwort|wachtwoord|contrase|parola/i;

/** Columns holding passwords or their hashes: read as such, or named so. */
function secretColumns(headers: readonly string[], plan: Plan): number[] {
  const read = plan.fields.flat().filter((c) => c.target === 'password' || c.target === 'password_hash').map((c) => c.index);
  const named = headers.flatMap((h, i) => (PASSWORD_HEADER.test(h) ? [i] : []));
  return [...new Set([...read, ...named])];
}
