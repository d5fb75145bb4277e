/**
 * The customer fields, each declared once: its name in JSON and CSV, its type, where it is stored, the SQL
 * that reads it, who may set it, its command-line flag, prompt label and help. Listing, sorting, --fields,
 * the flags and form of add and edit, creating and editing, CSV import and native export are all derived
 * from this list. Adding a field is an entry here and a migration (src/store/migrations.ts).
 */
import { FULL_NAME_SQL } from '../store/search-index.js';
import { countryCodeForName } from './countries.js';
import { formatAmount, normalizeCountry, normalizeEmail, normalizeGroupName, normalizeKeptText, normalizeLang, normalizeTags, normalizeText, parseBoolean } from './values.js';

export type FieldType = 'int' | 'text' | 'bool' | 'money' | 'tags' | 'timestamp';

/**
 * Where a field lives: a column of `customers`; the customer id; the group (`group_id`, by name); the tag
 * set (`customer_tags`); or nowhere (derived from other fields).
 */
export type FieldStorage = 'column' | 'id' | 'group' | 'tags' | 'derived';

/** Who sets a field: add, edit and update ('editable'); only an import ('imported'); nobody ('derived'). */
export type FieldAccess = 'editable' | 'imported' | 'derived';

export interface FieldDef {
  name: string;
  type: FieldType;
  storage: FieldStorage;
  /** The customers column, for storage 'column' (usually the field's name). */
  column?: string;
  /** Expression over `c` (customers) and `g` (groups) that reads the field in listings. */
  sql: string;
  access: FieldAccess;
  /** Written by a native export and read back by a native import. */
  exported: boolean;
  /** Never listed, shown or exported (a password hash). */
  private?: boolean;
  /** Held by the search index: a change re-indexes the customer. */
  searched?: boolean;
  /** For editable fields: the flag's value name and help, and the label of the interactive form (none: not in the form). */
  flag?: { arg?: string; help: string; negated?: string };
  /** What the field is, for fields without a flag (README's table of fields uses both). */
  doc?: string;
  label?: string;
  /** A table's column heading, where the name is long for a narrow column. */
  heading?: string;
  /** The note keeps line breaks; other text fields are one line. */
  multiline?: boolean;
  /** Digits a spreadsheet may have turned into a number (4.41E+11): such a value is refused (normalizeKeptText). */
  keptAsText?: boolean;
  /** The stored form of a typed value, or a ValidationError; '' clears an optional field (null). */
  normalize?: (raw: string) => string | null;
  /** How a CSV cell is read, where other platforms write it differently from what a user types. */
  readCell?: (raw: string) => string | null;
  /** An empty cell leaves the stored value as it is, instead of clearing it (a password hash a file lacks). */
  emptyKeeps?: boolean;
  /** A free text: an empty flag value means no value, even on add (codes and names must be given). */
  freeText?: boolean;
  /** Says who the customer is: a customer needs at least one such field (the e-mail is optional). */
  identifies?: boolean;
  /** Part of the customer's address, which an address file (or another address of a customer) sets. */
  address?: boolean;
  /**
   * Sorted as stored, not folded: its stored form is already lower- or upper-case codes, so that the sort can
   * read the field's index in order (50 entries instead of folding a million values).
   */
  sortsAsStored?: boolean;
}

const column = (name: string, type: FieldType, rest: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  storage: 'column',
  column: name,
  sql: `c.${name}`,
  access: 'editable',
  exported: true,
  ...rest,
});

const what = (name: string) => name.replace(/_/g, ' ');

/** Order statistics as listings, filters and sorts read them: imported and ledger figures together. */
export const ORDER_COUNT_SQL = '(c.order_count + c.ledger_orders)';
export const TOTAL_SPENT_SQL = '(c.total_spent_minor + c.ledger_spent_minor)';
/** The earlier (later) of two times either of which may be missing. */
const earliest = (a: string, b: string) => `coalesce(min(${a}, ${b}), ${a}, ${b})`;
const latest = (a: string, b: string) => `coalesce(max(${a}, ${b}), ${a}, ${b})`;
export const FIRST_ORDER_SQL = earliest('c.first_order_at', 'c.ledger_first_at');
export const LAST_ORDER_SQL = latest('c.last_order_at', 'c.ledger_last_at');

