/**
 * Reading a CSV file's columns: a plan made once from the header (which column feeds which field, best
 * column first), then each row's cells read into the values to store, every problem collected.
 */
import { ValidationError } from '../../common/errors.js';
import { type FieldDef, FIELDS } from '../fields.js';
import {
  type DateOrder, normalizeEmail, normalizeGroupName, normalizeTags, normalizeText, parseAmount, parseBoolean, parseCount, parseSlashDate,
  parseTimestamp, slashDateOrders,
} from '../values.js';
import { headerKey, type ImportTarget, MAGENTO_GROUPS, type Preset, PRESTASHOP_GENERAL_GROUPS } from './presets.js';
import { unguardFormula } from './text.js';

/** A reading of a cell, and the field it feeds: the columns feeding one field are tried best first. */
interface Reading {
  feeds: string;
  read: (row: RowValues, value: string) => void;
  /** The column's presence is what is read, never its value: a file may have any number of such columns. */
  presence?: boolean;
}

/** A column whose reading depends on the file's other columns: the target it becomes, given their targets. */
interface Depending {
  becomes: (others: ReadonlySet<ImportTarget>) => ImportTarget;
}

/** Readings of a column that are not one field as it is: the platforms' own conventions. */
const SPECIAL: Record<string, Reading | Depending> = {
  /** A whole name, split at its first space into first and last name ("Bram van den Berg"). */
  full_name: {
    feeds: 'first_name',
    read: (row, value) => {
      const name = normalizeText(value, 'the name');
      const cut = name ? name.indexOf(' ') : -1;
      row.columns.set('first_name', name === null ? null : cut < 0 ? name : name.slice(0, cut));
      row.columns.set('last_name', name === null || cut < 0 ? null : name.slice(cut + 1));
    },
  },
  /**
   * A plain-text password: hashed (scrypt) on import, never stored or shown. A column of its own: read after
   * a hash column before it, its new hash replaces the old platform's.
   */
  password: {
    feeds: 'password',
    read: (row, value) => {
      if (value !== '') row.password = value;
    },
  },
  /** Magento's numeric customer group (1 General, 2 Wholesale, 3 Retailer). */
  magento_group: {
    feeds: 'group',
    read: (row, value) => {
      row.group = value === '' ? null : value in MAGENTO_GROUPS ? MAGENTO_GROUPS[value] : `Magento group ${value}`;
    },
  },
  /** BigCommerce's tax-exempt category: any value means exempt. */
  tax_exempt_category: {
    feeds: 'tax_exempt',
    read: (row, value) => {
      row.columns.set('tax_exempt', value === '' ? 0 : 1);
    },
  },
  /** A group name where "General" means no group (Ecwid). */
  group_or_general: {
    feeds: 'group',
    read: (row, value) => {
      row.group = value === '' || value.toLowerCase() === 'general' ? null : normalizeGroupName(value);
    },
  },
  /** A platform's customer id where 0 means a guest, who has none (WooCommerce): and no account either. */
  id_or_guest: {
    feeds: 'source_id',
    read: (row, value) => {
      const guest = value === '' || value === '0';
      row.columns.set('source_id', guest ? null : normalizeText(value, 'the source id'));
      row.columns.set('has_account', guest ? 0 : 1);
    },
  },
  /** A user name (WooCommerce): registered customers have one, guest buyers none. */
  account_username: {
    feeds: 'has_account',
    read: (row, value) => {
      row.columns.set('has_account', value === '' ? 0 : 1);
    },
  },
  /** Shopify's account state: enabled is an account; invited (not accepted yet), declined and disabled are not. */
  account_state: {
    feeds: 'has_account',
    read: (row, value) => {
      const state = value.toLowerCase();
      if (!['', 'enabled', 'disabled', 'invited', 'declined'].includes(state)) {
        throw new ValidationError(`"${value}" is not a Shopify account state (expected enabled, disabled, invited or declined)`);
      }
      row.columns.set('has_account', state === 'enabled' ? 1 : 0);
    },
  },
  /** Whether an address is the customer's default billing address (Magento): the one kept of several. */
  default_billing: {
    feeds: 'default_billing',
    read: (row, value) => {
      row.defaultBilling = value !== '' && parseBoolean(value);
    },
  },
  /** Stripe's tax status: exempt and reverse (charge) mean no tax is charged; none means taxed. */
  stripe_tax_exempt: {
    feeds: 'tax_exempt',
    read: (row, value) => {
      const status = value.toLowerCase();
      if (!['', 'none', 'exempt', 'reverse'].includes(status)) throw new ValidationError(`"${value}" is not a Stripe tax status (expected none, exempt or reverse)`);
      row.columns.set('tax_exempt', status === 'exempt' || status === 'reverse' ? 1 : 0);
    },
  },
  /** A platform's customer id where an empty cell keeps the stored one (PrestaShop's import file, as our export writes it). */
  kept_source_id: {
    feeds: 'source_id',
    read: (row, value) => {
      if (value !== '') row.columns.set('source_id', normalizeText(value, 'the source id'));
    },
  },
  /** PrestaShop's groups ("Customer, Wholesale"): the first besides its built-in ones is the group, any further ones tags. */
  prestashop_groups: {
    feeds: 'group',
    read: (row, value) => {
      const names = value.split(',').map((n) => n.trim()).filter((n) => n !== '' && !PRESTASHOP_GENERAL_GROUPS.has(n.toLowerCase()));
      row.group = names.length ? normalizeGroupName(names[0]) : null;
      if (names.length > 1) row.tags = normalizeTags(names.slice(1));
    },
  },
  /** An amount formatted for reading, in any locale ("€1,254.90", "1 254,90 €"): its last "." or "," before one or two digits is the decimal mark. */
  formatted_amount: {
    feeds: 'total_spent',
    read: (row, value) => {
      row.columns.set(READABLE_FIELDS.get('total_spent')!.column!, readFormattedAmount(value));
    },
  },
  /** A column only Mailchimp's unsubscribed and cleaned files have (UNSUB_TIME, CLEAN_TIME, ...): no consent, whatever its value. */
  unsubscribed_file: {
    feeds: 'accepts_marketing',
    read: (row) => row.columns.set('accepts_marketing', 0),
    presence: true,
  },
  /** What audience_member becomes in a file without unsubscribed_file columns (Mailchimp's subscribed file): consent. */
  subscribed_file: {
    feeds: 'accepts_marketing',
    read: (row) => row.columns.set('accepts_marketing', 1),
    presence: true,
  },
  /** A column every Mailchimp audience file has (MEMBER_RATING, LEID, ...): consent comes from which file it is. */
  audience_member: {
    becomes: (others) => (others.has('unsubscribed_file') ? 'unsubscribed_file' : 'subscribed_file'),
  },
  /** Tags in one cell, separated by commas or semicolons, each maybe double-quoted (Mailchimp's "VIP","Blog"; Wix's labels). */
  tag_list: {
    feeds: 'tags',
    read: (row, value) => {
      const tags = [...value.matchAll(/"((?:[^"]|"")*)"|[^,;]+/g)].map((m) => (m[1] === undefined ? m[0] : m[1].replace(/""/g, '"')));
      row.tags = normalizeTags(tags.filter((t) => t.trim() !== ''));
    },
  },
  /** Wix's e-mail subscriber status: only Subscribed is consent. */
  email_subscriber_status: {
    feeds: 'accepts_marketing',
    read: (row, value) => row.columns.set('accepts_marketing', readSubscriberStatus(value)),
  },
  /** Wix's SMS subscriber status: only Subscribed is consent. */
  sms_subscriber_status: {
    feeds: 'accepts_sms_marketing',
    read: (row, value) => row.columns.set('accepts_sms_marketing', readSubscriberStatus(value)),
  },
  /** A name column: the last name beside a first-name column, else the whole name (French "Nom", "Name"). */
  last_or_full_name: {
    becomes: (others) => (others.has('first_name') ? 'last_name' : 'full_name'),
  },
  /** A name column: the first name beside a last-name column, else the whole name (Italian "Nome", Spanish "Nombre"). */
  first_or_full_name: {
    becomes: (others) => (others.has('last_name') ? 'first_name' : 'full_name'),
  },
  /** A street address on one or more lines: the first is the street, the rest the second line (Magento, Ecwid). */
  street_lines: {
    feeds: 'street',
    read: (row, value) => {
      const [street, ...more] = value.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
      row.columns.set('street', normalizeText(street ?? '', 'the street'));
      row.columns.set('street2', normalizeText(more.join(', '), 'the street'));
    },
  },
};

