/**
 * Orders import: the orders of a platform's export (order-presets.ts) into the ledger, read like the customer
 * import (read.ts, records.ts) and written in one transaction: all or nothing unless --skip-invalid. An order
 * whose number the ledger has with the same values is unchanged, so a file imported twice changes nothing.
 */
import { crashIfReached } from '../../common/crash.js';
import { ValidationError } from '../../common/errors.js';
import { assertSound } from '../../store/integrity.js';
import { lastId, Rollback, type Store } from '../../store/open.js';
import { beginOperation, type Operation } from '../history.js';
import { insertOrder, moveIntoLedger, normalizeOrderNumber, orderCurrency, parseOrderTotal } from '../orders.js';
import { getSetting } from '../settings.js';
import { formatAmount, formatTimestamp, normalizeEmail, parseAmount, parseTimestamp } from '../values.js';
import type { Problem } from './columns.js';
import { type Cell, type CellReader, cellReader, detectOrderPreset, missingColumns, ORDER_PRESETS, type OrderPreset, type OrderPresetName, type RawOrder } from './order-presets.js';
import type { CsvSyntaxError, RecordBatch } from './read.js';
import { HeaderError, nextBatch, quotedHeaders, type Reading, readHeader, shapeProblems } from './records.js';
import { delimiterName, type Encoding } from './text.js';

export interface OrderImportOptions {
  preset: OrderPresetName | 'auto';
  skipInvalid: boolean;
  dryRun: boolean;
  now: Date;
  /** The currency of orders whose row gives none (else the store's). */
  currency?: string;
  /** The offset of dates written without one (WooCommerce's site time), such as +02:00; UTC by default. */
  utcOffset?: string;
  onHeader?: (header: { headers: string[]; delimiter: string; encoding: Encoding; secretColumns: number[] }) => void;
  /** Told of each rejected order, with the cells of its first row. */
  onRejected?: (rejection: { line: number; problems: Problem[] }, record: readonly string[]) => void;
  onProgress?: (rows: number, bytes: number) => void;
  /** Test hook: the process kills itself after this many rows are read (a crash at a chosen point). */
  crashAfterRows?: number;
}

export interface OrderImportSummary {
  created: number;
  unchanged: number;
  rejected: number;
  /** Created orders whose e-mail a customer has. */
  linked: number;
  /** Created orders of no customer (an e-mail no customer has, or none). */
  guests: number;
  /** Orders read that the platform cancelled or voided (kept, with what was paid and not refunded). */
  cancelled: number;
  /** Orders of a test gateway, left out. */
  test_orders: number;
  preset: OrderPresetName;
  delimiter: string;
  encoding: Encoding;
  written: boolean;
}

/** Imports the records of an orders file (from readRecords) in one transaction. */
export async function importOrders(openStore: () => Promise<Store>, batches: AsyncIterable<RecordBatch>, options: OrderImportOptions): Promise<OrderImportSummary> {
  const iterator = batches[Symbol.asyncIterator]();
  try {
    const { first, headers, headerEnd } = await readHeader(iterator, 'number,email,total,currency,placed_at');
    const preset = chooseOrderPreset(headers, options.preset);
    const store = await openStore();
    assertSound(store.db, store.path, 'the import');
    return await store.writeAsync(async () => {
      const run = new OrderImportRun(store, first, { headers, headerEnd, preset }, options);
      const unreadable = (error: CsvSyntaxError) => run.unreadable(error);
      for (let next: IteratorResult<RecordBatch> = { done: false, value: first }; !next.done; next = await nextBatch(iterator, options.skipInvalid, unreadable)) {
        run.read(next.value);
      }
      const summary = run.finish();
      return summary.written ? summary : new Rollback(summary);
    });
  } finally {
    await iterator.return?.();
  }
}

