/**
 * CSV export: streams the selected customers in a preset's layout. Text a spreadsheet would run as a
 * formula gets a leading apostrophe (plain numbers and phone numbers excepted); an import takes it off.
 */
import type { Db } from '../../store/open.js';
import { listCustomers } from '../customers.js';
import { pickByName } from '../../common/pick.js';
import { CUSTOMER_FIELDS, IDENTITY_FIELDS, type Item } from '../fields.js';
import { buildWhere, type CustomerFilter } from '../filters.js';
import { e164 } from '../values.js';
import { type ExportColumn, type ExportContext, PRESETS, type PresetName } from './presets.js';
import { csvCell, guardFormula } from './text.js';

export interface ExportOptions {
  preset: PresetName;
  /**
   * Column headers to write, in this order; all of the preset's by default. Native: any field a listing
   * shows (`name` too); another preset: its headers.
   */
  columns?: string[];
  delimiter: string;
  bom: boolean;
  header: boolean;
}

/**
 * The preset's columns picked by --fields (headers ignoring case), else those it writes by default; an
 * unknown one is an error listing the valid ones.
 */
export function exportColumns(preset: PresetName, wanted: string[] | undefined): readonly ExportColumn[] {
  const { export: written, alsoExportable = [] } = PRESETS[preset];
  if (!wanted) return written;
  const noun = preset === 'native' ? 'field' : 'column';
  return pickByName([...written, ...alsoExportable], wanted, { nameOf: (c) => c.header, noun, where: `for the ${preset} preset`, ignoreCase: true });
}

export interface ExportResult {
  /** Customers written. */
  count: number;
  /** Customers left out because the preset's platform requires an e-mail they have not got. */
  withoutEmail: number;
  /** Customers left out because nothing in the preset's columns would say who they are (a company-only customer in Stripe's). */
  unidentified: number;
}

/** Writes the CSV in chunks through `write`. */
export async function exportCustomers(
  db: Db,
  filter: CustomerFilter,
  options: ExportOptions,
  write: (chunk: string) => void | Promise<void>,
): Promise<ExportResult> {
  const columns = exportColumns(options.preset, options.columns);
  const leftOut = leaveOutRule(options.preset);
  const context: ExportContext = { sharedPhones: columns.some((c) => c.usesSharedPhones) ? sharedPhones(db, filter) : new Set() };
  const out = new CsvWriter(options, columns.map((c) => c.header), write);
  const result: ExportResult = { count: 0, withoutEmail: 0, unidentified: 0 };
  for (const item of listCustomers(db, { filter, fields: CUSTOMER_FIELDS, reuse: true })) {
    const why = leftOut(item, context);
    if (why) {
      result[why]++;
      continue;
    }
    await out.row(columns.length, (i) => columns[i].value(item, context));
    result.count++;
  }
  await out.end();
  return result;
}

/**
 * CSV text for `write`, in chunks of some 64 KB: a byte-order mark and the header line if asked, then rows
 * whose cells are guarded against formulas and quoted where needed.
 */
export class CsvWriter {
  private buffer: string;

  constructor(private readonly options: { delimiter: string; bom: boolean; header: boolean }, headers: readonly string[], private readonly write: (chunk: string) => void | Promise<void>) {
    const d = options.delimiter;
    this.buffer = options.bom ? '\ufeff' : '';
    if (options.header) this.buffer += headers.map((h) => csvCell(h, d)).join(d) + '\r\n';
  }

  /** A row of `count` cells, the i-th `value(i)` (no array per row: an export writes millions). */
  async row(count: number, value: (i: number) => string): Promise<void> {
    const d = this.options.delimiter;
    let line = '';
    for (let i = 0; i < count; i++) {
      if (i) line += d;
      line += csvCell(guardFormula(value(i)), d);
    }
    this.buffer += line + '\r\n';
    if (this.buffer.length > 1 << 16) {
      await this.write(this.buffer);
      this.buffer = '';
    }
  }

  async end(): Promise<void> {
    if (this.buffer) await this.write(this.buffer);
    this.buffer = '';
  }
}

/** Import targets that say who a customer is. */
const IDENTITY_TARGETS: ReadonlySet<string> = new Set([...IDENTITY_FIELDS.map((f) => f.name), 'full_name', 'last_or_full_name', 'first_or_full_name']);

/**
 * Why a customer is left out of a preset's file: the platform needs an e-mail, or none of the preset's columns
 * that say who a customer is (e-mail, phone, names, company) would hold anything, so the row would name nobody.
 */
function leaveOutRule(preset: PresetName): (item: Item, context: ExportContext) => 'withoutEmail' | 'unidentified' | undefined {
  const { requiresEmail, import: reads, export: writes } = PRESETS[preset];
  const targets = new Map(reads.map((c) => [c.header.toLowerCase(), c.target]));
  const identifying = writes.filter((c) => IDENTITY_TARGETS.has(targets.get(c.header.toLowerCase()) ?? ''));
  return (item, context) => {
    if (requiresEmail && item.email === null) return 'withoutEmail';
    return identifying.some((c) => c.value(item, context) !== '') ? undefined : 'unidentified';
  };
}

/** The E.164 phones that more than one selected customer has (grouped by SQLite: no map of every phone here). */
function sharedPhones(db: Db, filter: CustomerFilter): Set<string> {
  db.function('customers_e164', { deterministic: true }, (phone: unknown) => e164(phone));
  const where = buildWhere(db, filter);
  const rows = db
    .prepare(`SELECT customers_e164(c.phone) AS p FROM ${where.from} WHERE ${where.sql} AND p IS NOT NULL GROUP BY p HAVING count(*) > 1`)
    .pluck()
    .all(...where.params) as string[];
  return new Set(rows);
}
