/** What the renderers share: the columns of a listing, the options of one rendering, values as text. */
import type { FieldType, FieldValue } from '../../core/fields.js';
import type { Format } from '../options.js';

export interface Column {
  name: string;
  type: FieldType;
  /** A table's heading when shorter than the name (order_count: orders). */
  heading?: string;
  /** Never cut in a table, however narrow the terminal: a URL to copy. */
  whole?: boolean;
}

/** A table on a terminal shows this many rows unless --limit says otherwise, and says how many more there are. */
export const TABLE_PAGE = 50;

export interface RenderOptions {
  format: Format;
  columns: readonly Column[];
  /** The total when rows were cut, for a table's "N more" line; computed only when needed. */
  total?: () => number;
  /** True when the user gave --limit: then a table shows every row it got. */
  limited?: boolean;
  /** Columns a table shows only when the terminal is wide enough for them (left out last first). */
  optional?: ReadonlySet<string>;
  /** csv and tsv values as stored, without the apostrophe that keeps a spreadsheet from running a formula (--raw). */
  raw?: boolean;
}

/** A value as text in csv, tsv and tables: booleans true/false, tags comma-separated, no value empty. */
export function textOf(value: FieldValue): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