function chooseOrderPreset(headers: string[], wanted: OrderPresetName | 'auto'): OrderPreset {
  if (wanted === 'auto') {
    const found = detectOrderPreset(headers);
    if (found) return found;
    throw new HeaderError(`line 1: this is not an orders file that a preset recognises (${quotedHeaders(headers)})`, [
      'An orders file has an order number, a total and a date: this tool\'s own (number, total, placed_at), Shopify\'s orders export (Name, Total, Created at) or WooCommerce\'s (order_number, order_total, order_date).',
      'A customers file is imported with: customers import FILE',
    ]);
  }
  const preset = ORDER_PRESETS[wanted];
  const missing = missingColumns(preset, headers);
  if (missing.length) {
    throw new HeaderError(`line 1: the ${wanted} preset needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the header lacks (${quotedHeaders(headers)})`, [
      'Choose another --preset, or leave it out to let the header say which.',
    ]);
  }
  return preset;
}

/** An order read from its rows and checked, ready to be compared with the ledger or written. */
interface ParsedOrder {
  number: string;
  email: string | null;
  total: number;
  currency?: Cell;
  placedAt: string;
  createdAt?: string;
  cancelled: boolean;
}

/** The rows of one order read so far (Shopify writes one per line item). */
interface PendingOrder {
  key: string;
  line: number;
  records: string[][];
}

/** One orders import inside its transaction. */
class OrderImportRun {
  private readonly summary: OrderImportSummary;
  private readonly db: Store['db'];
  private readonly history: Operation;
  private readonly seqAtStart: number;
  private readonly headers: string[];
  private readonly preset: OrderPreset;
  private readonly cells: (record: readonly string[]) => CellReader;
  private readonly decimalComma: boolean;
  private reading: Reading;
  private pending: PendingOrder | undefined;
  private previousEnd: number;
  private rows = 0;
  private readonly statements: ReturnType<typeof prepare>;

  constructor(store: Store, first: RecordBatch, header: { headers: string[]; headerEnd: number; preset: OrderPreset }, private readonly options: OrderImportOptions) {
    this.db = store.db;
    this.headers = header.headers;
    this.preset = header.preset;
    this.previousEnd = header.headerEnd;
    this.cells = cellReader(this.headers);
    this.decimalComma = first.delimiter === ';';
    this.reading = { misread: first.misread, note: first.note, encoding: first.encoding };
    this.summary = {
      created: 0, unchanged: 0, rejected: 0, linked: 0, guests: 0, cancelled: 0, test_orders: 0, preset: this.preset.name,
      delimiter: delimiterName(first.delimiter), encoding: first.encoding, written: false,
    };
    this.seqAtStart = lastId(this.db, 'orders');
    this.statements = prepare(this.db);
    this.history = beginOperation(store, 'orders import', options.now);
    this.checkCurrencySource();
    options.onHeader?.({ headers: this.headers, delimiter: first.delimiter, encoding: first.encoding, secretColumns: [] });
  }

  /** A file without a currency column, no --currency and a store without one: no order can be kept. */
  private checkCurrencySource(): void {
    if (this.options.currency !== undefined || getSetting(this.db, 'store.currency') !== undefined) return;
    if (this.cells([])('currency', 'order_currency') !== undefined) return; // the header has the column
    throw new ValidationError('the file has no currency column and the store has no currency yet, so its amounts cannot be kept', [
      "Give the orders' currency with --currency EUR (it becomes the store's), or set it first: customers config set store.currency EUR",
    ]);
  }

  read(batch: RecordBatch): void {
    this.reading = { misread: batch.misread, note: batch.note, encoding: batch.encoding };
    for (const [record, lines] of batch.records) this.onRecord(record, lines);
    this.options.onProgress?.(this.rows, batch.bytes);
  }

  private onRecord(record: string[], lines: number): void {
    const line = this.previousEnd + 1;
    this.previousEnd = lines;
    this.rows++;
    const problems = shapeProblems(record, this.headers, this.reading);
    const key = this.preset.groupBy === undefined ? undefined : (this.cells(record)(this.preset.groupBy)?.value ?? '');
    // A line item of the order above: its rows follow each other under one Name.
    if (key && this.pending && this.pending.key === key && problems.length === 0) {
      this.pending.records.push(record);
      return;
    }
    this.flush();
    if (problems.length) this.reject(line, record, problems);
    else this.pending = { key: key ?? '', line, records: [record] };
    crashIfReached(this.options.crashAfterRows, this.rows);
  }

