/**
 * Customer selection: the filters of list, search, update, delete and export, explicit ids and search text, turned into one SQL WHERE clause.
 * Filters combine with AND; --group is any-of, --tag is all-of.
 */
import type { Db } from '../store/open.js';
import { foldText } from '../common/fold.js';
import { SEARCHED_COLUMNS_SQL, trigramQuery } from '../store/search-index.js';
import { FIRST_ORDER_SQL, LAST_ORDER_SQL, ORDER_COUNT_SQL, TOTAL_SPENT_SQL } from './fields.js';
import { requireGroupId } from './groups.js';
import { unicodeDomainLabels } from './values.js';

export interface CustomerFilter {
  ids?: number[];
  groups?: string[];
  noGroup?: boolean;
  /** With an e-mail address (true) or without one (false). */
  hasEmail?: boolean;
  taxExempt?: boolean;
  acceptsMarketing?: boolean;
  acceptsSmsMarketing?: boolean;
  minOrders?: number;
  maxOrders?: number;
  /** Amounts in minor units. */
  minSpent?: number;
  maxSpent?: number;
  tags?: string[];
  country?: string;
  lang?: string;
  sourceId?: string;
  createdAfter?: string;
  createdBefore?: string;
  orderedAfter?: string;
  orderedBefore?: string;
  hasAccount?: boolean;
  loggedInAfter?: string;
  loggedInBefore?: string;
  search?: string;
}

export interface Where {
  /** The FROM source that binds `c`: the customers table, or the search index joined to it. */
  from: string;
  sql: string;
  params: unknown[];
  /** The id column to order by; with a search, the index's rowid, which it can deliver in order. */
  idSql: string;
}

const CUSTOMERS = 'customers c';
const SEARCH_JOIN = 'customers_search JOIN customers c ON c.id = customers_search.rowid';

/** True when the filter restricts by a field (not only by ids): what delete/update require besides --all. */
export function hasFieldFilter(filter: CustomerFilter): boolean {
  return Object.entries(filter).some(([key, value]) => key !== 'ids' && value !== undefined);
}

/** Builds the WHERE clause over `c` (customers). Unknown group names are an error that lists the known ones. */
export function buildWhere(db: Db, filter: CustomerFilter): Where {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    clauses.push(sql);
    params.push(...values);
  };

  if (filter.ids) add(`c.id IN (SELECT value FROM json_each(?))`, JSON.stringify(filter.ids));
  if (filter.groups?.length) {
    const ids = filter.groups.map((name) => requireGroupId(db, name));
    add(ids.length === 1 ? 'c.group_id = ?' : `c.group_id IN (${ids.map(() => '?').join(', ')})`, ...ids);
  }
  if (filter.noGroup) add('c.group_id IS NULL');
  if (filter.hasEmail !== undefined) add(filter.hasEmail ? 'c.email IS NOT NULL' : 'c.email IS NULL');
  if (filter.taxExempt !== undefined) add('c.tax_exempt = ?', filter.taxExempt ? 1 : 0);
  if (filter.acceptsMarketing !== undefined) add('c.accepts_marketing = ?', filter.acceptsMarketing ? 1 : 0);
  if (filter.acceptsSmsMarketing !== undefined) add('c.accepts_sms_marketing = ?', filter.acceptsSmsMarketing ? 1 : 0);
  if (filter.minOrders !== undefined) add(`${ORDER_COUNT_SQL} >= ?`, filter.minOrders);
  if (filter.maxOrders !== undefined) add(`${ORDER_COUNT_SQL} <= ?`, filter.maxOrders);
  if (filter.minSpent !== undefined) add(`${TOTAL_SPENT_SQL} >= ?`, filter.minSpent);
  if (filter.maxSpent !== undefined) add(`${TOTAL_SPENT_SQL} <= ?`, filter.maxSpent);
  // Ordered after D: the last order is on or after it; before D: the first one is before it.
  if (filter.orderedAfter !== undefined) add(`${LAST_ORDER_SQL} >= ?`, filter.orderedAfter);
  if (filter.orderedBefore !== undefined) add(`${FIRST_ORDER_SQL} < ?`, filter.orderedBefore);
  if (filter.hasAccount !== undefined) add('c.has_account = ?', filter.hasAccount ? 1 : 0);
  if (filter.loggedInAfter !== undefined) add('c.last_login_at >= ?', filter.loggedInAfter);
  if (filter.loggedInBefore !== undefined) add('c.last_login_at < ?', filter.loggedInBefore);
  // IN rather than EXISTS: the planner can then start from the (usually rarer) tag's index entries.
  for (const tag of filter.tags ?? []) add('c.id IN (SELECT t.customer_id FROM customer_tags t WHERE t.tag = ?)', tag);
  if (filter.country !== undefined) add('c.country = ?', filter.country);
  if (filter.lang !== undefined) add('c.lang = ? COLLATE NOCASE', filter.lang);
  if (filter.sourceId !== undefined) add('c.source_id = ?', filter.sourceId);
  if (filter.createdAfter !== undefined) add('c.created_at >= ?', filter.createdAfter);
  if (filter.createdBefore !== undefined) add('c.created_at < ?', filter.createdBefore);
  let indexed = false;
  if (filter.search !== undefined) {
    const search = searchClause(filter.search);
    indexed = search.indexed;
    add(search.sql, ...search.params);
  }
  return {
    from: indexed ? SEARCH_JOIN : CUSTOMERS,
    sql: clauses.length ? clauses.join(' AND ') : '1',
    params,
    idSql: indexed ? 'customers_search.rowid' : 'c.id',
  };
}

/** Text that can only be (part of) a phone number: digits and the punctuation phones are written with. */
const PHONE_LIKE = /^[\d\s+()./-]*\d[\d\s+()./-]*$/;

function searchClause(text: string): { sql: string; params: unknown[]; indexed: boolean } {
  // The index holds phones as bare digits, without a "(0)": "+33 (0)6 12" is looked up as "33612".
  const folded = PHONE_LIKE.test(text.trim()) ? text.replace(/\(0\)/g, '').replace(/\D/g, '') : foldText(unicodeDomainLabels(text.trim()));
  // The same text as the index holds, read row by row: what a search finally checks. lower() changes only
  // ASCII capitals and the searched text has none (nor accents): where the lower-cased row holds it, the
  // folded row does too, and the fold (a JavaScript call per row) is skipped: counting the 53,000 customers
  // at gmail among 1,000,000 took 270 ms with the fold alone, 210 ms so.
  const row = SEARCHED_COLUMNS_SQL.join(' || char(10) || ');
  const inRow = `(instr(lower(${row}), ?) > 0 OR instr(customers_fold(${row}), ?) > 0)`;
  // The trigram index finds the customers holding every trigram of three characters or more; their rows
  // say which hold the text in one piece. Shorter ones are read row by row.
  if ([...folded].length >= 3) {
    return { sql: `customers_search MATCH ? AND ${inRow}`, params: [trigramQuery(folded), folded, folded], indexed: true };
  }
  return { sql: inRow, params: [folded, folded], indexed: false };
}
