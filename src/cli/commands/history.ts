/** history [--limit N] | history show OP | history prune --older-than D | undo [OP]: what was done, and taking it back. */
import type { Command } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import {
  describeOperation, type HistoryEntry, historyEntry, inEffect, listHistory, parseOperation, pruneHistory, touchedCustomers,
} from '../../core/history.js';
import type { UndoResult } from '../../core/undo.js';
import { parseDuration } from '../../core/values.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addOutputOptions, type OutputFlags, parseCountArg } from '../options.js';
import { chooseColumns, chooseFormat, type Column, renderItems } from '../render/render.js';
import { parser } from '../usage.js';
import { plural } from './selection.js';

const HISTORY_COLUMNS: readonly Column[] = [
  { name: 'op', type: 'int' },
  { name: 'at', type: 'timestamp' },
  { name: 'kind', type: 'text' },
  { name: 'customers', type: 'int' },
  { name: 'status', type: 'text' },
  { name: 'command', type: 'text' },
  { name: 'undoes', type: 'int' },
  { name: 'undone_by', type: 'int' },
  { name: 'reversible', type: 'bool' },
];
const TABLE_COLUMNS = ['op', 'at', 'kind', 'customers', 'status', 'command'];

const TOUCHED_COLUMNS: readonly Column[] = [
  { name: 'customer_id', type: 'int' },
  { name: 'action', type: 'text' },
  { name: 'email', type: 'text' },
];

/**
 * "undone by 14", "undo of 12", "cannot be undone": what `undo` can do with an operation. One undone whose undo
 * was undone in turn is in effect again: "redone by 15". `byId` holds every later operation (listed first).
 */
function status(entry: HistoryEntry, byId: Map<number, HistoryEntry>): string {
  const by = entry.undone_by;
  const undone = by === null ? '' : inEffect(byId, entry.op) ? `redone by ${byId.get(by)?.undone_by}` : `undone by ${by}`;
  return [entry.undoes !== null ? `undo of ${entry.undoes}` : '', undone, entry.reversible ? '' : 'cannot be undone'].filter(Boolean).join(', ');
}

const parseOperationArg = parser(parseOperation);

/** "removed 3 customers it created, changed 2 customers back": what an undo did (or would do). */
function describeUndo(result: UndoResult, dryRun: boolean): string {
  const [removed, restored, changed] = dryRun ? ['remove', 'restore', 'change'] : ['removed', 'restored', 'changed'];
  const done = [
    result.removed ? `${removed} ${plural(result.removed, 'customer')} it created` : '',
    result.restored ? `${restored} ${plural(result.restored, 'customer')} it deleted` : '',
    result.changed ? `${changed} ${plural(result.changed, 'customer')} back` : '',
    result.orders.removed ? `${removed} ${plural(result.orders.removed, 'order')} it recorded` : '',
    result.orders.restored ? `${restored} ${plural(result.orders.restored, 'order')} it deleted` : '',
    result.groups ? `put ${plural(result.groups, 'group')} back as ${result.groups === 1 ? 'it was' : 'they were'}` : '',
    result.settings ? `put ${plural(result.settings, 'setting')} back as ${result.settings === 1 ? 'it was' : 'they were'}` : '',
  ].filter(Boolean).join(', ') || 'nothing to change';
  const groups = result.keptGroups;
  const kept = groups.length ? `; group${groups.length === 1 ? '' : 's'} ${groups.map((g) => `"${g}"`).join(', ')} it created ${dryRun ? 'would stay' : 'stayed'}: customers are in ${groups.length === 1 ? 'it' : 'them'} now` : '';
  return done + kept;
}