  /** Reads, checks and writes the order whose rows were read last. */
  private flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    const rows = pending.records.map((r) => this.cells(r));
    // Order-level values are on the order's first row; later rows of a Shopify order hold only line items.
    const raw = this.preset.read(rows[0], rows);
    if (raw.test) {
      this.summary.test_orders++;
      return;
    }
    const problems: Problem[] = [];
    const order = parseOrder(raw, { decimalComma: this.decimalComma, utcOffset: this.options.utcOffset }, problems);
    if (problems.length) this.reject(pending.line, pending.records[0], problems);
    else this.write(pending.line, pending.records[0], order!);
  }

  private write(line: number, record: readonly string[], order: ParsedOrder): void {
    const currency = this.currencyOf(order);
    if (typeof currency !== 'string') return this.reject(line, record, [currency]);
    const existing = this.statements.byNumber.get(order.number) as StoredOrder | undefined;
    if (existing) {
      const problem = this.compare(existing, order, currency);
      if (problem) return this.reject(line, record, [problem]);
      this.summary.unchanged++;
    } else {
      const customer = order.email === null ? undefined : (this.statements.customerByEmail.get(order.email) as number | undefined);
      const id = insertOrder(this.db, {
        number: order.number, customerId: customer ?? null, email: order.email, total: order.total, currency,
        placedAt: order.placedAt, createdAt: order.createdAt ?? formatTimestamp(this.options.now),
      });
      this.statements.noteLine.run(id, line);
      this.summary.created++;
      this.summary[customer === undefined ? 'guests' : 'linked']++;
    }
    if (order.cancelled) this.summary.cancelled++;
  }

  /** The order's currency, which must be the store's (the first order of a store without one sets it). */
  private currencyOf(order: ParsedOrder): string | Problem {
    const given = order.currency?.value || this.options.currency;
    try {
      return orderCurrency(this.db, given === undefined ? undefined : given.toUpperCase(), this.history);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return { column: order.currency?.column ?? '(--currency)', value: order.currency?.value ?? given ?? '', reason: error.message };
    }
  }

  /** Why an order the ledger has already cannot be this one (undefined: it is the same, unchanged). */
  private compare(existing: StoredOrder, order: ParsedOrder, currency: string): Problem | undefined {
    const column = this.cells([])(...numberColumns(this.preset))?.column ?? 'number';
    if (existing.id > this.seqAtStart) {
      const earlier = this.statements.lineOf.get(existing.id) as number;
      return { column, value: order.number, reason: `order ${order.number} is also on line ${earlier} of this file; an order number is one order` };
    }
    const differences = [
      existing.email !== order.email && `e-mail ${existing.email ?? '(none)'}`,
      existing.total_minor !== order.total && `total ${formatAmount(existing.total_minor)}`,
      existing.currency !== currency && `currency ${existing.currency}`,
      existing.placed_at !== order.placedAt && `placed at ${existing.placed_at}`,
    ].filter(Boolean);
    if (differences.length === 0) return undefined;
    return {
      column, value: order.number,
      reason: `order ${existing.number} is already in the ledger with other values (${differences.join(', ')}); delete it first (customers orders delete ${existing.number}) to import this one`,
    };
  }

  /** Lines the parser could not read: one rejection for them all, each line counted. */
  unreadable(error: CsvSyntaxError): void {
    this.flush();
    this.reject(error.fromLine, [], [{ column: '(file)', value: '', reason: error.message }]);
    this.summary.rejected += error.toLine - error.fromLine; // reject() counted the first
  }

  private reject(line: number, record: readonly string[], problems: Problem[]): void {
    this.summary.rejected++;
    this.options.onRejected?.({ line, problems }, record);
  }

  finish(): OrderImportSummary {
    this.flush();
    if (this.summary.linked) moveIntoLedger(this.db, this.history, this.seqAtStart);
    this.history.ordersAbove(this.seqAtStart);
    this.history.finish();
    this.summary.written = !this.options.dryRun && !(this.summary.rejected > 0 && !this.options.skipInvalid);
    return this.summary;
  }
}

