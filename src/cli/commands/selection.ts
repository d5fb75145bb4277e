/**
 * What the bulk commands (update, delete) share: the selection (REFs, --from-file, filters or --all), its
 * count, the confirmation, the dry run and the report.
 */
import { readFileSync } from 'node:fs';
import { CustomersError, NotFoundError, UsageError } from '../../common/errors.js';
import type { BulkResult } from '../../core/bulk.js';
import { countCustomers, resolveRef } from '../../core/customers.js';
import { type CustomerFilter, hasFieldFilter } from '../../core/filters.js';
import type { Db, Store } from '../../store/open.js';
import type { Context } from '../context.js';
import { describeFsError } from '../files.js';
import { confirmOrCancel } from '../prompts.js';

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
      problems.push(`${where}: ${error.message}`);
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 10);
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
    throw new NotFoundError(`${problems.length} customer reference${problems.length > 1 ? 's' : ''} not found; nothing was changed`, shown);
  }
  return [...ids];
}

/** Reads REFs one a line (as `customers list --format ids` prints them); `-` is standard input. */
export async function readRefFile(ctx: Context, file: string): Promise<Ref[]> {
  let text: string;
  if (file === '-') {
    if (ctx.io.stdin.isTTY) throw new UsageError('--from-file - reads REFs from standard input, which is a terminal; pipe them in or name a file');
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${describeFsError(error)}`);
    }
  }
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
}

export interface BulkAction {
  /** Explicit REFs alone need a confirmation too (delete), or not (update). */
  confirmRefs: boolean;
  question: (count: number) => string;
  apply: (store: Store, filter: CustomerFilter, dryRun: boolean) => BulkResult;
  /** The key of the count of changed customers in --json ("changed", "deleted"). */
  jsonKey: string;
  /** What is said: nobody selected, a dry run, the change done. */
  none: string;
  would: (result: BulkResult) => string;
  did: (result: BulkResult) => string;
}

/** Select -> count -> confirm -> apply (or dry run) -> report, for update and delete alike. */
export async function runBulk(ctx: Context, options: SelectionOptions, action: BulkAction): Promise<BulkResult> {
  const refs: Ref[] = options.refs.map((ref) => ({ ref, where: ref }));
  if (options.fromFile !== undefined) refs.push(...(await readRefFile(ctx, options.fromFile)));
  const store = await ctx.store({ create: false, dryRun: options.dryRun });
  const selection = buildSelection(store.db, options.filter, refs, { all: options.all, fromFile: options.fromFile !== undefined });
  const count = countCustomers(store.db, selection.filter);
  if (count > 0 && !options.dryRun && (action.confirmRefs || !selection.refsOnly)) await confirmOrCancel(ctx, action.question(count), options.yes);
  const result = count === 0 ? { selected: 0, changed: 0 } : action.apply(store, selection.filter, options.dryRun);
  if (options.json) ctx.io.stdout.write(JSON.stringify({ selected: result.selected, [action.jsonKey]: result.changed, dry_run: options.dryRun }) + '\n');
  ctx.say(result.selected === 0 ? action.none : options.dryRun ? action.would(result) : action.did(result));
  return result;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
