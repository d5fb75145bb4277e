/** delete: one or many customers, confirmed. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import { deleteCustomers } from '../../core/bulk.js';
import { listCustomers } from '../../core/customers.js';
import { CUSTOMER_FIELDS, TABLE_FIELDS, TABLE_OPTIONAL_FIELDS } from '../../core/fields.js';
import type { Context } from '../context.js';
import { addFilterOptions, type FilterFlags, filterFromFlags, FORMATS, type Format } from '../options.js';
import { chooseColumns } from '../render/render.js';
import { namedCustomers, plural, runBulk } from './selection.js';

type DeleteFlags = FilterFlags & { all?: boolean; dryRun?: boolean; yes?: boolean; json?: boolean; format?: Format; fields?: string; raw?: boolean };

export function registerDeleteCommand(program: Command, ctx: Context): void {
  const cmd = program
    .command('delete')
    .description('delete customers by REF or by filters (confirms on a terminal; --yes elsewhere)')
    .argument('[refs...]', 'customer ids or e-mails')
    .addHelpText(
      'after',
      '\nFilters alone need at least one filter, or --all. --dry-run lists the customers it would delete.\n\nExamples:\n  customers delete alice@example.com --yes\n  customers delete --tag test --created-before 2026-01-01 --dry-run\n  customers delete --all --yes',
    );
  addFilterOptions(cmd)
    .option('--all', 'select every customer (when no REF or filter is given)')
    .option('--dry-run', 'list the customers that would be deleted; change nothing')
    .addOption(new Option('--format <format>', 'with --dry-run: how to list them').choices(FORMATS))
    .option('--fields <list>', 'with --dry-run: comma-separated fields to show')
    .option('--raw', 'with --dry-run and csv/tsv: values exactly as stored, without the formula guard')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print {"selected", "deleted"} as JSON ({"selected", "would_delete", "customers"} with --dry-run)')
    .action(async (refs: string[], flags: DeleteFlags) => {
      const selection = {
        refs, filter: filterFromFlags(flags), all: Boolean(flags.all), dryRun: Boolean(flags.dryRun), yes: Boolean(flags.yes), json: Boolean(flags.json),
        format: flags.format, raw: flags.raw,
      };
      await runBulk(ctx, selection, {
        confirmRefs: true,
        question: (count, store, filter) => `Delete ${plural(count, 'customer')} (${namedCustomers(store.db, filter, count)})?`,
        apply: (store, filter, dryRun) => deleteCustomers(store, filter, { dryRun, now: ctx.io.now(), crashAfterRows: crashPointFrom(ctx.io.env) }),
        listing: (store, filter, _result, format) => {
          const columns = chooseColumns(CUSTOMER_FIELDS, flags.fields, format === 'table' ? TABLE_FIELDS : undefined);
          return { rows: listCustomers(store.db, { filter, fields: columns }), columns, optional: flags.fields === undefined ? TABLE_OPTIONAL_FIELDS : undefined, key: 'customers' };
        },
        jsonKeys: { done: 'deleted', would: 'would_delete' },
        none: 'No customers match; nothing was deleted.',
        would: (r) => `Would delete ${plural(r.changed, 'customer')} (dry run: nothing was changed).`,
        did: (r) => `Deleted ${plural(r.changed, 'customer')}.`,
      });
    });
}
