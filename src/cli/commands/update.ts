/** update: one change applied to a selection of customers, in one transaction. */
import type { Command } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import { UsageError } from '../../common/errors.js';
import { type BulkChanges, updateCustomers } from '../../core/bulk.js';
import { normalizeGroupName, normalizeTag } from '../../core/values.js';
import type { Context } from '../context.js';
import { addFilterOptions, existingTag, type FilterFlag, type FilterFlags, filterFromFlags, parseGroupArg, parseLangArg } from '../options.js';
import { exclusive, parser, repeatable } from '../usage.js';
import { plural, runBulk, type SelectionOptions } from './selection.js';

/** Fields update sets; as filters they are left out here (select by them with `list ... --format ids | update --from-file -`). */
const SETTERS: readonly FilterFlag[] = ['no-group', 'tax-exempt', 'accepts-marketing', 'lang'];

interface UpdateFlags extends Omit<FilterFlags, 'group' | 'lang'> {
  fromFile?: string;
  all?: boolean;
  setGroup?: string;
  taxId?: string;
  lang?: string;
  addTag?: string[];
  removeTag?: string[];
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

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
    .option('--remove-tag <tag>', 'remove a tag (repeatable)', repeatable(existingTag))
    .option('--dry-run', 'say how many would change; change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print {"selected", "changed"} as JSON on stdout')
    .action(async (refs: string[], flags: UpdateFlags) => {
      exclusive({ '--set-group': flags.setGroup !== undefined, '--no-group': clearGroup });
      const changes = changesFromFlags(flags, clearGroup);
      const filter = { ...filterFromFlags(flags, SETTERS), ...(groupFilter.length ? { groups: groupFilter.map(normalizeGroupName) } : {}) };
      const selection: SelectionOptions = {
        refs, filter, all: Boolean(flags.all), fromFile: flags.fromFile, dryRun: Boolean(flags.dryRun), yes: Boolean(flags.yes), json: Boolean(flags.json),
      };
      await runBulk(ctx, selection, {
        confirmRefs: false,
        question: (count) => `Update ${plural(count, 'customer')}?`,
        apply: (store, selected, dryRun) => updateCustomers(store, selected, changes, { dryRun, now: ctx.io.now(), crashAfterRows: crashPointFrom(ctx.io.env) }),
        jsonKey: 'changed',
        none: 'No customers match; nothing was changed.',
        would: (r) => `Would change ${plural(r.changed, 'customer')}${unchangedTail(r)} (dry run: nothing was changed).`,
        did: (r) => `Changed ${plural(r.changed, 'customer')}${unchangedTail(r)}.`,
      });
    });
}

function changesFromFlags(flags: UpdateFlags, clearGroup: boolean): BulkChanges {
  const changes: BulkChanges = {
    group: flags.setGroup ?? (clearGroup ? null : undefined),
    tax_exempt: flags.taxExempt,
    tax_id: flags.taxId,
    accepts_marketing: flags.acceptsMarketing,
    lang: flags.lang === undefined ? undefined : flags.lang === '' ? null : flags.lang,
    add_tags: flags.addTag,
    remove_tags: flags.removeTag,
  };
  if (Object.values(changes).every((v) => v === undefined)) {
    throw new UsageError('nothing to change: give --set-group, --no-group, --tax-exempt, --tax-id, --accepts-marketing, --lang, --add-tag or --remove-tag');
  }
  return changes;
}

function unchangedTail(result: { selected: number; changed: number }): string {
  const unchanged = result.selected - result.changed;
  return unchanged ? ` (${plural(unchanged, 'other')} already had these values)` : '';
}
