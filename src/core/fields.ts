/**
 * The customer fields of the contract (SPEC.md "A customer"): their names in JSON/CSV, their types,
 * and the SQL that reads each one. Listing, sorting, --fields and export are all driven from here.
 */
import { formatAmount } from './values.js';

export type FieldType = 'int' | 'text' | 'bool' | 'money' | 'tags' | 'timestamp';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Expression over `c` (customers) and `g` (groups). */
  sql: string;
}

const TAG_SEPARATOR = '\u001f';

const NAME_SQL = "trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))";

function column(name: string, type: FieldType = 'text'): FieldDef {
  return { name, type, sql: `c.${name}` };
}

export const CUSTOMER_FIELDS: readonly FieldDef[] = [
  column('id', 'int'),
  column('email'),
  column('first_name'),
  column('last_name'),
  { name: 'name', type: 'text', sql: `nullif(${NAME_SQL}, '')` },
  column('phone'),
  column('company'),
  { name: 'group', type: 'text', sql: 'g.name' },
  column('tax_exempt', 'bool'),
  column('tax_id'),
  column('accepts_marketing', 'bool'),
  column('lang'),
  column('note'),
  {
    name: 'tags',
    type: 'tags',
    sql: `(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag))`,
  },
  column('street'),
  column('street2'),
  column('city'),
  column('region'),
  column('postal_code'),
  column('country'),
  column('order_count', 'int'),
  { name: 'total_spent', type: 'money', sql: 'c.total_spent_minor' },
  column('created_at', 'timestamp'),
  column('updated_at', 'timestamp'),
];

/** What a table shows when --fields is not given; other formats show every field. */
export const TABLE_FIELDS: readonly string[] = ['id', 'name', 'email', 'phone', 'group', 'country', 'order_count', 'total_spent', 'tags'];

/**
 * Fields a listing can be sorted by (every field but tags). Text sorts ignore case and accents
 * ("Åberg" between "Aalto" and "Dupont"); `name` sorts by last name, then first name.
 */
export const SORT_SQL: ReadonlyMap<string, string> = new Map(
  CUSTOMER_FIELDS.filter((f) => f.type !== 'tags').map((f) => [
    f.name,
    f.name === 'name'
      ? 'customers_fold(c.last_name), customers_fold(c.first_name)'
      : f.type === 'text' ? `customers_fold(${f.sql})` : f.sql,
  ]),
);

export type FieldValue = string | number | boolean | string[] | null;
export type Item = Record<string, FieldValue>;

/**
 * Turns a row of raw SQL values (in the order of `fields`) into the contract's types: booleans, amounts as
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

/** The SELECT list for the given fields, each aliased to its contract name. */
export function selectList(fields: readonly FieldDef[]): string {
  return fields.map((f) => `${f.sql} AS "${f.name}"`).join(', ');
}