export function registerHistoryCommands(program: Command, ctx: Context): void {
  const history = program
    .command('history')
    .description('list the operations that changed the store, latest first (each can be undone)')
    .addHelpText('after', `
Every command that changes the store records an operation: what it was, when, the command line (passwords
and login tokens left out), how many customers it touched, and what undo needs to reverse it. Operations
older than history.keep (default 90d) are pruned.

Examples:
  customers history --limit 10
  customers history show 12
  customers undo            # reverses the latest operation`);
  // The listing is the default subcommand: "history --json" and "history show 12 --json" each get their own flags.
  const list = history
    .command('list', { isDefault: true })
    .description('list the operations, latest first (the default: customers history)')
    .addHelpText('after', examples('customers history list --limit 5', 'customers history list --json'))
    .option('--limit <n>', 'only the latest N operations', parseCountArg('--limit'));
  addOutputOptions(list, ['table', 'json', 'jsonl', 'csv', 'tsv', 'count']).action(async (flags: OutputFlags & { limit?: number }) => {
    const store = await ctx.store({ create: false });
    const format = chooseFormat(ctx, flags);
    const entries = listHistory(store.db, flags.limit);
    const byId = new Map(entries.map((e) => [e.op, e]));
    const rows = entries.map((e) => ({ ...e, status: status(e, byId) }));
    const columns = chooseColumns(HISTORY_COLUMNS, flags.fields, format === 'table' ? TABLE_COLUMNS : undefined);
    await renderItems(ctx, rows, { format, columns, limited: true, raw: flags.raw });
  });

  addOutputOptions(
    history.command('show').description('list the customers an operation touched: created, changed, deleted or restored').addHelpText('after', examples('customers history show 12', 'customers history show 12 --json')).argument('<op>', 'operation number (see customers history)', parseOperationArg),
    ['table', 'json', 'jsonl', 'csv', 'tsv', 'ids', 'count'],
  ).action(async (op: number, flags: OutputFlags) => {
    const store = await ctx.store({ create: false });
    const entry = historyEntry(store.db, op);
    ctx.say(`${describeOperation(entry)}: ${entry.command}`);
    const rows = touchedCustomers(store.db, op);
    const items = (function* () {
      for (const row of rows) yield { ...row, id: row.customer_id };
    })();
    await renderItems(ctx, items, { format: chooseFormat(ctx, flags), columns: chooseColumns(TOUCHED_COLUMNS, flags.fields), raw: flags.raw, total: () => entry.customers });
  });

  registerPrune(history, ctx);
  registerUndo(program, ctx);
}

function registerPrune(history: Command, ctx: Context): void {
  history
    .command('prune')
    .description('remove operations older than a duration from the history (they can no longer be undone)')
    .addHelpText('after', examples('customers history prune --older-than 90d', 'customers history prune --older-than 2w'))
    .requiredOption('--older-than <duration>', 'age of the operations to remove: 12h, 30d, 2w, 1d12h', parser(parseDuration))
    .action(async (flags: { olderThan: number }) => {
      const store = await ctx.store({ create: false });
      ctx.say(`Pruned ${plural(pruneHistory(store, flags.olderThan, ctx.io.now()), 'operation')} from the history.`);
    });
}

function registerUndo(program: Command, ctx: Context): void {
  program
    .command('undo')
    .description('reverse the latest operation, or the one named (an undo is recorded too: undo it to redo)')
    .argument('[op]', 'operation number (see customers history); default: the latest that can be undone', parseOperationArg)
    .option('--dry-run', 'say what the undo would do; change nothing')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
An import's new customers are removed and those it updated restored; deleted customers come back with
their ids, tags, group and login links; updates, edits, group renames and deletes and settings are put
back. Refused (exit 1, nothing changed) while a later operation touched the same customers: undo that
one first. Login-link operations and db reindex are recorded but cannot be undone.

Examples:
  customers undo --dry-run
  customers undo 12 --json`)
    .action(async (op: number | undefined, flags: { dryRun?: boolean; json?: boolean }) => {
      const { undoOperation } = await import('../../core/undo.js');
      const store = await ctx.store({ create: false, dryRun: flags.dryRun });
      const result = undoOperation(store, op, { now: ctx.io.now(), dryRun: flags.dryRun, crashAfterRows: crashPointFrom(ctx.io.env) });
      if (flags.json) {
        const { undone, ...rest } = result;
        ctx.io.stdout.write(JSON.stringify({ undone: undone.op, kind: undone.kind, ...rest, op: result.op ?? null, dry_run: Boolean(flags.dryRun) }, null, 2) + '\n');
      }
      if (flags.dryRun) ctx.say(`Would undo ${describeOperation(result.undone)}: ${describeUndo(result, true)} (dry run: nothing was changed).`);
      else ctx.say(`Undid ${describeOperation(result.undone)}: ${describeUndo(result, false)}. Recorded as operation ${result.op}: customers undo ${result.op} does it again.`);
    });
}