function readSubscriberStatus(value: string): number {
  const status = value.toLowerCase();
  if (status === 'subscribed') return 1;
  if (['', 'unsubscribed', 'never subscribed', 'pending'].includes(status)) return 0;
  throw new ValidationError(`"${value}" is not a subscriber status (expected Subscribed, Unsubscribed, Never subscribed or Pending)`);
}

function readFormattedAmount(value: string): number {
  if (value === '') return 0;
  const digits = value.replace(/[^\d.,+-]/g, '');
  const decimals = /[.,](\d{1,2})$/.exec(digits);
  const whole = (decimals ? digits.slice(0, decimals.index) : digits).replace(/[.,]/g, '');
  if (!/\d/.test(whole + (decimals?.[1] ?? ''))) throw new ValidationError(`"${value}" is not an amount (expected a number such as 1 254,90 € or €1,254.90)`);
  return parseAmount(decimals ? `${whole || '0'}.${decimals[1]}` : whole);
}

/** Fields a column can be read as: every field but the derived ones (the name is read as full_name). */
const READABLE_FIELDS = new Map(FIELDS.filter((f) => f.storage !== 'derived').map((f) => [f.name, f]));

/** What `--map 'Header=field'` accepts. */
export const MAP_TARGETS: readonly string[] = [...READABLE_FIELDS.keys(), 'full_name', 'password'];

