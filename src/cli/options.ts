/**
 * Flags shared by several commands, as data, each with the typed shape commander gives them: the customer
 * fields (add, edit, from the field registry), the filters (list, search, update, delete, export,
 * login-link issue) and the output options of listings. Each parser turns a bad value into a usage error
 * (exit 2). commander's untyped options go no further than the `*Flags` interfaces here and in each command.
 */
import { Command, Option } from 'commander';
import type { CustomerChanges } from '../core/customers.js';
import { UsageError, ValidationError } from '../common/errors.js';
import { type FieldDef, flagOf, FORM_FIELDS, type InputValue } from '../core/fields.js';
import type { CustomerFilter } from '../core/filters.js';
import { formatAmount, normalizeCountry, normalizeGroupName, normalizeLang, normalizeTag, parseAmount, parseCount, parseTimestamp } from '../core/values.js';
import { inHelpGroup } from './help.js';
import { parser, repeatable } from './usage.js';

export const parseCountArg = (what: string) => parser((raw) => parseCount(raw, what));
export const parseAmountArg = parser((raw) => parseAmount(raw));
export const parseCountryArg = parser(normalizeCountry);
export const parseLangArg = parser(normalizeLang);
export const parseDateArg = parser(parseTimestamp);
export const parseGroupArg = parser(normalizeGroupName);
/** A tag to find or remove: it may be one an older store holds, with a control character. */
export const existingTag = (raw: string) => normalizeTag(raw, { existing: true });

/** Adds the flags of the editable fields to add (and edit, which also gets --no-* and tag-editing flags). */
export function addCustomerFieldOptions(cmd: Command, mode: 'add' | 'edit'): Command {
  return inHelpGroup(cmd, 'Customer fields:', () => addFieldFlags(cmd, mode));
}

function addFieldFlags(cmd: Command, mode: 'add' | 'edit'): void {
  for (const field of FORM_FIELDS) {
    const flag = flagOf(field);
    const { arg = '', help = '', negated } = field.flag ?? {};
    if (field.type === 'tags') {
      cmd.option(`--tag ${arg}`, mode === 'add' ? help : 'replace all tags with these (repeatable)', repeatable(normalizeTag));
      if (mode === 'edit') {
        cmd.option(`--add-tag ${arg}`, 'add a tag (repeatable)', repeatable(normalizeTag));
        cmd.option(`--remove-tag ${arg}`, 'remove a tag (repeatable)', repeatable(existingTag));
      }
      continue;
    }
    const clears = mode === 'edit' && field.type === 'text' && field.storage === 'column' ? ' ("" clears it)' : '';
    if (field.name === 'has_account' && mode === 'add') {
      cmd.option('--no-account', 'a contact, without a store account (default: with one)');
      continue;
    }
    if (field.type === 'bool') cmd.option(flag, help);
    else cmd.option(`${flag} ${arg}`, help + clears, parser(flagValue(field, mode)));
    if (mode === 'edit' && negated) cmd.option(`--no-${flag.slice(2)}`, negated);
  }
}

/** How a field's flag value is read: normalised; empty clears it on edit, and on add only for free text. */
function flagValue(field: FieldDef, mode: 'add' | 'edit'): (raw: string) => string | null {
  const normalize = field.normalize ?? String;
  if (mode === 'edit' || field.freeText) return normalize;
  return (raw) => {
    if (raw.trim() === '') throw new ValidationError(`${flagOf(field)} needs a value`);
    return normalize(raw);
  };
}

/**
 * The customer-field flags as commander gives them: one camel-cased key per field flag (a value, true, or
 * false for --no-*), `tag`, `addTag` and `removeTag`.
 */
export type CustomerFieldFlags = Record<string, InputValue | undefined> & { tag?: string[]; addTag?: string[]; removeTag?: string[] };

/** The editable fields given on the command line (undefined ones left out), for createCustomer / editCustomer. */
export function customerInputFromFlags(flags: CustomerFieldFlags): CustomerChanges {
  const input: CustomerChanges = {};
  for (const field of FORM_FIELDS) {
    const value = field.type === 'tags' ? flags.tag : flags[camel(flagOf(field))];
    // --no-group leaves commander's value false: no group.
    if (value !== undefined) input[field.name] = field.storage === 'group' && value === false ? null : value;
  }
  // add's --no-account (commander gives `account`, true unless it is given): a contact. Else the store's default.
  if (flags.account === false) input.has_account = false;
  if (flags.addTag !== undefined) input.add_tags = flags.addTag;
  if (flags.removeTag !== undefined) input.remove_tags = flags.removeTag;
  return input;
}

