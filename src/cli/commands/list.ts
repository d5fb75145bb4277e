/** list and search: the selection, sorted and paged, through the one renderer. */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import { countCustomers, listCustomers } from '../../core/customers.js';
import { CUSTOMER_FIELDS, SORT_SQL, TABLE_FIELDS, TABLE_OPTIONAL_FIELDS } from '../../core/fields.js';
import type { CustomerFilter } from '../../core/filters.js';
import type { Context } from '../context.js';
import {
  addFilterOptions, addOutputOptions, addPagingOptions, type FilterFlags, filterFromFlags, type Format, type OutputFlags, type PagingFlags,
} from '../options.js';
import { chooseColumns, chooseFormat, renderItems, TABLE_PAGE } from '../render/render.js';

const SORT_FIELDS = [...SORT_SQL.keys()];

type ListFlags = FilterFlags & OutputFlags & PagingFlags;

export interface ListOptions {
  filter: CustomerFilter;
  format: Format;
  /** The --fields given, if any. */
  fields?: string;
  sort?: string;
  limit?: number;
  offset: number;
  /** --raw: csv/tsv values without the formula guard. */
  raw?: boolean;
}

export function registerListCommands(program: Command, ctx: Context): void {
  const list = program
    .command('list')
    .description('list customers, filtered, sorted and paged')
    .addHelpText(
      'after',
      '\nExamples:\n  customers list --country BE --min-orders 5\n  customers list --group Wholesale --format csv --fields email,name\n  customers list --tag vip --format ids | customers update --from-file - --set group=VIP',
    );
  addPagingOptions(addOutputOptions(addFilterOptions(list)), SORT_FIELDS).action((flags: ListFlags) => runListing(ctx, parseListOptions(ctx, flags)));

  const search = program
    .command('search')
    .description('find customers whose name, e-mail, phone or company contains TEXT (ignoring case and accents)')
    .argument('<text>', 'text to look for, e.g. "helene" finds Hélène')
    .addHelpText('after', '\nExamples:\n  customers search dupont\n  customers search "+33 6 12" --country FR --json');
  addPagingOptions(addOutputOptions(addFilterOptions(search)), SORT_FIELDS).action((text: string, flags: ListFlags) => {
    if (text.trim() === '') throw new UsageError('the search text is empty; give some text, or use customers list');
    const options = parseListOptions(ctx, flags);
    return runListing(ctx, { ...options, filter: { ...options.filter, search: text } });
  });
}

export function parseListOptions(ctx: Context, flags: ListFlags): ListOptions {
  return {
    filter: filterFromFlags(flags),
    format: chooseFormat(ctx, flags),
    fields: flags.fields,
    sort: parseSort(flags.sort),
    limit: flags.limit,
    offset: flags.offset ?? 0,
    raw: flags.raw,
  };
}

/** --sort FIELD[:asc|:desc], ignoring case (Total_Spent:DESC): as the core's listing reads it, in lower case. */
function parseSort(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const sort = raw.trim().toLowerCase();
  const [field, direction, ...rest] = sort.split(':');
  if (!SORT_SQL.has(field) || (direction !== undefined && direction !== 'desc' && direction !== 'asc') || rest.length) {
    throw new UsageError(`cannot sort by "${raw}"`, [`Sort by one of ${SORT_FIELDS.join(', ')}, optionally with :desc (e.g. --sort total_spent:desc).`]);
  }
  return sort;
}

async function runListing(ctx: Context, options: ListOptions): Promise<void> {
  const { format, filter, offset } = options;
  const columns = chooseColumns(CUSTOMER_FIELDS, options.fields, format === 'table' ? TABLE_FIELDS : undefined);
  const store = await ctx.store({ create: false });
  if (format === 'count') {
    const total = countCustomers(store.db, filter);
    ctx.io.stdout.write(`${Math.max(0, Math.min(total - offset, options.limit ?? Infinity))}\n`);
    return;
  }
  const limited = options.limit !== undefined;
  // A table on a terminal shows one page: ask for one row more than it shows, to know whether to say "more".
  const limit = format === 'table' && !limited && ctx.io.stdout.isTTY ? TABLE_PAGE + 1 : options.limit;
  const items = listCustomers(store.db, {
    filter,
    fields: format === 'ids' ? CUSTOMER_FIELDS.filter((f) => f.name === 'id') : columns,
    sort: options.sort,
    limit,
    offset,
  });
  const optional = options.fields === undefined ? TABLE_OPTIONAL_FIELDS : undefined;
  await renderItems(ctx, items, { format, columns, limited, optional, raw: options.raw, total: () => countCustomers(store.db, filter) - offset });
}
