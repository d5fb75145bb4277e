/** update: one change applied to a selection of customers, in one transaction. */
import type { Command } from 'commander';
import { type BulkChanges, updateCustomers } from '../../core/bulk.js';
import { countCustomers } from '../../core/customers.js';
import { UsageError } from '../../common/errors.js';
import { normalizeGroupName, normalizeTag } from '../../core/values.js';
import type { Context } from '../context.js';
import { addFilterOptions, type FilterFlag, filterFromOptions, parseGroupArg, parseLangArg, parser, repeatable } from '../options.js';
import { confirmOrCancel } from '../prompts.js';
import { buildSelection, plural, readRefFile } from './selection.js';

/** Fields update sets; as filters they are left out here (select by them with `list ... --format ids | update --from-file -`). */
const SETTERS: readonly FilterFlag[] = ['no-group', 'tax-exempt', 'accepts-marketing', 'lang'];

export function registerUpdateCommand(program: Command, ctx: Context): void {
  const cmd = program
    .command('update')
    .description('change group, tax, marketing, language or tags of many customers at once')
    .argument('[refs...]', 'customer ids or e-mails')
    .addHelpText(
      'after',
      `
A selection by filters or --from-file confirms on a terminal (--yes elsewhere); REFs alone do not.
--no-group, --tax-exempt, --accepts-marketing and --lang set values here; to select by them, pipe a listing:
  customers list --lang fr --format ids | customers update --from-file - --add-tag francophone --yes

Examples:
  customers update --country BE --min-orders 5 --set-group Wholesale --yes
  customers update alice@example.com bob@example.com --tax-exempt --tax-id BE0123456789
  customers update --group Retail --set-group Wholesale --dry-run`,
    );
  // --group (a filter) and --no-group (a setter) share commander's attribute name, so both are read from events.
  const groupFilter: string[] = [];
  let clearGroup = false;
  cmd.on('option:group', (value: string) => groupFilter.push(value)); // commander's own listener validates it
  cmd.on('option:no-group', () => {
    clearGroup = true;
  });
  addFilterOptions(cmd, SETTERS)
    .option('--from-file <file>', 'also select the REFs in FILE, one a line (- for standard input)')
    .option('--all', 'select every customer (when no REF or filter is given)')
    .option('--set-group <name>', 'put them in this group', parseGroupArg)
    .option('--no-group', 'take them out of their group')
    .option('--tax-exempt', 'make them tax-exempt')
    .option('--no-tax-exempt', 'make them pay tax')
    .option('--tax-id <id>', 'set the tax id ("" clears it)')
    .option('--accepts-marketing', 'record consent to marketing e-mails')
    .option('--no-accepts-marketing', 'record that they do not consent')
    .option('--lang <code>', 'set the language ("" clears it)', parser((raw) => (raw.trim() === '' ? '' : parseLangArg(raw))))
    .option('--add-tag <tag>', 'add a tag (repeatable)', repeatable(normalizeTag))
    .option('--remove-tag <tag>', 'remove a tag (repeatable)', repeatable(normalizeTag))
    .option('--dry-run', 'say how many would change; change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print {"selected", "changed"} as JSON on stdout')
    .action(async (refs: string[], opts) => {
      if (opts.setGroup !== undefined && clearGroup) throw new UsageError('--set-group and --no-group contradict each other; give one');
      const changes: BulkChanges = {
        group: opts.setGroup ?? (clearGroup ? null : undefined),
        tax_exempt: opts.taxExempt,
        tax_id: opts.taxId,
        accepts_marketing: opts.acceptsMarketing,
        lang: opts.lang === undefined ? undefined : opts.lang === '' ? null : opts.lang,
        add_tags: opts.addTag,
        remove_tags: opts.removeTag,
      };
      if (Object.values(changes).every((v) => v === undefined)) {
        throw new UsageError('nothing to change: give --set-group, --no-group, --tax-exempt, --tax-id, --accepts-marketing, --lang, --add-tag or --remove-tag');
      }
      const refList = refs.map((ref) => ({ ref, where: ref }));
      if (opts.fromFile !== undefined) refList.push(...(await readRefFile(ctx, opts.fromFile)));
      const store = await ctx.store({ create: false });
      const filter = { ...filterFromOptions(opts, SETTERS), ...(groupFilter.length ? { groups: groupFilter.map(normalizeGroupName) } : {}) };
      const selection = buildSelection(store.db, filter, refList, { all: opts.all, fromFile: opts.fromFile !== undefined });
      const count = countCustomers(store.db, selection.filter);
      if (count > 0 && !opts.dryRun && !selection.refsOnly) await confirmOrCancel(ctx, `Update ${plural(count, 'customer')}?`, opts.yes);
      const result = count === 0 ? { selected: 0, changed: 0 } : updateCustomers(store, selection.filter, changes, { dryRun: Boolean(opts.dryRun), now: ctx.io.now() });
      if (opts.json) ctx.io.stdout.write(JSON.stringify({ ...result, dry_run: Boolean(opts.dryRun) }) + '\n');
      const unchanged = result.selected - result.changed;
      const tail = unchanged ? ` (${plural(unchanged, 'other')} already had these values)` : '';
      if (result.selected === 0) ctx.say('No customers match; nothing was changed.');
      else if (opts.dryRun) ctx.say(`Would change ${plural(result.changed, 'customer')}${tail} (dry run: nothing was changed).`);
      else ctx.say(`Changed ${plural(result.changed, 'customer')}${tail}.`);
    });
}