function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The filter flags as commander gives them: the filter's own keys where the flag has the same name;
 * --group and --no-group share `group` (names, or false), and --tag is `tag`.
 */
export type FilterFlags = Omit<CustomerFilter, 'ids' | 'groups' | 'noGroup' | 'tags' | 'search'> & {
  group?: string[] | false;
  tag?: string[];
  /** --no-email: false. */
  email?: boolean;
};

/** Filter flags that say opposite things: given together, no customer could match (a usage error). */
const OPPOSITES: readonly (readonly [string, string])[] = [
  ['group', 'no-group'],
  ['tax-exempt', 'no-tax-exempt'],
  ['accepts-marketing', 'no-accepts-marketing'],
  ['accepts-sms-marketing', 'no-accepts-sms-marketing'],
  ['has-email', 'no-email'],
  ['has-account', 'no-has-account'],
];

export function addFilterOptions(cmd: Command): Command {
  inHelpGroup(cmd, 'Filters:', () => addFilterFlags(cmd));
  // commander keeps the last of --x and --no-x (one attribute): the first must not be dropped in silence.
  const seen = new Set<string>();
  for (const pair of OPPOSITES) {
    for (const [flag, other] of [pair, [pair[1], pair[0]]]) {
      cmd.on(`option:${flag}`, () => {
        if (seen.has(other)) throw new UsageError(`--${other} and --${flag} contradict each other; give one of them`);
        seen.add(flag);
      });
    }
  }
  return cmd;
}

function addFilterFlags(cmd: Command): void {
  cmd.option('--group <name>', 'in this group (repeatable: any of)', repeatable(normalizeGroupName));
  cmd.option('--no-group', 'in no group');
  cmd.option('--tax-exempt', 'tax-exempt customers');
  cmd.option('--no-tax-exempt', 'customers who pay tax');
  cmd.option('--accepts-marketing', 'customers who accept marketing e-mails');
  cmd.option('--no-accepts-marketing', 'customers who do not');
  cmd.option('--has-email', 'customers with an e-mail address');
  cmd.option('--no-email', 'customers without one (phone-only, in-store)');
  cmd.option('--accepts-sms-marketing', 'customers who accept marketing SMS');
  cmd.option('--no-accepts-sms-marketing', 'customers who do not');
  cmd.option('--min-orders <n>', 'at least N orders', parseCountArg('--min-orders'));
  cmd.option('--max-orders <n>', 'at most N orders', parseCountArg('--max-orders'));
  cmd.option('--min-spent <amount>', 'spent at least this amount', parseAmountArg);
  cmd.option('--max-spent <amount>', 'spent at most this amount', parseAmountArg);
  cmd.option('--tag <tag>', 'has this tag (repeatable: all of)', repeatable(existingTag));
  cmd.option('--country <code>', 'in this country (ISO 3166-1 alpha-2)', parseCountryArg);
  cmd.option('--lang <code>', 'with this language', parseLangArg);
  cmd.option('--source-id <id>', 'with this id on the platform it came from');
  cmd.option('--created-after <date>', 'created on or after this date (YYYY-MM-DD, UTC)', parseDateArg);
  cmd.option('--created-before <date>', 'created before this date (YYYY-MM-DD, UTC)', parseDateArg);
  cmd.option('--ordered-after <date>', 'with an order placed on or after this date', parseDateArg);
  cmd.option('--ordered-before <date>', 'with an order placed before this date', parseDateArg);
  cmd.option('--has-account', 'customers with a store account');
  cmd.option('--no-has-account', 'contacts and guest buyers, without one');
  cmd.option('--logged-in-after <date>', 'last signed in (login link redeemed) on or after this date', parseDateArg);
  cmd.option('--logged-in-before <date>', 'last signed in before this date', parseDateArg);
}

