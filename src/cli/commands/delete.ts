/** delete: one or many customers, confirmed. */
import type { Command } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import { deleteCustomers } from '../../core/bulk.js';
import type { Context } from '../context.js';
import { addFilterOptions, type FilterFlags, filterFromFlags } from '../options.js';
import { plural, runBulk } from './selection.js';

type DeleteFlags = FilterFlags & { all?: boolean; dryRun?: boolean; yes?: boolean; json?: boolean };

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
    .action(async (refs: string[], flags: DeleteFlags) => {
      const selection = {
        refs, filter: filterFromFlags(flags), all: Boolean(flags.all), dryRun: Boolean(flags.dryRun), yes: Boolean(flags.yes), json: Boolean(flags.json),
      };
      await runBulk(ctx, selection, {
        confirmRefs: true,
        question: (count) => `Delete ${plural(count, 'customer')}?`,
        apply: (store, filter, dryRun) => deleteCustomers(store, filter, { dryRun, crashAfterRows: crashPointFrom(ctx.io.env) }),
        jsonKey: 'deleted',
        none: 'No customers match; nothing was deleted.',
        would: (r) => `Would delete ${plural(r.changed, 'customer')} (dry run: nothing was changed).`,
        did: (r) => `Deleted ${plural(r.changed, 'customer')}.`,
      });
    });
}
