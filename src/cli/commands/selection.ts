/**
 * What the bulk commands (update, delete) share: the selection (REFs, --from-file, filters or --all), its
 * count, the confirmation that says what will be done, the dry run's listing and the report.
 */
import { createReadStream } from 'node:fs';
import { CustomersError, NotFoundError, UsageError, ValidationError } from '../../common/errors.js';
import type { BulkResult } from '../../core/bulk.js';
import { shown } from '../../common/shown.js';
import { countCustomers, listCustomers, resolveRef } from '../../core/customers.js';
import { CUSTOMER_FIELDS, type Item } from '../../core/fields.js';
import { type CustomerFilter, hasFieldFilter } from '../../core/filters.js';
import type { Db, Store } from '../../store/open.js';
import type { Context } from '../context.js';
import { describeFsError } from '../../common/fs-errors.js';
import type { Format } from '../options.js';
import { confirmOrCancel } from '../prompts.js';
import type { Column } from '../render/columns.js';
import { chooseFormat, renderItems } from '../render/render.js';
import { exclusive } from '../usage.js';

export interface Selection {
  filter: CustomerFilter;
  /** True when only explicit REFs chose the customers (update then needs no confirmation). */
  refsOnly: boolean;
}

type Ref = { ref: string; where: string };

/** Resolves every REF; unknown ones are reported together (up to a few), with where they came from. */
function resolveRefs(db: Db, refs: Ref[]): number[] {
  const ids = new Set<number>();
  const problems: string[] = [];
  for (const { ref, where } of refs) {
    try {
      ids.add(resolveRef(db, ref));
    } catch (error) {
      if (!(error instanceof CustomersError)) throw error;
      // A REF that is neither an id nor an e-mail keeps its hint (the search to run for a name).
      const hint = error instanceof ValidationError && error.details.length ? `; ${error.details.join('; ')}` : '';
      problems.push(`${where}: ${error.message}${hint}`);
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 10);
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
    throw new NotFoundError(`${problems.length} customer reference${problems.length > 1 ? 's' : ''} not found; nothing was changed`, shown);
  }
  return [...ids];
}

/** Most bytes a file of REFs may hold: millions of ids or e-mails; /dev/zero must not fill the memory. */
export const REF_FILE_MAX = 64 * 1024 * 1024;

