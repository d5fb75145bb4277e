/**
 * The one renderer of every listing (customers, groups, settings): table, json, jsonl, csv, tsv, ids, count.
 * Rows stream in; only a table on a terminal keeps them, and it shows at most TABLE_PAGE of them.
 */
import { pickByName, splitList } from '../../common/pick.js';
import { guardFormula } from '../../core/csv/text.js';
import { UsageError } from '../../common/errors.js';
import { asUsageError } from '../usage.js';
import type { Item } from '../../core/fields.js';
import type { Context } from '../context.js';
import type { Format } from '../options.js';
import { type Column, type RenderOptions, textOf } from './columns.js';

export { type Column, type RenderOptions, TABLE_PAGE, textOf } from './columns.js';

/** Where output goes in chunks: writing 1M short lines one by one to a pipe is slow. */
class Writer {
  private buffer = '';
  constructor(private readonly out: { write(chunk: string): unknown }) {}
  line(text: string): void {
    this.text(text + '\n');
  }
  text(text: string): void {
    this.buffer += text;
    if (this.buffer.length > 65536) this.flush();
  }
  flush(): void {
    if (this.buffer) this.out.write(this.buffer);
    this.buffer = '';
  }
}

/** The output format: --json, else --format, else table on a terminal and tsv elsewhere. */
export function chooseFormat(ctx: Context, opts: { format?: Format; json?: boolean }): Format {
  if (opts.json && opts.format !== undefined && opts.format !== 'json') {
    throw new UsageError(`--json and --format ${opts.format} contradict each other; give one of them`);
  }
  if (opts.json) return 'json';
  return opts.format ?? (ctx.io.stdout.isTTY ? 'table' : 'tsv');
}

/** Picks columns from --fields, or the defaults; an unknown name is a usage error listing the valid ones. */
export function chooseColumns<C extends Column>(all: readonly C[], fieldsFlag: string | undefined, defaults?: readonly string[]): C[] {
  const names = fieldsFlag !== undefined ? splitList(fieldsFlag) : defaults;
  if (!names) return [...all];
  return asUsageError(() => pickByName(all, names, { nameOf: (c) => c.name, noun: 'field', where: 'in --fields' }));
}

/** Escapes what would break a tsv line: backslash, tab, newline, carriage return. */
function tsvCell(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : text;
}

export async function renderItems(ctx: Context, items: Iterable<Item>, options: RenderOptions): Promise<void> {
  const { format, columns } = options;
  // A csv or tsv file is opened in spreadsheets: a value that would run as a formula is marked as text, as export does.
  const cell = options.raw ? (item: Item, c: Column) => textOf(item[c.name]) : (item: Item, c: Column) => guardFormula(textOf(item[c.name]));
  const out = new Writer(ctx.io.stdout);
  switch (format) {
    case 'count': {
      let n = 0;
      for (const _ of items) n++;
      out.line(String(n));
      break;
    }
    case 'ids':
      for (const item of items) out.line(String(item.id));
      break;
    case 'json': {
      // Standard pretty JSON (2-space indent), written an item at a time.
      let first = true;
      for (const item of items) {
        out.text((first ? '[\n' : ',\n') + indent(JSON.stringify(pick(item, columns), null, 2)));
        first = false;
      }
      out.line(first ? '[]' : '\n]');
      break;
    }
    case 'jsonl':
      for (const item of items) out.line(JSON.stringify(pick(item, columns)));
      break;
    case 'tsv':
      out.line(columns.map((c) => tsvCell(c.name)).join('\t'));
      for (const item of items) out.line(columns.map((c) => tsvCell(cell(item, c))).join('\t'));
      break;
    case 'csv': {
      const { stringify } = await import('csv-stringify/sync');
      let batch: string[][] = [columns.map((c) => c.name)];
      for (const item of items) {
        batch.push(columns.map((c) => cell(item, c)));
        if (batch.length >= 1000) {
          out.line(stringify(batch, { record_delimiter: 'unix' }).slice(0, -1));
          batch = [];
        }
      }
      if (batch.length) out.line(stringify(batch, { record_delimiter: 'unix' }).slice(0, -1));
      break;
    }
    case 'table': {
      const { renderTable } = await import('./table.js');
      await renderTable(ctx, out, items, options);
      break;
    }
  }
  out.flush();
}

function pick(item: Item, columns: readonly Column[]): Item {
  const out: Item = {};
  for (const c of columns) out[c.name] = item[c.name] ?? null;
  return out;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

/** How one record is printed: --json, --format, --fields and --all-fields of show. */
export interface RecordOptions {
  json?: boolean;
  format?: Format;
  fields?: string;
  /** Empty fields too, in the record a terminal gets. */
  allFields?: boolean;
  raw?: boolean;
}

/**
 * One record (show, add, edit): as JSON one object; on a terminal (or --format table) `label  value` lines
 * with the empty fields left out; elsewhere `field<TAB>value` lines of every field; csv, tsv and jsonl as a
 * listing of one.
 */
export async function renderRecord(ctx: Context, item: Item, all: readonly Column[], options: RecordOptions = {}): Promise<void> {
  const columns = chooseColumns(all, options.fields);
  const format = options.json || options.format ? chooseFormat(ctx, options) : undefined;
  if (format === 'json') {
    ctx.io.stdout.write(JSON.stringify(pick(item, columns), null, 2) + '\n');
  } else if (format === 'table' || (format === undefined && ctx.io.stdout.isTTY)) {
    const { renderRecordLines } = await import('./table.js');
    await renderRecordLines(ctx, item, columns, Boolean(options.allFields || options.fields));
  } else if (format !== undefined) {
    await renderItems(ctx, [item], { format, columns, limited: true, raw: options.raw });
  } else {
    const out = new Writer(ctx.io.stdout);
    for (const c of columns) out.line(`${c.name}\t${tsvCell(textOf(item[c.name]))}`);
    out.flush();
  }
}
