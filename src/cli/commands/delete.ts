/** delete: one or many customers, confirmed. */
import type { Command } from 'commander';
import { deleteCustomers } from '../../core/bulk.js';
import { countCustomers } from '../../core/customers.js';
import type { Context } from '../context.js';
import { addFilterOptions, filterFromOptions } from '../options.js';
import { confirmOrCancel } from '../prompts.js';
import { buildSelection, plural } from './selection.js';

export function registerDeleteCommand(program: Command, ctx: Context): void {
  const cmd = program
    .command('delete')
    .description('delete customers by REF or by filters (confirms on a terminal; --yes elsewhere)')
    .argument('[refs...]', 'customer ids or e-mails')
    .addHelpText(
      'after',
      '\nFilters alone need at least one filter, or --all.\n\nExamples:\n  customers delete alice@example.com --yes\n  customers delete --tag test --created-before 2026-01-01 --dry-run\n  customers delete --all --yes',
    );
  addFilterOptions(cmd)
    .option('--all', 'select every customer (when no REF or filter is given)')
    .option('--dry-run', 'say how many would be deleted; change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print {"selected", "deleted"} as JSON on stdout')
    .action(async (refs: string[], opts) => {
      const store = await ctx.store({ create: false });
      const selection = buildSelection(store.db, filterFromOptions(opts), refs.map((ref) => ({ ref, where: ref })), { all: opts.all });
      const count = countCustomers(store.db, selection.filter);
      if (count > 0 && !opts.dryRun) await confirmOrCancel(ctx, `Delete ${plural(count, 'customer')}?`, opts.yes);
      const result = count === 0 ? { selected: 0, changed: 0 } : deleteCustomers(store, selection.filter, { dryRun: Boolean(opts.dryRun) });
      if (opts.json) ctx.io.stdout.write(JSON.stringify({ selected: result.selected, deleted: result.changed, dry_run: Boolean(opts.dryRun) }) + '\n');
      if (result.selected === 0) ctx.say('No customers match; nothing was deleted.');
      else if (opts.dryRun) ctx.say(`Would delete ${plural(result.changed, 'customer')} (dry run: nothing was changed).`);
      else ctx.say(`Deleted ${plural(result.changed, 'customer')}.`);
    });
}
