/**
 * Tables and records for people at a terminal, fitted to its width: a heading line, a rule, one line a row
 * (cli-table3 draws it, without borders); long cells cut with "…". Coloured when the colour level allows.
 */
import Table from 'cli-table3';
import { strlen } from 'cli-table3/src/utils.js';
import { escapeControls } from '../../common/shown.js';
import type { Item } from '../../core/fields.js';
import type { Context } from '../context.js';
import { terminalColumns } from '../io.js';
import { type Column, type RenderOptions, TABLE_PAGE, textOf } from './columns.js';

/** Between two columns. */
const GAP = 2;
/** A text column is never cut narrower than this (a heading of a narrow column may be wider). */
const MIN_TEXT = 8;
/** A record's values wrap at this width at most, however wide the terminal. */
const RECORD_TEXT_MAX = 100;

/** A cell for a person at a terminal: yes/no for booleans, control characters in data shown as escapes, never sent raw. */
function cellText(item: Item, column: Column): string {
  const value = item[column.name];
  if (column.type === 'bool' && value !== null && value !== undefined) return value ? 'yes' : 'no';
  return escapeControls(textOf(value));
}

const headingOf = (c: Column) => c.heading ?? c.name;
const isNumeric = (c: Column) => c.type === 'int' || c.type === 'money';
/** Columns whose cells may be cut: text of any length. Numbers, dates, yes/no, codes and URLs are shown whole. */
const isCuttable = (c: Column) => (c.type === 'text' || c.type === 'tags') && !c.whole;

/** The width a table may use: the terminal's, else $COLUMNS, else none (a table written to a file is not cut). */
function terminalWidth(ctx: Context): number {
  const env = Number(ctx.io.env.COLUMNS);
  return terminalColumns(ctx.io.stdout) ?? (Number.isInteger(env) && env > 0 ? env : Infinity);
}

/**
 * The width of each column so that the table fits `width`: numbers and codes whole, the text columns cut
 * to one common cap, as little as possible (never below MIN_TEXT). Each optional column, in order, is
 * shown when the table still fits whole with it. `shown` are indexes into `columns`.
 */
function fitColumns(
  columns: readonly Column[], natural: readonly number[], width: number, optional: ReadonlySet<string>, candidates: readonly number[],
): { shown: number[]; widths: number[] } {
  const total = (idx: number[], widthOf: (i: number) => number) => idx.reduce((sum, i) => sum + widthOf(i), 0) + GAP * (idx.length - 1);
  let shown = candidates.filter((i) => !optional.has(columns[i].name));
  for (const i of candidates.filter((j) => optional.has(columns[j].name))) {
    const more = [...shown, i].sort((a, b) => a - b);
    if (total(more, (j) => natural[j]) <= width) shown = more;
  }
  const cuttable = shown.filter((i) => isCuttable(columns[i]));
  const fixed = total(shown, (i) => (cuttable.includes(i) ? 0 : natural[i]));
  const room = width - fixed;
  // The largest cap c with sum(min(natural, max(c, MIN_TEXT))) <= room.
  const sized = (cap: number) => cuttable.reduce((sum, i) => sum + Math.min(natural[i], Math.max(cap, MIN_TEXT)), 0);
  let cap = Math.max(...cuttable.map((i) => natural[i]), 0);
  while (cap > MIN_TEXT && sized(cap) > room) cap--;
  const widths = shown.map((i) => (cuttable.includes(i) ? Math.min(natural[i], Math.max(cap, MIN_TEXT)) : natural[i]));
  return { shown, widths };
}

const BORDERLESS = Object.fromEntries(
  ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid']
    .map((name) => [name, '']),
);

export async function renderTable(
  ctx: Context,
  out: { line(text: string): void; flush(): void },
  items: Iterable<Item>,
  options: RenderOptions,
): Promise<void> {
  const chalk = await ctx.chalk('stdout');
  const { columns } = options;
  // Only a table on a terminal is a page; written to a file or a pipe it has every row.
  const max = options.limited || !ctx.io.stdout.isTTY ? Infinity : TABLE_PAGE;
  const rows: string[][] = [];
  let more = false;
  for (const item of items) {
    if (rows.length === max) {
      more = true;
      break;
    }
    rows.push(columns.map((c) => cellText(item, c)));
  }
  if (rows.length === 0) {
    ctx.say(chalk.dim('No results.'));
    return;
  }
  const natural = columns.map((c, i) => Math.max(strlen(headingOf(c)), ...rows.map((row) => strlen(row[i]))));
  const optional = options.optional ?? new Set<string>();
  // An optional column empty on every row shown is left out whatever the width.
  const candidates = columns.flatMap((c, i) => (optional.has(c.name) && rows.every((row) => row[i] === '') ? [] : [i]));
  const { shown, widths } = fitColumns(columns, natural, terminalWidth(ctx), optional, candidates);
  const table = new Table({
    chars: { ...BORDERLESS, middle: ' '.repeat(GAP) },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colWidths: widths,
    colAligns: shown.map((i) => (isNumeric(columns[i]) ? 'right' : 'left')),
    wordWrap: false,
  });
  table.push(shown.map((i) => chalk.bold(headingOf(columns[i]))));
  table.push(widths.map((w) => chalk.dim('─'.repeat(w))));
  for (const row of rows) table.push(shown.map((i) => row[i]));
  out.line(table.toString().replace(/ +$/gm, ''));
  // The note comes after the table it is about, not above it (stderr is not buffered, stdout is).
  out.flush();
  if (more && options.total) {
    const rest = options.total() - rows.length;
    ctx.say(chalk.dim(`... and ${rest} more. Use --limit, --offset or --format tsv to see them.`));
  }
}

/**
 * One record as `label  value` lines: empty values left out unless `all`; a long value wraps under itself,
 * and a note keeps its line breaks.
 */
export async function renderRecordLines(ctx: Context, item: Item, columns: readonly Column[], all: boolean): Promise<void> {
  const chalk = await ctx.chalk('stdout');
  const filled = columns.filter((c) => all || !isEmpty(item[c.name]));
  const labelWidth = Math.max(0, ...filled.map((c) => c.name.length));
  const room = Math.max(20, Math.min(RECORD_TEXT_MAX, terminalWidth(ctx) - labelWidth - GAP));
  const lines: string[] = [];
  for (const c of filled) {
    const text = c.type === 'text' ? textOf(item[c.name]).split('\n').map(escapeControls) : [cellText(item, c)];
    const wrapped = text.flatMap((line) => wrap(line, room));
    const label = chalk.dim(c.name.padEnd(labelWidth));
    wrapped.forEach((part, n) => lines.push(`${n === 0 ? label : ' '.repeat(labelWidth)}${' '.repeat(GAP)}${part}`.trimEnd()));
  }
  ctx.io.stdout.write(lines.join('\n') + '\n');
}

/** Text cut to `width` terminal columns, with "…" when cut (wide characters count two). */
export function fitText(text: string, width: number): string {
  if (strlen(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (strlen(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

function isEmpty(value: Item[string]): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Cuts a line into pieces at most `width` wide, at spaces where it can. */
function wrap(line: string, width: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (strlen(rest) > width) {
    let cut = 0;
    let w = 0;
    for (const ch of rest) {
      w += strlen(ch);
      if (w > width) break;
      cut += ch.length;
    }
    const space = rest.lastIndexOf(' ', cut);
    const at = space > cut / 2 ? space : cut;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  parts.push(rest);
  return parts;
}