/** Reads REFs one a line (as `customers list --format ids` prints them); `-` is standard input. */
export async function readRefFile(ctx: Context, file: string): Promise<Ref[]> {
  if (file === '-' && ctx.io.stdin.isTTY) throw new UsageError('--from-file - reads REFs from standard input, which is a terminal; pipe them in or name a file');
  const shownName = file === '-' ? 'standard input' : file;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of file === '-' ? ctx.io.stdin : createReadStream(file)) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > REF_FILE_MAX) {
        throw new UsageError(`--from-file: ${shownName} holds more than ${REF_FILE_MAX / 1024 / 1024} MB; a REF file is one id or e-mail a line`, [
          'Split it into smaller files and run the command once for each.',
        ]);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${describeFsError(error)}`);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const name = file === '-' ? 'stdin' : file;
  const refs: Ref[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const ref = line.trim();
    // Blank lines, comments and a header line (from --format tsv or csv) are not REFs.
    if (ref === '' || ref.startsWith('#') || (i === 0 && /^(id|email)$/i.test(ref))) return;
    refs.push({ ref, where: `${name} line ${i + 1}` });
  });
  return refs;
}

export function buildSelection(db: Db, filter: CustomerFilter, refs: Ref[], options: { all?: boolean; fromFile?: boolean }): Selection {
  const fieldFilter = hasFieldFilter(filter);
  if (refs.length === 0 && !fieldFilter && !options.all) {
    if (options.fromFile) return { filter: { ...filter, ids: [] }, refsOnly: false };
    throw new UsageError('no customers selected: give REFs (ids or e-mails), at least one filter, or --all');
  }
  if (refs.length === 0) return { filter, refsOnly: false };
  return { filter: { ...filter, ids: resolveRefs(db, refs) }, refsOnly: !fieldFilter && !options.fromFile };
}

/** The selection flags every bulk command has. */
export interface SelectionOptions {
  refs: string[];
  filter: CustomerFilter;
  all: boolean;
  /** A file of REFs, one a line (- for standard input). */
  fromFile?: string;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  /** The format of a dry run's listing. */
  format?: Format;
  raw?: boolean;
}

/** A dry run's listing: what would change, row by row, and the key that holds the rows in --json. */
export interface DryRunListing {
  rows: Iterable<Item>;
  columns: readonly Column[];
  /** Columns a table shows only where the terminal is wide enough. */
  optional?: ReadonlySet<string>;
  key: string;
}

export interface BulkAction {
  /** Explicit REFs alone need a confirmation too (delete), or not (update). */
  confirmRefs: boolean;
  /** Checks the change before anything is asked (update: the group exists, an e-mail for one customer). */
  check?: (db: Db, selected: number) => void;
  /** How many selected customers the change would really change, to ask about them; absent: all selected. */
  preview?: (store: Store, filter: CustomerFilter) => number;
  question: (count: number, store: Store, filter: CustomerFilter) => string;
  apply: (store: Store, filter: CustomerFilter, dryRun: boolean) => BulkResult;
  listing: (store: Store, filter: CustomerFilter, result: BulkResult, format: Format) => DryRunListing;
  /** The keys of the count in --json: done ("deleted") and in a dry run ("would_delete"). */
  jsonKeys: { done: string; would: string };
  /** What is said: nobody selected, nobody would change, a dry run, the change done. */
  none: string;
  /** Selected customers the change leaves as they are (update); absent: said as `none`. */
  unchanged?: (selected: number) => string;
  would: (result: BulkResult) => string;
  did: (result: BulkResult) => string;
}

/** Select -> count -> check -> confirm (saying what) -> apply, or list what a dry run would do -> report. */
export async function runBulk(ctx: Context, options: SelectionOptions, action: BulkAction): Promise<BulkResult> {
  if (!options.dryRun && options.format !== undefined) throw new UsageError('--format lists what a dry run would do; add --dry-run');
  exclusive({ '--json': options.json, '--format': options.format !== undefined });
  const unchanged = (selected: number) => action.unchanged?.(selected) ?? action.none;
  const refs: Ref[] = options.refs.map((ref) => ({ ref, where: ref }));
  if (options.fromFile !== undefined) refs.push(...(await readRefFile(ctx, options.fromFile)));
  const store = await ctx.store({ create: false, dryRun: options.dryRun });
  const selection = buildSelection(store.db, options.filter, refs, { all: options.all, fromFile: options.fromFile !== undefined });
  const count = countCustomers(store.db, selection.filter);
  const report = (result: BulkResult, message: string) => {
    if (options.json) ctx.io.stdout.write(JSON.stringify({ selected: result.selected, [action.jsonKeys.done]: result.changed, dry_run: false }) + '\n');
    ctx.say(message);
    return result;
  };
  if (count === 0 && !options.dryRun) return report({ selected: 0, changed: 0 }, action.none);
  action.check?.(store.db, count);
  if (count > 0 && !options.dryRun && (action.confirmRefs || !selection.refsOnly)) {
    const affected = action.preview ? action.preview(store, selection.filter) : count;
    if (affected === 0) return report({ selected: count, changed: 0 }, unchanged(count));
    await confirmOrCancel(ctx, action.question(affected, store, selection.filter), options.yes);
  }
  const result = action.apply(store, selection.filter, options.dryRun);
  if (!options.dryRun) return report(result, result.changed === 0 && result.selected > 0 ? unchanged(result.selected) : action.did(result));
  const format = options.json ? 'json' : chooseFormat(ctx, { format: options.format });
  const listing = action.listing(store, selection.filter, result, format);
  if (options.json) {
    const json = { selected: result.selected, [action.jsonKeys.would]: result.changed, dry_run: true, [listing.key]: [...listing.rows] };
    ctx.io.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else if (format === 'count') {
    ctx.io.stdout.write(`${result.changed}\n`);
  } else {
    await renderItems(ctx, listing.rows, { format, columns: listing.columns, optional: listing.optional, limited: true, raw: options.raw });
  }
  ctx.say(result.selected === 0 ? action.none : result.changed === 0 ? unchanged(result.selected) : action.would(result));
  return result;
}

/** "42, alice@example.com": a customer as a confirmation names it (its e-mail, else its name, phone or company). */
export function namedCustomers(db: Db, filter: CustomerFilter, count: number, max = 3): string {
  const fields = CUSTOMER_FIELDS.filter((f) => ['id', 'email', 'name', 'phone', 'company'].includes(f.name));
  const named = [...listCustomers(db, { filter, fields, limit: max })].map((c) => ({ id: c.id as number, label: c.email ?? c.name ?? c.phone ?? c.company }));
  return someNamed(named, count);
}

/** "42, alice@example.com; 43, bob@example.com and 1,202 more": the first few of `count` customers. */
export function someNamed(named: readonly { id: number; label: unknown }[], count: number): string {
  const said = named.map((c) => `${c.id}, ${shown(String(c.label ?? ''))}`);
  const more = count > said.length ? ` and ${(count - said.length).toLocaleString('en-US')} more` : '';
  return said.join('; ') + more;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
