/** SQLite's integrity check, read as far as it gets: on a damaged file it reports a few rows, then fails itself. */
import { StoreError } from '../common/errors.js';
import type Database from 'better-sqlite3';

/** Most lines of the check that are reported (a badly damaged file has thousands). */
export const INTEGRITY_LINES_MAX = 20;

export const RESTORE_ADVICE = 'Restore the latest backup (customers db backup FILE makes one; copy it over the store with no customers command running).';

/** The problems SQLite finds in the file, at most INTEGRITY_LINES_MAX; none when it is sound. */
export function integrityProblems(db: Database.Database, check: 'integrity_check' | 'quick_check' = 'integrity_check'): string[] {
  const lines: string[] = [];
  try {
    for (const row of db.prepare(`PRAGMA ${check}`).pluck().iterate() as IterableIterator<string>) {
      if (row === 'ok') continue;
      lines.push(...row.split('\n').filter((line) => !line.startsWith('*** in database')));
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_CORRUPT') throw error;
    lines.push('the check itself stopped: database disk image is malformed');
  }
  if (lines.length <= INTEGRITY_LINES_MAX) return lines;
  return [...lines.slice(0, INTEGRITY_LINES_MAX), `… and ${lines.length - INTEGRITY_LINES_MAX} more`];
}

/** Refuses to go on with a damaged file (a backup or an import would copy or build on the damage). */
export function assertSound(db: Database.Database, path: string, doing: string): void {
  const problems = integrityProblems(db, 'quick_check');
  if (problems.length) {
    throw new StoreError(`${path} is damaged, so ${doing} was not done: ${problems[0]}`, [...problems.slice(1), RESTORE_ADVICE]);
  }
}
