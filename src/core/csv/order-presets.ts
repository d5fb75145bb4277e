/**
 * The order files of other platforms, and this tool's own: which columns give an order's number, e-mail,
 * total, currency and date, and which headers an export writes. Columns are found by header name (ignoring
 * case), never by position: Shopify's layout gained columns over the years, WooCommerce's varies with plugins.
 */
import { ValidationError } from '../../common/errors.js';
import type { Item } from '../fields.js';
import { headerKey } from './presets.js';
import { unguardFormula } from './text.js';

export const ORDER_PRESET_NAMES = ['native', 'shopify', 'woocommerce'] as const;
export type OrderPresetName = (typeof ORDER_PRESET_NAMES)[number];

/** A cell of the file, with its column's header for messages. */
export interface Cell {
  column: string;
  value: string;
}

/** An order as a file gives it, before its values are checked. */
export interface RawOrder {
  number: Cell;
  email: Cell;
  total: Cell;
  /** Refunded so far (a positive amount); the ledger keeps the order's net total. */
  refunded?: Cell;
  currency?: Cell;
  placedAt: Cell;
  createdAt?: Cell;
  /** Cancelled or voided on the platform. */
  cancelled: boolean;
  /** Cancelled before any payment was taken: no money was spent, so the net total is 0. */
  neverPaid: boolean;
  /** Placed through a platform's test gateway: not a sale. */
  test: boolean;
}

/** Reads the cell of the first of `names` the header has that holds a value (else of the first it has). */
export type CellReader = (...names: string[]) => Cell | undefined;

export interface OrderExportColumn {
  header: string;
  value: (order: Item) => string;
}

export interface OrderPreset {
  name: OrderPresetName;
  /** Columns that must be there (each: one of these names); auto-detection picks the preset that has them all. */
  required: readonly (readonly string[])[];
  /** Rows of one order that follow each other with the same value in this column (line items). */
  groupBy?: string;
  read: (cell: CellReader, rows: readonly CellReader[]) => RawOrder;
  export: readonly OrderExportColumn[];
}

const empty = (column: string): Cell => ({ column, value: '' });
const has = (cell: Cell | undefined): cell is Cell => cell !== undefined && cell.value !== '';

/** `2026-01-15T09:30:00Z` as Shopify writes dates: `2026-01-15 09:30:00 +0000`. */
const shopifyDate = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
/** As WooCommerce writes them: site time without an offset (written in UTC, read back as UTC). */
const wooDate = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

const NATIVE: OrderPreset = {
  name: 'native',
  required: [['number'], ['total'], ['placed_at']],
  read: (cell) => ({
    number: cell('number')!, email: cell('email') ?? empty('email'), total: cell('total')!, currency: cell('currency'),
    placedAt: cell('placed_at')!, createdAt: cell('created_at'), cancelled: false, neverPaid: false, test: false,
  }),
  export: ['number', 'email', 'total', 'currency', 'placed_at', 'created_at'].map((name) => ({ header: name, value: (o: Item) => text(o[name]) })),
};

/** Shopify's financial statuses of an order whose payment was never taken. */
const SHOPIFY_UNPAID = new Set(['voided', 'expired']);

const SHOPIFY: OrderPreset = {
  name: 'shopify',
  required: [['Name'], ['Total'], ['Created at']],
  groupBy: 'Name',
  read: (cell, rows) => {
    const status = cell('Financial Status')?.value.toLowerCase() ?? '';
    const cancelled = has(cell('Cancelled at')) || SHOPIFY_UNPAID.has(status);
    // There is no test column: Shopify's test gateway is named Bogus, and merchants tag test orders "test".
    const tags = (cell('Tags')?.value ?? '').split(',').map((t) => t.trim().toLowerCase());
    const test = /bogus/i.test(cell('Payment Method')?.value ?? '') || tags.includes('test');
    return {
      number: cell('Name')!, email: firstOf(rows, 'Email'), total: cell('Total')!, refunded: cell('Refunded Amount'), currency: cell('Currency'),
      placedAt: firstOf(rows, 'Created at'), cancelled, neverPaid: SHOPIFY_UNPAID.has(status), test,
    };
  },
  export: [
    { header: 'Name', value: (o) => `#${text(o.number)}` },
    { header: 'Email', value: (o) => text(o.email) },
    { header: 'Currency', value: (o) => text(o.currency) },
    { header: 'Total', value: (o) => text(o.total) },
    { header: 'Created at', value: (o) => shopifyDate(text(o.placed_at)) },
  ],
};