export function filterFromFlags(flags: FilterFlags): CustomerFilter {
  const filter: CustomerFilter = {};
  const put = <K extends keyof CustomerFilter>(key: K, value: CustomerFilter[K] | undefined) => {
    if (value !== undefined) filter[key] = value;
  };
  if (Array.isArray(flags.group)) put('groups', flags.group);
  if (flags.group === false) put('noGroup', true);
  put('taxExempt', flags.taxExempt);
  put('acceptsMarketing', flags.acceptsMarketing);
  put('hasEmail', flags.hasEmail ?? (flags.email === false ? false : undefined));
  put('acceptsSmsMarketing', flags.acceptsSmsMarketing);
  put('minOrders', flags.minOrders);
  put('maxOrders', flags.maxOrders);
  put('minSpent', flags.minSpent);
  put('maxSpent', flags.maxSpent);
  put('tags', flags.tag);
  put('country', flags.country);
  put('lang', flags.lang);
  put('sourceId', flags.sourceId?.trim());
  put('createdAfter', flags.createdAfter);
  put('createdBefore', flags.createdBefore);
  put('orderedAfter', flags.orderedAfter);
  put('orderedBefore', flags.orderedBefore);
  put('hasAccount', flags.hasAccount);
  put('loggedInAfter', flags.loggedInAfter);
  put('loggedInBefore', flags.loggedInBefore);
  const empty = (what: string) => new UsageError(`${what}: no customer can match`, ['Swap the two values, or leave one out.']);
  if (filter.minOrders !== undefined && filter.maxOrders !== undefined && filter.minOrders > filter.maxOrders) {
    throw empty(`--min-orders ${filter.minOrders} is more than --max-orders ${filter.maxOrders}`);
  }
  if (filter.minSpent !== undefined && filter.maxSpent !== undefined && filter.minSpent > filter.maxSpent) {
    throw empty(`--min-spent ${formatAmount(filter.minSpent)} is more than --max-spent ${formatAmount(filter.maxSpent)}`);
  }
  for (const [after, before, name] of [[filter.createdAfter, filter.createdBefore, 'created'], [filter.loggedInAfter, filter.loggedInBefore, 'logged-in']] as const) {
    if (after !== undefined && before !== undefined && after >= before) throw empty(`--${name}-after ${after} is not before --${name}-before ${before}`);
  }
  return filter;
}

export const FORMATS = ['table', 'json', 'jsonl', 'csv', 'tsv', 'ids', 'count'] as const;
export type Format = (typeof FORMATS)[number];

/** --format, --json and --fields of listing commands. */
export interface OutputFlags {
  format?: Format;
  json?: boolean;
  fields?: string;
  raw?: boolean;
}

export function addOutputOptions(cmd: Command, formats: readonly Format[] = FORMATS, formatHelp = 'output format (default: table on a terminal, else tsv)'): Command {
  return inHelpGroup(cmd, 'Output:', () => {
    cmd.addOption(new Option('--format <format>', formatHelp).choices(formats));
    cmd.option('--json', 'same as --format json');
    cmd.option('--fields <list>', 'comma-separated fields to show');
    cmd.option('--raw', "csv/tsv: values exactly as stored, without the ' that stops a spreadsheet running =, +, -, @ as a formula");
  });
}

/** The output options of a command that prints one record (show): a listing's, with --all-fields. */
export function addRecordOutputOptions(cmd: Command): Command {
  addOutputOptions(cmd, ['table', 'json', 'jsonl', 'csv', 'tsv'], 'output format (default: a record on a terminal, else field<TAB>value lines)');
  return inHelpGroup(cmd, 'Output:', () => cmd.option('--all-fields', 'table: show empty fields too (they are left out)'));
}

export interface PagingFlags {
  sort?: string;
  limit?: number;
  offset?: number;
}

export function addPagingOptions(cmd: Command, sortFields: readonly string[]): Command {
  return inHelpGroup(cmd, 'Output:', () => {
    cmd.option('--sort <field[:desc]>', `sort by ${sortFields.join(', ')} (default: id); name: by last name, then first; text ignoring case and accents, e-mail as stored; blanks last`);
    cmd.option('--limit <n>', 'at most N customers', parseCountArg('--limit'));
    cmd.option('--offset <n>', 'skip the first N customers', parseCountArg('--offset'));
  });
}
