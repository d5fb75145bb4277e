/**
 * Flags shared by several commands, as data: the customer fields (add, edit), the FILTERS (list, search,
 * update, delete) and the output options of listings. Each parser turns a bad value into a usage error (exit 2).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError, ValidationError } from '../common/errors.js';
import type { CustomerFilter } from '../core/filters.js';
import type { CustomerChanges } from '../core/customers.js';
import { flagOf, FORM_FIELDS, type InputValue } from '../core/fields.js';
import {
  normalizeCountry,
  normalizeEmail,
  normalizeGroupName,
  normalizeLang,
  normalizeTag,
  parseAmount,
  parseCount,
  parseTimestamp,
} from '../core/values.js';

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

/** Runs fn, turning a ValidationError (bad data) into a UsageError (a bad command-line value, exit 2). */
export function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message, error.details);
    throw error;
  }
}

export function repeatable<T>(parse: (raw: string) => T): (raw: string, previous: T[] | undefined) => T[] {
  const one = parser(parse);
  return (raw, previous) => [...(Array.isArray(previous) ? previous : []), one(raw)];
}

export const parseCountArg = (what: string) => parser((raw) => parseCount(raw, what));
export const parseAmountArg = parser((raw) => parseAmount(raw));
export const parseCountryArg = parser(normalizeCountry);
export const parseLangArg = parser(normalizeLang);
export const parseEmailArg = parser(normalizeEmail);
export const parseDateArg = parser(parseTimestamp);
export const parseGroupArg = parser(normalizeGroupName);

/** Adds the flags of the editable fields to add (and edit, which also gets --no-* and tag-editing flags). */
export function addCustomerFieldOptions(cmd: Command, mode: 'add' | 'edit'): Command {
  for (const field of FORM_FIELDS) {
    const flag = flagOf(field);
    const { arg = '', help = '', negated } = field.flag ?? {};
    if (field.type === 'tags') {
      cmd.option(`--tag ${arg}`, mode === 'add' ? help : 'replace all tags with these (repeatable)', repeatable(normalizeTag));
      if (mode === 'edit') {
        cmd.option(`--add-tag ${arg}`, 'add a tag (repeatable)', repeatable(normalizeTag));
        cmd.option(`--remove-tag ${arg}`, 'remove a tag (repeatable)', repeatable(normalizeTag));
      }
      continue;
    }
    const clears = mode === 'edit' && field.type === 'text' && field.name !== 'email' && field.storage === 'column' ? ' ("" clears it)' : '';
    if (field.type === 'bool') cmd.option(flag, help);
    else cmd.option(`${flag} ${arg}`, help + clears, parser(field.normalize ?? String));
    if (mode === 'edit' && negated) cmd.option(`--no-${flag.slice(2)}`, negated);
  }
  return cmd;
}

/** The editable fields given on the command line (undefined ones left out), for createCustomer / editCustomer. */
export function customerInputFromOptions(opts: Record<string, unknown>): CustomerChanges {
  const input: CustomerChanges = {};
  for (const field of FORM_FIELDS) {
    const value = opts[field.type === 'tags' ? 'tag' : camel(flagOf(field))];
    // --no-group leaves commander's value false: no group.
    if (value !== undefined) input[field.name] = field.storage === 'group' && value === false ? null : (value as InputValue);
  }
  if (opts.addTag !== undefined) input.add_tags = opts.addTag as string[];
  if (opts.removeTag !== undefined) input.remove_tags = opts.removeTag as string[];
  return input;
}

function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** FILTERS of SPEC.md. `update` sets some of the same fields, so it leaves those filters out. */
export type FilterFlag = 'group' | 'no-group' | 'tax-exempt' | 'accepts-marketing' | 'lang';

export function addFilterOptions(cmd: Command, except: readonly FilterFlag[] = []): Command {
  const keep = (flag: FilterFlag) => !except.includes(flag);
  if (keep('group')) cmd.option('--group <name>', 'in this group (repeatable: any of)', repeatable(normalizeGroupName));
  if (keep('no-group')) cmd.option('--no-group', 'in no group');
  if (keep('tax-exempt')) {
    cmd.option('--tax-exempt', 'tax-exempt customers');
    cmd.option('--no-tax-exempt', 'customers who pay tax');
  }
  if (keep('accepts-marketing')) {
    cmd.option('--accepts-marketing', 'customers who accept marketing e-mails');
    cmd.option('--no-accepts-marketing', 'customers who do not');
  }
  cmd.option('--min-orders <n>', 'at least N orders', parseCountArg('--min-orders'));
  cmd.option('--max-orders <n>', 'at most N orders', parseCountArg('--max-orders'));
  cmd.option('--min-spent <amount>', 'spent at least this amount', parseAmountArg);
  cmd.option('--max-spent <amount>', 'spent at most this amount', parseAmountArg);
  cmd.option('--tag <tag>', 'has this tag (repeatable: all of)', repeatable(normalizeTag));
  cmd.option('--country <code>', 'in this country (ISO 3166-1 alpha-2)', parseCountryArg);
  if (keep('lang')) cmd.option('--lang <code>', 'with this language', parseLangArg);
  cmd.option('--created-after <date>', 'created on or after this date (YYYY-MM-DD, UTC)', parseDateArg);
  cmd.option('--created-before <date>', 'created before this date (YYYY-MM-DD, UTC)', parseDateArg);
  return cmd;
}

export function filterFromOptions(opts: Record<string, unknown>, except: readonly FilterFlag[] = []): CustomerFilter {
  const filter: CustomerFilter = {};
  const put = <K extends keyof CustomerFilter>(key: K, value: CustomerFilter[K] | undefined) => {
    if (value !== undefined) filter[key] = value;
  };
  if (!except.includes('group') && Array.isArray(opts.group)) put('groups', opts.group as string[]);
  if (!except.includes('no-group') && opts.group === false) put('noGroup', true);
  if (!except.includes('tax-exempt')) put('taxExempt', opts.taxExempt as boolean | undefined);
  if (!except.includes('accepts-marketing')) put('acceptsMarketing', opts.acceptsMarketing as boolean | undefined);
  put('minOrders', opts.minOrders as number | undefined);
  put('maxOrders', opts.maxOrders as number | undefined);
  put('minSpent', opts.minSpent as number | undefined);
  put('maxSpent', opts.maxSpent as number | undefined);
  put('tags', opts.tag as string[] | undefined);
  put('country', opts.country as string | undefined);
  if (!except.includes('lang')) put('lang', opts.lang as string | undefined);
  put('createdAfter', opts.createdAfter as string | undefined);
  put('createdBefore', opts.createdBefore as string | undefined);
  return filter;
}

export const FORMATS = ['table', 'json', 'jsonl', 'csv', 'tsv', 'ids', 'count'] as const;
export type Format = (typeof FORMATS)[number];

/** --format, --json and --fields of listing commands. */
export function addOutputOptions(cmd: Command, formats: readonly Format[] = FORMATS): Command {
  cmd.addOption(new Option('--format <format>', 'output format (default: table on a terminal, else tsv)').choices(formats));
  cmd.option('--json', 'same as --format json');
  cmd.option('--fields <list>', 'comma-separated fields to show');
  return cmd;
}

export function addPagingOptions(cmd: Command, sortFields: readonly string[]): Command {
  cmd.option('--sort <field[:desc]>', `sort by ${sortFields.join(', ')} (default: id)`);
  cmd.option('--limit <n>', 'at most N customers', parseCountArg('--limit'));
  cmd.option('--offset <n>', 'skip the first N customers', parseCountArg('--offset'));
  return cmd;
}