/** Every target a preset may name. */
export function isImportTarget(target: string): boolean {
  return READABLE_FIELDS.has(target) || target in SPECIAL;
}

/** A row read and checked: the values to store, keyed by column. */
export interface RowValues {
  email?: string;
  columns: Map<string, string | number | null>;
  group?: string | null;
  tags?: string[];
  id?: number;
  /** The row's address is marked as the default billing one (see addresses.ts). */
  defaultBilling?: boolean;
  /** A plain-text password, hashed by the writer (kept as it is when the stored hash is already its hash). */
  password?: string;
}

export interface Problem {
  column: string;
  value: string;
  reason: string;
}

/** What one column of the file feeds. */
export interface ColumnPlan {
  index: number;
  header: string;
  target: ImportTarget;
  rank: number;
}

/** The columns feeding one field, best first: the first with a value wins (e.g. Phone before Default Address Phone). */
export type FieldPlan = ColumnPlan[];

/** A column the preset would read, not read because the user's --map reads its field from another. */
export interface ColumnNotRead {
  column: string;
  field: string;
  /** The column the --map reads the field from. */
  read_from: string;
  /** The --map as it reads: "x=first_name". */
  map: string;
}

export interface Plan {
  fields: FieldPlan[];
  unknown: string[];
  notRead: ColumnNotRead[];
  /** Columns of a first or last name on its own: when one has a value, a whole-name column is not read. */
  nameParts: number[];
}

/** Plans the columns of a header for a preset and the user's --map. */
export function planColumns(headers: string[], preset: Preset, maps: readonly { header: string; target: ImportTarget | null }[]): Plan {
  const mapped = new Map(maps.map((m) => [headerKey(m.header), m.target]));
  const byHeader = new Map(preset.import.map((c) => [headerKey(c.header), c]));
  const ignored = new Set(preset.ignored.map(headerKey));
  const columns: ColumnPlan[] = [];
  const unknown: string[] = [];
  headers.forEach((header, index) => {
    const key = headerKey(header);
    if (mapped.has(key)) {
      const target = mapped.get(key);
      if (target) columns.push({ index, header, target, rank: -1 });
      return;
    }
    const column = byHeader.get(key);
    if (column) columns.push({ index, header, target: column.target, rank: column.rank ?? 0 });
    else if (!ignored.has(key) && key !== '') unknown.push(header);
  });
  const others = new Set(columns.filter((c) => !isDepending(c.target)).map((c) => c.target));
  for (const c of columns) {
    const special = SPECIAL[c.target];
    if (special && 'becomes' in special) c.target = special.becomes(others);
  }
  columns.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const fields = new Map<string, FieldPlan>();
  for (const c of columns) {
    const special = SPECIAL[c.target];
    const field = special && 'feeds' in special ? special.feeds : c.target;
    fields.set(field, [...(fields.get(field) ?? []), c]);
  }
  // A field the user mapped is read from the mapped column only: the preset's columns for it would fill
  // the rows where the mapped one is empty, mixing two sources. They are named in the summary instead.
  const notRead: ColumnNotRead[] = [];
  for (const [field, candidates] of fields) {
    const mapped = candidates.filter((c) => c.rank < 0);
    if (mapped.length === 0) continue;
    for (const c of candidates.filter((c) => c.rank >= 0)) {
      notRead.push({ column: c.header, field, read_from: mapped[0].header, map: `${mapped[0].header}=${mappedTarget(maps, mapped[0].header)}` });
    }
    fields.set(field, mapped);
  }
  const read = [...fields.values()].flat();
  const nameParts = read.filter((c) => c.target === 'first_name' || c.target === 'last_name').map((c) => c.index);
  return { fields: [...fields.values()], unknown, notRead, nameParts };
}

