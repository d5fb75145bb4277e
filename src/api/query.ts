/**
 * A program's filter, checked and put in the stored form as the CLI's flags are (the same value functions):
 * a bad value is a ValidationError naming the filter and the value.
 */
import { ValidationError } from '../common/errors.js';
import type { CustomerFilter } from '../core/filters.js';
import { normalizeCountry, normalizeGroupName, normalizeLang, normalizeTag, parseAmount, parseCount, parseTimestamp } from '../core/values.js';
import { optionalFlag, textOf } from './input.js';
import type { CustomerQuery } from './types.js';

type Check<T> = (raw: T, key: string) => unknown;

const count: Check<unknown> = (raw, key) => {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw;
  return parseCount(String(raw), key);
};
const amount: Check<unknown> = (raw) => parseAmount(String(raw));
const date: Check<unknown> = (raw) => parseTimestamp(String(raw));
const flag: Check<unknown> = (raw, key) => optionalFlag(raw, key);
const text = (fn: (raw: string) => unknown): Check<unknown> => (raw, key) => fn(textOf(raw, key));
/** An empty list would select everyone (no condition) or no one: neither is what a caller means by it. */
const nonEmpty = (raw: unknown, key: string, what: string): unknown[] => {
  if (!Array.isArray(raw)) throw new ValidationError(`${key} is a list of ${what}, not ${JSON.stringify(raw)}`);
  if (raw.length === 0) throw new ValidationError(`${key} is an empty list: give at least one, or leave ${key} out`);
  return raw;
};
const list = (fn: (raw: string) => unknown): Check<unknown> => (raw, key) => nonEmpty(raw, key, 'text').map((item) => text(fn)(item, key));
const ids: Check<unknown> = (raw, key) => {
  if (!nonEmpty(raw, key, 'customer ids').every((id) => Number.isSafeInteger(id) && (id as number) > 0)) throw new ValidationError(`${key} is a list of customer ids (whole numbers above 0)`);
  return raw;
};

const CHECKS: Record<keyof CustomerQuery, Check<unknown>> = {
  ids,
  groups: list(normalizeGroupName),
  noGroup: flag,
  hasEmail: flag,
  taxExempt: flag,
  acceptsMarketing: flag,
  acceptsSmsMarketing: flag,
  minOrders: count,
  maxOrders: count,
  minSpent: amount,
  maxSpent: amount,
  tags: list((raw) => normalizeTag(raw, { existing: true })),
  country: text(normalizeCountry),
  lang: text(normalizeLang),
  sourceId: text((raw) => raw.trim()),
  createdAfter: date,
  createdBefore: date,
  orderedAfter: date,
  orderedBefore: date,
  hasAccount: flag,
  loggedInAfter: date,
  loggedInBefore: date,
  search: text((raw) => {
    if (raw.trim() === '') throw new ValidationError('search is empty: give some text, or leave it out');
    return raw;
  }),
};

/** The query's filter keys checked; other keys (sort, limit, offset) are the caller's; unknown ones fail. */
export function filterOf(query: object, others: readonly string[] = []): CustomerFilter {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new ValidationError(`a query is an object of filters, such as { country: 'FR' }, not ${JSON.stringify(query)}`);
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || others.includes(key)) continue;
    const check = CHECKS[key as keyof CustomerQuery];
    if (!check) throw new ValidationError(`unknown filter "${key}"`, [`Filters: ${Object.keys(CHECKS).join(', ')}.`]);
    filter[key] = check(value, key);
  }
  return filter as CustomerFilter;
}