/** An optional text field, typed on a flag (`--postal-code <code>`) and in the form. */
function text(name: string, help: string, label: string, options: Partial<FieldDef> & { arg?: string } = {}): FieldDef {
  const { arg = name.split('_').pop(), ...rest } = options;
  const said = what(name);
  const how = { multiline: rest.multiline };
  const normalize = rest.keptAsText ? (raw: string) => normalizeKeptText(raw, said) : (raw: string) => normalizeText(raw, said, how);
  return column(name, 'text', { flag: { arg: `<${arg}>`, help }, label, normalize, freeText: true, ...rest });
}

/** An optional code checked by `check` ('' clears it). */
const optional = (check: (raw: string) => string) => (raw: string) => (raw.trim() === '' ? null : check(raw));

const imported = (name: string, type: FieldType, rest: Partial<FieldDef> = {}): FieldDef => column(name, type, { access: 'imported', ...rest });

/** Every field, in the order listings show them. */
export const FIELDS: readonly FieldDef[] = [
  {
    name: 'id', type: 'int', storage: 'id', sql: 'c.id', access: 'imported', exported: true,
    doc: 'assigned by the store, never reused; a native import keeps the file\'s id where no customer has or had it',
  },
  column('email', 'text', {
    searched: true, identifies: true, flag: { arg: '<email>', help: 'e-mail address (unique; optional when a phone, name or company is given)' },
    label: 'E-mail', normalize: optional(normalizeEmail), sortsAsStored: true,
    // An empty cell keeps a stored e-mail: a file without one must not make a customer unreachable.
    emptyKeeps: true,
  }),
  text('first_name', 'first name', 'First name', { searched: true, identifies: true }),
  text('last_name', 'last name', 'Last name', { searched: true, identifies: true }),
  {
    name: 'name', type: 'text', storage: 'derived', sql: `nullif(${FULL_NAME_SQL}, '')`, access: 'derived', exported: false,
    doc: 'first and last name, for display',
  },
  text('phone', 'phone number, kept as typed', 'Phone', { searched: true, keptAsText: true, identifies: true, address: true }),
  text('company', 'company name', 'Company', { searched: true, identifies: true, address: true }),
  {
    name: 'group', type: 'text', storage: 'group', sql: 'g.name', access: 'editable', exported: true, label: 'Group',
    flag: { arg: '<name>', help: 'customer group (created if missing)', negated: 'remove from its group' },
    normalize: optional(normalizeGroupName),
  },
  column('tax_exempt', 'bool', { flag: { help: 'exempt from tax', negated: 'no longer exempt from tax' }, label: 'Tax-exempt?' }),
  text('tax_id', 'VAT or tax number', 'Tax id', { keptAsText: true }),
  column('accepts_marketing', 'bool', {
    flag: { help: 'consents to marketing e-mails', negated: 'withdraw marketing consent' }, label: 'Accepts marketing e-mails?',
  }),
  column('accepts_sms_marketing', 'bool', {
    flag: { help: 'consents to marketing text messages (SMS)', negated: 'withdraw SMS marketing consent' }, label: 'Accepts marketing SMS?',
    doc: 'consent to marketing SMS; consent is given per channel',
  }),
  column('lang', 'text', {
    flag: { arg: '<code>', help: 'language of e-mails to the customer: en, fr, it, nl, ...' }, label: 'Language (en, fr, ...)', normalize: optional(normalizeLang),
  }),
  text('note', 'private merchant note', 'Note', { multiline: true, arg: 'text' }),
  {
    name: 'tags', type: 'tags', storage: 'tags', access: 'editable', exported: true, label: 'Tags (comma-separated)',
    doc: 'a set of short labels, compared ignoring case; no invisible characters (zero-width, bidirectional)',
    sql: `(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag))`,
    flag: { arg: '<tag>', help: 'tag (repeatable)' },
  },
  text('street', 'street address', 'Street', { address: true }),
  text('street2', 'second address line', 'Street, line 2', { arg: 'street', address: true }),
  text('city', 'city', 'City', { address: true }),
  text('region', 'region, state or province', 'Region', { address: true }),
  text('postal_code', 'postal code, kept as text', 'Postal code', { keptAsText: true, address: true }),
  column('country', 'text', {
    flag: { arg: '<code>', help: 'country, ISO 3166-1 alpha-2 code such as FR' }, label: 'Country (ISO code such as FR)', normalize: optional(normalizeCountry), address: true,
    sortsAsStored: true,
    // Platforms write country names ("France", "Belgique") as often as codes.
    readCell: optional((raw) => (raw.trim().length === 2 ? normalizeCountry(raw) : (countryCodeForName(raw) ?? normalizeCountry(raw)))),
  }),
  // Not in the edit form (label: undefined): set by imports, or by a script with --source-id.
  text('source_id', "the customer's id on the platform it came from (Shopify Customer ID, ...)", '', {
    keptAsText: true, arg: 'id', label: undefined, doc: "the customer's id on the platform it came from; a re-import finds the customer by it",
    // A file without this customer's id (another platform's, or a guest row) does not erase it.
    emptyKeeps: true,
  }),
  imported('source', 'text', { normalize: (raw) => normalizeText(raw, 'the source'), doc: 'the platform source_id belongs to (shopify, woocommerce, ...), set by the import that read it' }),
  // The statistics are what an import brought (the column) and the orders ledger's figures together (orders.ts).
  imported('order_count', 'int', { sql: ORDER_COUNT_SQL, heading: 'orders', doc: 'number of orders: the orders ledger\'s and those an import brought from another platform' }),
  imported('total_spent', 'money', { column: 'total_spent_minor', sql: TOTAL_SPENT_SQL, heading: 'spent', doc: 'amount spent in the store currency, exact to the cent ("59.90"), ledger and imported together' }),
  imported('first_order_at', 'timestamp', { sql: FIRST_ORDER_SQL, doc: 'when the first order was placed (ledger or imported)' }),
  imported('last_order_at', 'timestamp', { sql: LAST_ORDER_SQL, doc: 'when the last order was placed (ledger or imported)' }),
  column('has_account', 'bool', {
    flag: { help: 'has a store account (signs in with login links)', negated: 'make it a contact without an account (its unused login links are revoked)' },
    // Not in the interactive form: a change of account is a decision of its own (it revokes login links).
    doc: 'whether the customer has a store account; contacts and guest buyers do not (add: yes unless --no-account)',
  }),
  imported('last_login_at', 'timestamp', { doc: 'when one of its login links was last redeemed' }),
  imported('created_at', 'timestamp', { emptyKeeps: true, doc: 'when the customer was created (ISO 8601, UTC)' }),
  imported('updated_at', 'timestamp', { emptyKeeps: true, doc: 'when a value last changed (ISO 8601, UTC)' }),
  imported('password_hash', 'text', { exported: false, private: true, emptyKeeps: true, doc: 'hash of an imported password; never shown' }),
];