/** The value of a column on the first of an order's rows that has one (Shopify repeats some on every row). */
function firstOf(rows: readonly CellReader[], name: string): Cell {
  return rows.map((cell) => cell(name)).find(has) ?? rows[0](name) ?? empty(name);
}

/** WooCommerce statuses of an order that did not go through. */
const WOO_CANCELLED = new Set(['cancelled', 'failed']);

const WOOCOMMERCE: OrderPreset = {
  name: 'woocommerce',
  required: [['order_number', 'order_id'], ['order_total'], ['order_date']],
  read: (cell) => {
    const cancelled = WOO_CANCELLED.has(cell('status')?.value.toLowerCase() ?? '');
    return {
      // customer_email is the account's e-mail (empty for guests); the order's is billing_email.
      number: cell('order_number', 'order_id')!, email: cell('billing_email', 'customer_email') ?? empty('billing_email'), total: cell('order_total')!,
      refunded: refundedOf(cell('refund_items')), currency: cell('order_currency'), placedAt: cell('order_date')!,
      cancelled, neverPaid: cancelled && !has(cell('paid_date')), test: false,
    };
  },
  export: [
    { header: 'order_number', value: (o) => text(o.number) },
    { header: 'order_date', value: (o) => wooDate(text(o.placed_at)) },
    { header: 'order_total', value: (o) => text(o.total) },
    { header: 'order_currency', value: (o) => text(o.currency) },
    { header: 'billing_email', value: (o) => text(o.email) },
  ],
};

/**
 * The sum of WebToffee's refund_items (`amount:51.00|reason:...|date:...`, several joined by `;`), as a cell:
 * an amount that is not one stays in the cell, to be rejected with the rest of it.
 */
function refundedOf(items: Cell | undefined): Cell | undefined {
  if (!has(items)) return undefined;
  const amounts = [...items.value.matchAll(/(?:^|;)amount:([^|;]*)/g)].map((m) => m[1].trim());
  if (amounts.length === 0 || amounts.some((a) => !/^\d+(\.\d{1,2})?$/.test(a))) return items;
  const cents = amounts.reduce((sum, a) => sum + Math.round(Number(a) * 100), 0);
  return { column: items.column, value: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}` };
}

export const ORDER_PRESETS: Record<OrderPresetName, OrderPreset> = { native: NATIVE, shopify: SHOPIFY, woocommerce: WOOCOMMERCE };

/** The required columns of `preset` the header lacks (each as its alternatives). */
export function missingColumns(preset: OrderPreset, headers: readonly string[]): string[] {
  const keys = new Set(headers.map(headerKey));
  return preset.required.filter((names) => !names.some((n) => keys.has(headerKey(n)))).map((names) => names.map((n) => `"${n}"`).join(' or '));
}

/** The preset whose required columns the header all has (native first), if any. */
export function detectOrderPreset(headers: readonly string[]): OrderPreset | undefined {
  return ORDER_PRESET_NAMES.map((n) => ORDER_PRESETS[n]).find((p) => missingColumns(p, headers).length === 0);
}

/**
 * The reader of a record's cells under a header: trimmed, and without the apostrophe a spreadsheet, a
 * platform (WooCommerce's '+33...) or our export put before a value to keep it text.
 */
export function cellReader(headers: readonly string[]): (record: readonly string[]) => CellReader {
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = headerKey(h.replace(/^\ufeff/, ''));
    if (!index.has(key)) index.set(key, i);
  });
  return (record) => (...names) => {
    let first: Cell | undefined;
    for (const name of names) {
      const i = index.get(headerKey(name));
      if (i === undefined) continue;
      const cell = { column: headers[i], value: unguardFormula((record[i] ?? '').trim()) };
      if (cell.value !== '') return cell;
      first ??= cell;
    }
    return first;
  };
}

/** --utc-offset: +02:00, -0500, or Z. */
export function parseUtcOffset(raw: string): string {
  const text = raw.trim();
  if (text === 'Z' || text === 'z') return 'Z';
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new ValidationError(`"${raw}" is not an offset from UTC (expected +02:00, -05:00 or Z)`);
  return `${m[1]}${m[2]}:${m[3]}`;
}
