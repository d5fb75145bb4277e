/** Tables for people at a terminal (cli-table3), coloured when the colour level allows. */
import Table from 'cli-table3';
import { escapeControls } from '../../common/shown.js';
import type { Item } from '../../core/fields.js';
import type { Context } from '../context.js';
import { type Column, type RenderOptions, TABLE_PAGE, textOf } from './columns.js';

/** A cell for a person at a terminal: control characters in data shown as escapes, never sent raw. */
function cellText(item: Item, column: Column): string {
  const value = item[column.name];
  if (column.type === 'bool') return value ? 'yes' : '';
  return escapeControls(textOf(value));
}

export async function renderTable(
  ctx: Context,
  out: { line(text: string): void },
  items: Iterable<Item>,
  options: RenderOptions,
): Promise<void> {
  const chalk = await ctx.chalk('stdout');
  const { columns } = options;
  const max = options.limited ? Infinity : TABLE_PAGE;
  const table = new Table({
    head: columns.map((c) => chalk.bold(c.name)),
    style: { head: [], border: [] },
    colAligns: columns.map((c) => (c.type === 'int' || c.type === 'money' ? 'right' : 'left')),
    wordWrap: true,
  });
  let shown = 0;
  let more = false;
  for (const item of items) {
    if (shown === max) {
      more = true;
      break;
    }
    table.push(columns.map((c) => cellText(item, c)));
    shown++;
  }
  if (shown === 0) {
    ctx.say(chalk.dim('No results.'));
    return;
  }
  out.line(table.toString());
  if (more && options.total) {
    const rest = options.total() - shown;
    ctx.say(chalk.dim(`... and ${rest} more. Use --limit, --offset or --format tsv to see them.`));
  }
}

export async function renderRecordTable(ctx: Context, item: Item, columns: readonly Column[]): Promise<void> {
  const chalk = await ctx.chalk('stdout');
  const table = new Table({ style: { head: [], border: [] }, wordWrap: true });
  for (const c of columns) table.push({ [chalk.bold(c.name)]: cellText(item, c) });
  ctx.io.stdout.write(table.toString() + '\n');
}