interface StoredOrder {
  id: number;
  number: string;
  email: string | null;
  total_minor: number;
  currency: string;
  placed_at: string;
}

function prepare(db: Store['db']) {
  // The line of each order this import created, to say where a repeated number was first met.
  db.exec('CREATE TEMP TABLE IF NOT EXISTS import_order_lines (id INTEGER PRIMARY KEY, line INTEGER NOT NULL); DELETE FROM temp.import_order_lines;');
  return {
    byNumber: db.prepare('SELECT id, number, email, total_minor, currency, placed_at FROM orders WHERE number = ?'),
    customerByEmail: db.prepare('SELECT id FROM customers WHERE email = ?').pluck(),
    noteLine: db.prepare('INSERT INTO temp.import_order_lines (id, line) VALUES (?, ?)'),
    lineOf: db.prepare('SELECT line FROM temp.import_order_lines WHERE id = ?').pluck(),
  };
}

function numberColumns(preset: OrderPreset): string[] {
  return [...preset.required[0]];
}

/** Checks an order's values, each problem with its column and value; undefined when there are problems. */
function parseOrder(raw: RawOrder, options: { decimalComma: boolean; utcOffset?: string }, problems: Problem[]): ParsedOrder | undefined {
  const read = <T>(cell: Cell, fn: (value: string) => T): T | undefined => {
    try {
      return fn(cell.value);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push({ column: cell.column, value: cell.value, reason: error.message });
      return undefined;
    }
  };
  const number = read(raw.number, orderNumberOf);
  const email = read(raw.email, (v) => (v === '' ? null : normalizeEmail(v)));
  const total = read(raw.total, (v) => parseOrderTotal(v, options));
  const refunded = raw.refunded ? read(raw.refunded, (v) => (v === '' ? 0 : refundOf(v, options))) : 0;
  const placedAt = read(raw.placedAt, (v) => orderDate(v, options.utcOffset));
  const createdAt = raw.createdAt?.value ? read(raw.createdAt, (v) => orderDate(v, options.utcOffset)) : undefined;
  if (problems.length) return undefined;
  // The ledger keeps what the customer spent: the total less refunds, and nothing for an order never paid.
  const net = raw.neverPaid ? 0 : Math.max(0, total! - refunded!);
  return { number: number!, email: email!, total: net, currency: raw.currency?.value ? raw.currency : undefined, placedAt: placedAt!, createdAt, cancelled: raw.cancelled };
}

/** An order number; one Excel turned into a number in scientific notation has lost its digits. */
function orderNumberOf(value: string): string {
  if (value === '') throw new ValidationError('the order number is missing');
  if (/^\d+(?:[.,]\d+)?E\+?\d+$/i.test(value)) {
    throw new ValidationError(`"${value}" is an order number that a spreadsheet turned into scientific notation, and its digits are lost; export the orders again and import that file without opening it in a spreadsheet`);
  }
  return normalizeOrderNumber(value);
}

function refundOf(value: string, options: { decimalComma: boolean }): number {
  const minor = parseAmount(value, options);
  if (minor < 0) throw new ValidationError(`the refunded amount "${value}" is negative; platforms write refunds as positive amounts`);
  return minor;
}

/**
 * A date in the stored form (UTC). Shopify writes the shop's offset after a space (2025-12-07 19:08:25 +0100);
 * WooCommerce writes the site's local time with none, read in `utcOffset` (UTC unless told).
 */
export function orderDate(value: string, utcOffset?: string): string {
  const text = value.trim().replace(/ ([+-]\d{2}:?\d{2}|Z)$/, '$1');
  const withTime = /[T ]\d{2}:\d{2}/.test(text);
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) && withTime;
  return parseTimestamp(zoned || !withTime || !utcOffset ? text : `${text}${utcOffset}`);
}