/** The fields a listing, `show` and --fields offer: all but the private ones. */
export const CUSTOMER_FIELDS: readonly FieldDef[] = FIELDS.filter((f) => !f.private);

/** Fields that add, edit and update set. */
export const EDITABLE_FIELDS: readonly FieldDef[] = FIELDS.filter((f) => f.access === 'editable');

/**
 * The editable fields in the order of the interactive form and of "Changed ..." reports: the typed
 * fields first, then the group, the yes/no fields and the tags.
 */
export const FORM_FIELDS: readonly FieldDef[] = [...EDITABLE_FIELDS].sort((a, b) => formStage(a) - formStage(b));

function formStage(f: FieldDef): number {
  if (f.storage === 'group') return 1;
  if (f.type === 'bool') return 2;
  if (f.type === 'tags') return 3;
  return 0;
}

/** Columns of `customers` an import may set (besides id, group and tags). */
export const IMPORTED_COLUMN_FIELDS: readonly FieldDef[] = FIELDS.filter((f) => f.storage === 'column' && f.access !== 'derived');

/** Fields the native CSV format holds, in its column order. */
export const NATIVE_FIELDS: readonly FieldDef[] = FIELDS.filter((f) => f.exported);

/** The columns that say who a customer is: every customer has at least one (e-mail, phone, names, company). */
export const IDENTITY_FIELDS: readonly FieldDef[] = FIELDS.filter((f) => f.identifies);
export const IDENTITY_COLUMNS: readonly string[] = IDENTITY_FIELDS.map((f) => f.column!);

