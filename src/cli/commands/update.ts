/** update: one change applied to a selection of customers, in one transaction. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import { UsageError } from '../../common/errors.js';
import { foldCase } from '../../common/fold.js';
import { type BulkChanges, checkChanges, describeChanges, type FieldSetting, fieldSetting, updateCustomers } from '../../core/bulk.js';
import { normalizeTag } from '../../core/values.js';
import type { CustomerFilter } from '../../core/filters.js';
import type { Store } from '../../store/open.js';
import type { Context } from '../context.js';
import { addFilterOptions, existingTag, type FilterFlags, filterFromFlags, FORMATS, type Format } from '../options.js';
import { parser, repeatable } from '../usage.js';
import { plural, runBulk, type SelectionOptions } from './selection.js';

interface UpdateFlags extends FilterFlags {
  fromFile?: string;
  all?: boolean;
  set?: FieldSetting[];
  addTag?: string[];
  removeTag?: string[];
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  format?: Format;
  raw?: boolean;
}

const CHANGE_COLUMNS = [
  { name: 'id', type: 'int' },
  { name: 'email', type: 'text' },
  { name: 'field', type: 'text' },
  { name: 'before', type: 'text' },
  { name: 'after', type: 'text' },
] as const;

/** FIELD=VALUE of --set, read at once: a bad field or value is a usage error before the store is opened. */
const parseSetting = parser((raw: string): FieldSetting => {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes FIELD=VALUE (e.g. --set group=Wholesale, --set phone= to clear it); got "${raw}"`);
  return fieldSetting(raw.slice(0, eq), raw.slice(eq + 1));
});

export function registerUpdateCommand(program: Command, ctx: Context): void {
  const cmd = program
    .command('update')
    .description('change fields or tags of many customers at once (--set FIELD=VALUE, --add-tag, --remove-tag)')
    .argument('[refs...]', 'customer ids or e-mails')
    .addHelpText(
      'after',
      `
Filters select, exactly as in list; only --set, --add-tag and --remove-tag change anything.
A selection by filters or --from-file confirms on a terminal, saying what will change (--yes elsewhere);
REFs alone do not. --dry-run lists each change (id, email, field, before, after) and changes nothing.

Examples:
  customers update --country BE --min-orders 5 --set group=Wholesale --dry-run
  customers update alice@example.com bob@example.com --set tax_exempt=yes --set tax_id=BE0123456789
  customers update --group Retail --no-accepts-marketing --add-tag no-consent --yes`,
    );
  addFilterOptions(cmd)
    .option('--from-file <file>', 'also select the REFs in FILE, one a line (- for standard input)')
    .option('--all', 'select every customer (when no REF or filter is given)')
    .option('--set <field=value>', 'set a field (repeatable): group=NAME, tax_exempt=yes, lang=fr, phone= (empty clears it)', repeatable(parseSetting))
    .option('--add-tag <tag>', 'add a tag (repeatable)', repeatable(normalizeTag))
    .option('--remove-tag <tag>', 'remove a tag (repeatable)', repeatable(existingTag))
    .option('--dry-run', 'list what would change; change nothing')
    .addOption(new Option('--format <format>', 'with --dry-run: how to list the changes (count: how many customers)').choices(FORMATS))
    .option('--raw', 'with --dry-run and csv/tsv: values exactly as stored, without the formula guard')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print {"selected", "changed"} as JSON ({"selected", "would_change", "changes"} with --dry-run)')
    .action(async (refs: string[], flags: UpdateFlags) => {
      const changes = changesFromFlags(flags);
      const selection: SelectionOptions = {
        refs, filter: filterFromFlags(flags), all: Boolean(flags.all), fromFile: flags.fromFile,
        dryRun: Boolean(flags.dryRun), yes: Boolean(flags.yes), json: Boolean(flags.json), format: flags.format, raw: flags.raw,
      };
      // A dry run lists what it would change; the count before the question needs no list.
      const update = (store: Store, filter: CustomerFilter, dryRun: boolean, listChanges: boolean) =>
        updateCustomers(store, filter, changes, { dryRun, listChanges, now: ctx.io.now(), crashAfterRows: crashPointFrom(ctx.io.env) });
      const said = describeChanges(changes);
      await runBulk(ctx, selection, {
        confirmRefs: false,
        check: (db, selected) => checkChanges(db, changes, selected),
        preview: (store, filter) => update(store, filter, true, false).changed,
        question: (count) => `${sentence(said)} on ${plural(count, 'customer')}?`,
        apply: (store, filter, dryRun) => update(store, filter, dryRun, dryRun),
        listing: (_store, _filter, result) => ({ rows: result.changes ?? [], columns: CHANGE_COLUMNS, key: 'changes' }),
        jsonKeys: { done: 'changed', would: 'would_change' },
        none: 'No customers match; nothing was changed.',
        unchanged: (selected) => `No change: ${selected === 1 ? 'the customer selected already has' : `the ${plural(selected, 'customer')} selected already have`} these values.`,
        would: (r) => `Would change ${plural(r.changed, 'customer')} (${[unchanged(r), 'dry run: nothing was changed'].filter(Boolean).join('; ')}).`,
        did: (r) => `Changed ${plural(r.changed, 'customer')}${unchangedTail(r)}.`,
      });
    });
}

function changesFromFlags(flags: UpdateFlags): BulkChanges {
  const changes: BulkChanges = { set: flags.set ?? [], addTags: flags.addTag ?? [], removeTags: flags.removeTag ?? [] };
  if (!changes.set.length && !changes.addTags.length && !changes.removeTags.length) {
    throw new UsageError('nothing to change: give --set FIELD=VALUE, --add-tag TAG or --remove-tag TAG', [
      'Filters such as --accepts-marketing only select customers here, as in list.',
    ]);
  }
  const fields = changes.set.map((s) => s.field.name);
  const twice = fields.find((f, i) => fields.indexOf(f) !== i);
  if (twice) throw new UsageError(`--set ${twice}=... is given twice; give each field once`);
  const both = changes.addTags.find((t) => changes.removeTags.some((r) => foldCase(r) === foldCase(t)));
  if (both) throw new UsageError(`tag "${both}" is both added and removed; give one of --add-tag and --remove-tag`);
  return changes;
}

/** "Set group to "Wholesale" and add tag "b2b"". */
function sentence(parts: string[]): string {
  const text = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unchanged(result: { selected: number; changed: number }): string {
  const others = result.selected - result.changed;
  return others ? `${plural(others, 'other')} already had these values` : '';
}

function unchangedTail(result: { selected: number; changed: number }): string {
  const said = unchanged(result);
  return said ? ` (${said})` : '';
}
