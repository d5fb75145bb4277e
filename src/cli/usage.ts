/**
 * Where a bad value becomes a usage error (exit 2): core says a value is invalid (ValidationError); when
 * that value came from the command line, the CLI calls it a usage error. And the one check for flags that
 * cannot be given together.
 */
import { InvalidArgumentError } from 'commander';
import { UsageError, ValidationError } from '../common/errors.js';

/** Wraps a core parser so that its ValidationError becomes commander's "invalid argument" (exit 2). */
export function parser<T>(parse: (raw: string) => T): (raw: string) => T {
  return (raw) => {
    try {
      return parse(raw);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

export function repeatable<T>(parse: (raw: string) => T): (raw: string, previous: T[] | undefined) => T[] {
  const one = parser(parse);
  return (raw, previous) => [...(Array.isArray(previous) ? previous : []), one(raw)];
}

/** Runs fn, turning a ValidationError (bad data) into a UsageError (a bad command-line value, exit 2). */
export function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw usageErrorFrom(error);
  }
}

/** The same for work that awaits. */
export async function asUsageErrorAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw usageErrorFrom(error);
  }
}

function usageErrorFrom(error: unknown): unknown {
  return error instanceof ValidationError ? new UsageError(error.message, error.details) : error;
}

/**
 * Refuses flags that exclude each other: `given` maps each flag (as typed, e.g. "--customer") to whether
 * it was given; at most one may be. With `required`, exactly one must be.
 */
export function exclusive(given: Record<string, boolean>, options: { required?: boolean } = {}): void {
  const present = Object.keys(given).filter((flag) => given[flag]);
  const names = Object.keys(given);
  if (present.length > 1) throw new UsageError(`${present.join(' and ')} contradict each other; give one of them`);
  if (options.required && present.length === 0) throw new UsageError(`give one of ${names.join(' or ')}`);
}