/** The columns of a customer's address (see FieldDef.address). */
export const ADDRESS_COLUMNS: readonly string[] = FIELDS.filter((f) => f.address).map((f) => f.column!);

/** Names of the fields the search index holds. */
export const SEARCHED_FIELDS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.searched).map((f) => f.name));

/**
 * What a table shows when --fields is not given (other formats show every field): id, name, email, group,
 * country, orders and spent always, cut to fit the terminal; TABLE_OPTIONAL_FIELDS too where it is wide enough.
 */
export const TABLE_FIELDS: readonly string[] = ['id', 'name', 'email', 'phone', 'company', 'group', 'country', 'order_count', 'total_spent', 'tags'];
export const TABLE_OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['phone', 'company', 'tags']);

export function fieldNamed(name: string): FieldDef | undefined {
  return FIELDS.find((f) => f.name === name);
}

/** The command-line flag of a field: first_name -> --first-name. */
export function flagOf(field: FieldDef): string {
  return `--${field.name.replace(/_/g, '-')}`;
}

/**
 * Fields a listing can be sorted by (every field but tags). Text sorts ignore case and accents
 * ("Åberg" between "Aalto" and "Dupont"), but e-mails and country codes sort as stored (lower-case addresses,
 * upper-case codes: by their index); `name` sorts by last name (the first name where there is none),
 * then first name. Customers without the value come last, in either direction. Each is a list of ORDER BY
 * terms (an expression may hold commas).
 */
export const SORT_SQL: ReadonlyMap<string, readonly string[]> = new Map(
  CUSTOMER_FIELDS.filter((f) => f.type !== 'tags').map((f) => [
    f.name,
    f.name === 'name'
      ? ['customers_fold(coalesce(c.last_name, c.first_name))', 'customers_fold(c.first_name)']
      : [f.type === 'text' && !f.sortsAsStored ? `customers_fold(${f.sql})` : f.sql],
  ]),
);

export type FieldValue = string | number | boolean | string[] | null;
export type Item = Record<string, FieldValue>;

/** A value given for an editable field: text (null clears it), a yes/no, or a tag set. */
export type InputValue = string | boolean | string[] | null;

/**
 * The stored form of a value given for an editable field (from a flag, the form or a program): text
 * normalised and checked, '' or null clearing an optional field, booleans as booleans, tags de-duplicated.
 */
export function normalizeValue(field: FieldDef, value: InputValue): InputValue {
  if (field.type === 'bool') return typeof value === 'string' ? parseBoolean(value) : Boolean(value);
  if (field.type === 'tags') return normalizeTags(Array.isArray(value) ? value : String(value ?? '').split(',').filter((t) => t.trim() !== ''));
  if (value === null) return null;
  return field.normalize ? field.normalize(String(value)) : String(value);
}

const TAG_SEPARATOR = '\u001f';

/**
 * Turns a row of raw SQL values (in the order of `fields`) into the field types: booleans, amounts as
 * "59.90", tags as arrays. `into` lets a caller that streams (export) reuse one object for every row.
 */
export function decodeRow(row: readonly unknown[], fields: readonly FieldDef[], into: Item = {}): Item {
  const out = into;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const v = row[i];
    switch (f.type) {
      case 'bool':
        out[f.name] = v === 1;
        break;
      case 'money':
        out[f.name] = formatAmount(v as number);
        break;
      case 'tags':
        out[f.name] = typeof v === 'string' && v !== '' ? v.split(TAG_SEPARATOR) : [];
        break;
      default:
        out[f.name] = (v ?? null) as FieldValue;
    }
  }
  return out;
}

/** The SELECT list for the given fields, each aliased to its field name. */
export function selectList(fields: readonly FieldDef[]): string {
  return fields.map((f) => `${f.sql} AS "${f.name}"`).join(', ');
}
