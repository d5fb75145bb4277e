/**
 * CSV export: streams the selected customers in a preset's layout. Text a spreadsheet would run as a
 * formula gets a leading apostrophe (plain numbers and phone numbers excepted); an import takes it off.
 */
import type { Db } from '../../store/open.js';
import { listCustomers } from '../customers.js';
import { pickByName } from '../../common/pick.js';
import { CUSTOMER_FIELDS } from '../fields.js';
import type { CustomerFilter } from '../filters.js';
import { type ExportColumn, PRESETS, type PresetName } from './presets.js';
import { csvCell, guardFormula } from './text.js';

export interface ExportOptions {
  preset: PresetName;
  /** Column headers to write, in this order; all of the preset's by default. */
  columns?: string[];
  delimiter: string;
  bom: boolean;
  header: boolean;
}

/** The preset's columns picked by --columns (headers ignoring case); an unknown one is an error listing the valid ones. */
export function exportColumns(preset: PresetName, wanted: string[] | undefined): readonly ExportColumn[] {
  const all = PRESETS[preset].export;
  if (!wanted) return all;
  return pickByName(all, wanted, { nameOf: (c) => c.header, noun: 'column', where: `for the ${preset} preset`, ignoreCase: true });
}

/** Writes the CSV in chunks through `write`; returns how many customers it wrote. */
export async function exportCustomers(
  db: Db,
  filter: CustomerFilter,
  options: ExportOptions,
  write: (chunk: string) => void | Promise<void>,
): Promise<number> {
  const columns = exportColumns(options.preset, options.columns);
  const d = options.delimiter;
  let buffer = options.bom ? '\ufeff' : '';
  if (options.header) buffer += columns.map((c) => csvCell(c.header, d)).join(d) + '\r\n';
  let count = 0;
  for (const item of listCustomers(db, { filter, fields: CUSTOMER_FIELDS, reuse: true })) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      if (i) line += d;
      line += csvCell(guardFormula(columns[i].value(item)), d);
    }
    buffer += line + '\r\n';
    count++;
    if (buffer.length > 1 << 16) {
      await write(buffer);
      buffer = '';
    }
  }
  if (buffer) await write(buffer);
  return count;
}
