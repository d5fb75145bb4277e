/** What delete and update select: REFs, --from-file, filters, or --all; and how they confirm. */
import { readFileSync } from 'node:fs';
import { resolveRef } from '../../core/customers.js';
import { CustomersError, NotFoundError, UsageError } from '../../common/errors.js';
import { type CustomerFilter, hasFieldFilter } from '../../core/filters.js';
import type { Db } from '../../store/open.js';
import type { Context } from '../context.js';

export interface Selection {
  filter: CustomerFilter;
  /** True when only explicit REFs chose the customers (update then needs no confirmation). */
  refsOnly: boolean;
}

/** Resolves every REF; unknown ones are reported together (up to a few), with where they came from. */
function resolveRefs(db: Db, refs: { ref: string; where: string }[]): number[] {
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
export async function readRefFile(ctx: Context, file: string): Promise<{ ref: string; where: string }[]> {
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
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  }
  const name = file === '-' ? 'stdin' : file;
  const refs: { ref: string; where: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const ref = line.trim();
    // Blank lines, comments and a header line (from --format tsv or csv) are not REFs.
    if (ref === '' || ref.startsWith('#') || (i === 0 && /^(id|email)$/i.test(ref))) return;
    refs.push({ ref, where: `${name} line ${i + 1}` });
  });
  return refs;
}

export function buildSelection(
  db: Db,
  filter: CustomerFilter,
  refs: { ref: string; where: string }[],
  options: { all?: boolean; fromFile?: boolean },
): Selection {
  const fieldFilter = hasFieldFilter(filter);
  if (refs.length === 0 && !fieldFilter && !options.all) {
    if (options.fromFile) return { filter: { ...filter, ids: [] }, refsOnly: false };
    throw new UsageError('no customers selected: give REFs (ids or e-mails), at least one filter, or --all');
  }
  if (refs.length === 0) return { filter, refsOnly: false };
  return { filter: { ...filter, ids: resolveRefs(db, refs) }, refsOnly: !fieldFilter && !options.fromFile };
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
