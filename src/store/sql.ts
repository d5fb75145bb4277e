/**
 * SQL fragments shared by the schema and the queries. Migration 1 is built from these: change them only
 * together with a migration that rebuilds what used them.
 */

/** A phone number with its punctuation removed: "+33 (0)6 12-34" -> "330612 34" without spaces. */
export function phoneDigitsSql(expr: string): string {
  return ['+', ' ', '-', '.', '(', ')'].reduce((acc, ch) => `replace(${acc}, '${ch}', '')`, `coalesce(${expr}, '')`);
}
