import { ValidationError } from './errors.js';

/**
 * Picks items by name, in the order given (`--fields email,name`, `--columns Email,Phone`); an unknown name
 * is an error that lists the valid ones, and a name given twice an error too. Names compare exactly, or ignoring
 * case when asked.
 */
export function pickByName<T>(
  all: readonly T[],
  names: readonly string[],
  options: { nameOf: (item: T) => string; noun: string; where: string; ignoreCase?: boolean },
): T[] {
  const key = (name: string) => (options.ignoreCase ? name.toLowerCase() : name);
  const byName = new Map(all.map((item) => [key(options.nameOf(item)), item]));
  const unknown = names.filter((n) => !byName.has(key(n)));
  if (unknown.length || names.length === 0) {
    const listed = unknown.map((u) => `"${u}"`).join(', ') || '(none given)';
    throw new ValidationError(`unknown ${options.noun}${unknown.length > 1 ? 's' : ''} ${listed} ${options.where}`, [
      `Valid ${options.noun}s: ${all.map(options.nameOf).join(', ')}.`,
    ]);
  }
  const picked = names.map((n) => byName.get(key(n))!);
  // Twice the same column: a listing would show it twice, and a CSV file would not read back.
  const twice = names.find((n, i) => picked.indexOf(picked[i]) !== i);
  if (twice !== undefined) throw new ValidationError(`"${twice}" is given twice ${options.where}`, [`Name each ${options.noun} once.`]);
  return picked;
}

/** A comma-separated list as typed on a command line: `a, b,,c` -> [a, b, c]. */
export function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}
