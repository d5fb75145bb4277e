/** groups list | create | rename | delete */
import type { Command } from 'commander';
import { foldCase } from '../../common/fold.js';
import { groupMemberCount } from '../../core/groups.js';
import { normalizeGroupName } from '../../core/values.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addOutputOptions, type OutputFlags } from '../options.js';
import { confirmOrCancel } from '../prompts.js';
import { chooseColumns, chooseFormat, type Column, renderItems, renderRecord } from '../render/render.js';
import { asUsageError } from '../usage.js';
import { plural } from './selection.js';

const GROUP_COLUMNS: readonly Column[] = [
  { name: 'name', type: 'text' },
  { name: 'customers', type: 'int' },
  { name: 'created_at', type: 'timestamp' },
];

export function registerGroupCommands(program: Command, ctx: Context): void {
  const groups = program
    .command('groups')
    .description('customer groups: list, create, rename, delete')
    .addHelpText('after', '\nExamples:\n  customers groups create Wholesale\n  customers groups rename Wholesale B2B\n  customers groups list --json');

  addOutputOptions(groups.command('list').description('list groups with their member counts')
    .addHelpText('after', examples('customers groups list', 'customers groups list --json')), ['table', 'json', 'jsonl', 'csv', 'tsv', 'count']).action(
    async (flags: OutputFlags) => {
      const api = await ctx.api({ create: false });
      const format = chooseFormat(ctx, flags);
      await renderItems(ctx, api.groups.list(), { format, columns: chooseColumns(GROUP_COLUMNS, flags.fields), limited: true, raw: flags.raw });
    },
  );

  groups
    .command('create')
    .description('create a group')
    .addHelpText('after', examples('customers groups create Wholesale', 'customers groups create "VIP customers"'))
    .argument('<name>', 'group name (unique, ignoring case)')
    .option('--if-missing', 'a group of that name existing already is no error (exit 0, nothing changed)')
    .option('--json', 'print the group as JSON, as groups list --json does')
    .action(async (name: string, flags: { ifMissing?: boolean; json?: boolean }) => {
      asUsageError(() => normalizeGroupName(name)); // a bad name must not create a store
      const api = await ctx.api({ create: true });
      const { name: created, created: isNew } = api.groups.create(name, { ifMissing: flags.ifMissing });
      // The group as stored: an existing one keeps its own spelling ("VIP" when "vip" was asked for).
      const group = api.groups.list().find((g) => foldCase(g.name) === foldCase(created))!;
      ctx.say(isNew ? `Created group "${group.name}".` : `Group "${group.name}" exists already; nothing changed.`);
      if (flags.json) await renderRecord(ctx, group, GROUP_COLUMNS, { json: true });
    });

  groups
    .command('rename')
    .description('rename a group; its members stay in it')
    .addHelpText('after', examples('customers groups rename Wholesale B2B', 'customers groups rename vip VIP'))
    .argument('<old>', 'current name')
    .argument('<new>', 'new name')
    .action(async (oldName: string, newName: string) => {
      asUsageError(() => normalizeGroupName(newName));
      const api = await ctx.api({ create: false });
      const { from, to } = api.groups.rename(oldName, newName);
      ctx.say(`Renamed group "${from}" to "${to}".`);
    });

  groups
    .command('delete')
    .description('delete a group; its members stay, without a group')
    .addHelpText('after', examples('customers groups delete Wholesale', 'customers groups delete Test --yes'))
    .argument('<name>', 'group name')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (name: string, flags: { yes?: boolean }) => {
      const api = await ctx.api({ create: false });
      const members = groupMemberCount(api.store.db, name);
      await confirmOrCancel(ctx, `Delete group "${name.trim()}" (${plural(members, 'member')} will have no group)?`, flags.yes);
      const result = api.groups.delete(name);
      ctx.say(`Deleted group "${result.name}"; ${plural(result.members, 'customer')} now ${result.members === 1 ? 'has' : 'have'} no group.`);
    });
}
