/** db path | check | reindex | backup: where the store is, whether it is sound, a consistent copy of it. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CustomersError, UsageError } from '../../common/errors.js';
import { backupStore, checkStore, reindexStore } from '../../core/maintenance.js';
import { RESTORE_ADVICE } from '../../store/integrity.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { checkNotClobbering, checkOutputFile, checkReplacing, isSpecialFile, removeIfInterrupted } from '../files.js';
import { plural } from './selection.js';

export function registerDbCommands(program: Command, ctx: Context): void {
  const db = program
    .command('db')
    .description('the store file: path, check, reindex, backup')
    .addHelpText('after', '\nThe store is --db PATH, else $CUSTOMERS_DB, else $XDG_DATA_HOME/customers/customers.db\n(~/.local/share/customers/customers.db by default).')
    .addHelpText('after', examples('customers db path', 'customers db check', 'customers db backup store-2026-03-01.db'));

  db.command('path')
    .description('print where the store is (whether or not it exists yet)')
    .addHelpText('after', examples('customers db path', 'customers --db shop.db db path'))
    .action(() => {
      ctx.io.stdout.write(ctx.storePath + '\n');
    });

  db.command('check')
    .description("run SQLite's integrity check and the store's own invariants (exit 1 on a problem)")
    .addHelpText('after', examples('customers db check', 'customers --db shop.db db check'))
    .action(async () => {
      const store = await ctx.store({ create: false });
      const { problems, customers, damaged } = checkStore(store.db);
      if (damaged) throw new CheckFailed(`${store.path} is damaged: SQLite's integrity check reports`, [...problems, RESTORE_ADVICE]);
      if (problems.length) throw new CheckFailed(`${store.path} has ${plural(problems.length, 'problem')}`, problems);
      ctx.io.stdout.write(`ok: ${plural(customers, 'customer')}, no problems found\n`);
    });

  db.command('reindex')
    .description('rebuild the search index from the customers (after another program changed the file)')
    .addHelpText('after', examples('customers db reindex', 'customers --db shop.db db reindex'))
    .action(async () => {
      const store = await ctx.store({ create: false });
      ctx.say(`Rebuilt the search index of ${plural(reindexStore(store, ctx.io.now()), 'customer')}.`);
    });

  db.command('backup')
    .description('write a consistent copy of the store, even while other commands write to it')
    .addHelpText('after', examples('customers db backup store-2026-03-01.db', 'customers --db shop.db db backup /backups/shop.db'))
    .argument('<file>', 'where to write the copy (a new file, unless --force)')
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, flags: { force?: boolean }) => {
      const target = resolve(file);
      checkOutputFile(file);
      // The copy is renamed into place: never over a FIFO or a device, nor over the store itself.
      if (isSpecialFile(file)) throw new UsageError(`cannot write ${file}: it is not a regular file, and a backup is renamed into place; name a file`);
      checkNotClobbering(file, [{ path: ctx.storePath, what: 'the store' }]);
      checkReplacing(file, flags.force);
      const store = await ctx.store({ create: false });
      await backupStore(store, target, removeIfInterrupted, { replace: flags.force });
      ctx.say(`Backed up ${store.path} to ${target}.`);
    });
}

/** The store has problems (exit 1); they are the details. */
class CheckFailed extends CustomersError {}
