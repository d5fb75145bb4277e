/** list and search: the selection, sorted and paged, through the one renderer. */
import type { Command } from 'commander';
import { countCustomers, listCustomers } from '../../core/customers.js';
import { UsageError } from '../../common/errors.js';
import { CUSTOMER_FIELDS, SORT_SQL, TABLE_FIELDS } from '../../core/fields.js';
import type { CustomerFilter } from '../../core/filters.js';
import type { Context } from '../context.js';
import { addFilterOptions, addOutputOptions, addPagingOptions, filterFromOptions } from '../options.js';
import { chooseColumns, chooseFormat, renderItems, TABLE_PAGE } from '../render/render.js';

const SORT_FIELDS = [...SORT_SQL.keys()];

export function registerListCommands(program: Command, ctx: Context): void {
  const list = program
    .command('list')
    .description('list customers, filtered, sorted and paged')
    .addHelpText(
      'after',
      '\nExamples:\n  customers list --country BE --min-orders 5\n  customers list --group Wholesale --format csv --fields email,name\n  customers list --tag vip --format ids | customers update --from-file - --set-group VIP',
    );
  addPagingOptions(addOutputOptions(addFilterOptions(list)), SORT_FIELDS).action(async (opts) => {
    await runListing(ctx, filterFromOptions(opts), opts);
  });

  const search = program
    .command('search')
    .description('find customers whose name, e-mail, phone or company contains TEXT (ignoring case and accents)')
    .argument('<text>', 'text to look for, e.g. "helene" finds Hélène')
    .addHelpText('after', '\nExamples:\n  customers search dupont\n  customers search "+33 6 12" --country FR --json');
  addPagingOptions(addOutputOptions(addFilterOptions(search)), SORT_FIELDS).action(async (text: string, opts) => {
    if (text.trim() === '') throw new UsageError('the search text is empty; give some text, or use customers list');
    await runListing(ctx, { ...filterFromOptions(opts), search: text }, opts);
  });
}

async function runListing(ctx: Context, filter: CustomerFilter, opts: Record<string, unknown>): Promise<void> {
  const format = chooseFormat(ctx, opts);
  const columns = chooseColumns(CUSTOMER_FIELDS, opts.fields as string | undefined, format === 'table' ? TABLE_FIELDS : undefined);
  const sort = opts.sort as string | undefined;
  if (sort !== undefined) {
    const [field, direction, ...rest] = sort.split(':');
    if (!SORT_SQL.has(field) || (direction !== undefined && direction !== 'desc' && direction !== 'asc') || rest.length) {
      throw new UsageError(`cannot sort by "${sort}"`, [`Sort by one of ${SORT_FIELDS.join(', ')}, optionally with :desc (e.g. --sort total_spent:desc).`]);
    }
  }
  const store = await ctx.store({ create: false });
  if (format === 'count') {
    const total = countCustomers(store.db, filter);
    const offset = (opts.offset as number | undefined) ?? 0;
    const limit = opts.limit as number | undefined;
    ctx.io.stdout.write(`${Math.max(0, Math.min(total - offset, limit ?? Infinity))}\n`);
    return;
  }
  const limited = opts.limit !== undefined;
  // A table on a terminal shows one page: ask for one row more than it shows, to know whether to say "more".
  const limit = format === 'table' && !limited ? TABLE_PAGE + 1 : (opts.limit as number | undefined);
  const items = listCustomers(store.db, {
    filter,
    fields: format === 'ids' ? CUSTOMER_FIELDS.filter((f) => f.name === 'id') : columns,
    sort,
    limit,
    offset: opts.offset as number | undefined,
  });
  await renderItems(ctx, items, {
    format,
    columns,
    limited,
    total: () => countCustomers(store.db, filter) - ((opts.offset as number | undefined) ?? 0),
  });
}