/** The field a --map gives a header, as the user wrote it. */
function mappedTarget(maps: readonly { header: string; target: ImportTarget | null }[], header: string): string {
  return maps.find((m) => headerKey(m.header) === headerKey(header))?.target ?? '';
}

/**
 * Two columns of a plan that give one field the same way: the same header twice, or two headers that the
 * user's --map or a preset reads as the same target with the same rank. Only the first would be read, the
 * other silently dropped. Alternatives a preset ranks (Phone before Default Address Phone) are no clash.
 */
export function clashingColumns(plan: Plan): [ColumnPlan, ColumnPlan] | undefined {
  for (const candidates of plan.fields) {
    for (const [i, a] of candidates.entries()) {
      const reading = SPECIAL[a.target] as Reading | undefined;
      const b = candidates.slice(i + 1).find((c) => c.target === a.target && c.rank === a.rank);
      if (b && !reading?.presence) return [a, b];
    }
  }
  return undefined;
}

function isDepending(target: ImportTarget): boolean {
  const special = SPECIAL[target];
  return special !== undefined && 'becomes' in special;
}

/** The row's cell in the best column feeding a field, trimmed ('' when the header has no such column). */
export function cellOf(plan: Plan, record: readonly string[], field: string): string {
  const column = plan.fields.find((f) => f[0].target === field)?.[0];
  return column ? (record[column.index] ?? '').trim() : '';
}

/** The header of the column feeding a field (e-mail, source id), for messages about a row's value of it. */
export function headerOf(plan: Plan, field: string): string {
  return plan.fields.find((f) => f[0].target === field)?.[0].header ?? field;
}

export interface ReadOptions {
  /** Amounts may have a decimal comma (files with ";" between values). */
  decimalComma: boolean;
  dates: DateReader;
}

/** A date of a row that could be day/month or month/day, to be read again once the file says which. */
export interface PendingDate {
  header: string;
  column: string;
  raw: string;
}

/**
 * Reads a file's dates. Dates such as 5/6/2012 are day-first or month-first: as told (--date-format), else
 * as the file says (a day above 12 settles it). Those read before the file said are kept to be read again
 * at the end if it said month-first; if it never says, the import fails and names the option.
 */
export class DateReader {
  private order: DateOrder | undefined;
  /** Ambiguous dates of the row being read, not yet settled: taken by the import with the row. */
  private rowPending: PendingDate[] = [];

  constructor(private readonly given: DateOrder | undefined) {
    this.order = given;
  }

  read(raw: string, header: string, column: string): string {
    const orders = slashDateOrders(raw);
    if (!orders) return parseTimestamp(raw);
    const order = this.order;
    if (order && orders.includes(order)) return parseSlashDate(raw, order);
    if (orders.length === 0 || order) {
      const why = order ? `; ${this.given ? '--date-format says' : 'other dates of this file say'} ${order === 'DMY' ? 'day' : 'month'} first` : '';
      throw new ValidationError(`"${raw}" is not a date${why}`);
    }
    if (orders.length === 1) {
      this.order = orders[0];
      return parseSlashDate(raw, orders[0]);
    }
    this.rowPending.push({ header, column, raw });
    return parseSlashDate(raw, 'DMY');
  }

  /** The order the file turned out to have, if it said. */
  get settled(): DateOrder | undefined {
    return this.order;
  }

  takeRowPending(): PendingDate[] {
    const pending = this.rowPending;
    this.rowPending = [];
    return pending;
  }
}

/** Reads one row's cells into stored values, collecting every problem instead of stopping at the first. */
export function readRow(record: readonly string[], plan: Plan, options: ReadOptions, problems: Problem[]): RowValues {
  const row: RowValues = { columns: new Map() };
  for (const candidates of plan.fields) {
    const { col, raw } = pickCell(record, plan, candidates);
    try {
      // A plan's targets are readings or fields: depending ones became one of those.
      const special = SPECIAL[col.target] as Reading | undefined;
      if (special) special.read(row, raw.trim());
      else readField(row, READABLE_FIELDS.get(col.target)!, raw, col.header, options);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push({ column: col.header, value: raw, reason: error.message });
    }
  }
  return row;
}

/** The column readRow reads a field from (the first of its columns with a value), and that cell. */
function pickCell(record: readonly string[], plan: Plan, candidates: FieldPlan): { col: ColumnPlan; raw: string } {
  // A whole name is read only when the file gives neither part apart ("Dupont" alone is a last name): the
  // parts are looked at only for a whole-name column, not for every field of every row.
  const usable = (c: ColumnPlan) => (record[c.index] ?? '').trim() !== '' && !(c.target === 'full_name' && namedApart(record, plan));
  const col = candidates.find(usable) ?? candidates[0];
  // Every platform's file may mark a value as text with an apostrophe (our export does before formulas);
  // codes kept as text (phones, postal codes, ids) never start with one of their own: "'8011 AB".
  const cell = unguardFormula(record[col.index] ?? '');
  const raw = cell.startsWith("'") && READABLE_FIELDS.get(col.target)?.keptAsText ? cell.replace(/^'+/, '') : cell;
  return { col, raw };
}

function namedApart(record: readonly string[], plan: Plan): boolean {
  return plan.nameParts.some((i) => (record[i] ?? '').trim() !== '');
}

/** Whether the plan reads plain-text passwords (which the import hashes before its transaction). */
export function hasPasswords(plan: Plan): boolean {
  return plan.fields.some((f) => f[0].target === 'password');
}

/**
 * A row's password, as readRow reads it into row.password, and its e-mail if it reads as one: read alone,
 * without the rest of the row, so that an import can hash the passwords of a file before writing it.
 */
export function passwordOf(plan: Plan, record: readonly string[]): { password?: string; email?: string } {
  const passwords = plan.fields.find((f) => f[0].target === 'password');
  if (!passwords) return {};
  const row: RowValues = { columns: new Map() };
  (SPECIAL.password as Reading).read(row, pickCell(record, plan, passwords).raw.trim());
  if (row.password === undefined) return {};
  const emails = plan.fields.find((f) => f[0].target === 'email');
  try {
    return { password: row.password, email: emails && normalizeEmail(pickCell(record, plan, emails).raw) };
  } catch {
    return { password: row.password };
  }
}

const CURRENCY = /^[€$£]|[€$£]$|\s?(EUR|USD|GBP)$/g;

/** Reads a cell as a field, by the field's storage and type. */
function readField(row: RowValues, field: FieldDef, raw: string, header: string, options: ReadOptions): void {
  const value = raw.trim();
  switch (field.storage) {
    case 'id':
      if (value !== '') row.id = readOwnId(value);
      return;
    case 'group':
      row.group = value === '' ? null : normalizeGroupName(value);
      return;
    case 'tags':
      row.tags = normalizeTags(value.split(',').filter((t) => t.trim() !== ''));
      return;
    default: {
      const stored = field.type === 'timestamp' && value !== '' ? options.dates.read(value, header, field.column!) : readValue(field, field.multiline ? raw : value, options.decimalComma);
      if (stored !== undefined) row.columns.set(field.column!, stored);
      if (field.name === 'email') row.email = stored as string;
    }
  }
}

/** The largest id a file may give: ids above it would leave the store's own numbering no exact room (2^53). */
export const MAX_OWN_ID = 999_999_999_999_999;

/**
 * This store's own id, from a native file: 1 to MAX_OWN_ID. Another platform's id (Stripe's cus_...) is
 * refused, never taken for one of ours, with the ways to keep it as the source id.
 */
function readOwnId(value: string): number {
  if (/^\d+$/.test(value)) {
    const id = value.length > 16 ? Infinity : Number(value);
    // 0 is no id a store gives: it was taken as no id at all, and the customer silently numbered.
    if (id === 0) {
      throw new ValidationError(`the id ${value} is not one of this store's ids, which start at 1; leave the id out (--map 'id=') and the store numbers the customer`);
    }
    if (id > MAX_OWN_ID) {
      throw new ValidationError(`the id ${value} is above ${MAX_OWN_ID.toLocaleString('en-US')}, the largest this store keeps; leave the id out (--map 'id=') and the store numbers the customer`);
    }
    return parseCount(value, 'the id');
  }
  throw new ValidationError(
    `"${value}" is not one of this store's ids (whole numbers); another platform's id, such as Stripe's cus_..., is a source id: pass --preset stripe, or --map 'id=source_id'`,
  );
}

/** A cell's stored value for a column field; undefined leaves the column as it is (an empty timestamp). */
function readValue(field: FieldDef, value: string, decimalComma: boolean): string | number | null | undefined {
  if (field.emptyKeeps && value === '') return undefined;
  if (field.type === 'timestamp' && value === '') return null;
  switch (field.type) {
    case 'bool':
      return parseBoolean(value) ? 1 : 0;
    case 'int':
      return value === '' ? 0 : parseCount(value, `the ${field.name.replace(/_/g, ' ')}`);
    case 'money':
      return value === '' ? 0 : parseAmount(value.replace(CURRENCY, ''), { decimalComma });
    default:
      return (field.readCell ?? field.normalize ?? String)(value);
  }
}
