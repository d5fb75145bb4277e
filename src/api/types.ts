/**
 * The library's public types: what a program passes in and gets back. Field names are those of the CLI's
 * JSON (README, "Fields"); test/api.test.ts checks that Customer names every listed field.
 */
import type { GroupCreation } from '../core/customers.js';
import type { CustomerFilter } from '../core/filters.js';
import type { LinkListRow, LoginLinkStatus } from '../core/login-links.js';

/** A customer as `show --json` prints it. Amounts are decimal strings ("59.90"), timestamps ISO 8601 UTC. */
export type Customer = {
  id: number;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  /** First and last name, for display. */
  name: string | null;
  phone: string | null;
  company: string | null;
  group: string | null;
  tax_exempt: boolean;
  tax_id: string | null;
  accepts_marketing: boolean;
  accepts_sms_marketing: boolean;
  lang: string | null;
  note: string | null;
  tags: string[];
  street: string | null;
  street2: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
  source_id: string | null;
  source: string | null;
  order_count: number;
  total_spent: string;
  first_order_at: string | null;
  last_order_at: string | null;
  has_account: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
};

/** A customer's id, or its e-mail address (compared ignoring case). */
export type CustomerRef = number | string;

/**
 * The fields add and update set: text (null or '' clears an optional field), booleans, a tag set. Values
 * are checked and normalised as the CLI does (e-mail, country code, language, phone kept as typed).
 */
export interface CustomerFields {
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  company?: string | null;
  /** The group's name; it must exist (groups.create) unless the write's createGroup option is set. null: no group. */
  group?: string | null;
  tax_exempt?: boolean;
  tax_id?: string | null;
  accepts_marketing?: boolean;
  accepts_sms_marketing?: boolean;
  lang?: string | null;
  note?: string | null;
  tags?: string[];
  street?: string | null;
  street2?: string | null;
  city?: string | null;
  region?: string | null;
  postal_code?: string | null;
  country?: string | null;
  source_id?: string | null;
  /** Whether the customer has a store account (login links are for account holders); add: true by default. */
  has_account?: boolean;
}

/**
 * How add and update treat a group the store lacks: `createGroup` creates it with the customer's change, in
 * one transaction (a failed change leaves no group; default false: NOT_FOUND); `onGroupCreated` is told its
 * name once the change is written.
 */
export type WriteOptions = GroupCreation;

/** An update: the fields to set, and tags to add or remove without replacing the set. */
export interface CustomerChangesInput extends CustomerFields {
  add_tags?: string[];
  remove_tags?: string[];
}

/**
 * Which customers: the filters of `customers list`, combined with AND (groups: any of; tags: all of; search:
 * text anywhere in the name, e-mail, phone or company, ignoring case and accents). Amounts are decimal
 * (59.90 or "59.90"); dates are YYYY-MM-DD or ISO 8601 timestamps.
 */
export type CustomerQuery = Omit<CustomerFilter, 'minSpent' | 'maxSpent'> & {
  minSpent?: number | string;
  maxSpent?: number | string;
};

export interface ListOptions extends CustomerQuery {
  /** A sortable field, optionally with ":desc" ("total_spent:desc"); default "id". */
  sort?: string;
  limit?: number;
  offset?: number;
}

/** A duration: seconds, or text with a unit as the CLI takes it ("30s", "15m", "2h", "14d"). */
export type Duration = number | string;

export interface IssueLinkOptions {
  /** How long the link works; default 14 days. */
  ttl?: Duration;
  /** URL template with {token} (and {email}, {id}); default: the store.login_url setting. */
  url?: string;
  /** Keep the customer's older unused links (by default they are revoked). */
  keepOthers?: boolean;
  /** Give a store account to a customer who has none (else a contact is refused). */
  createAccount?: boolean;
}

/** A link as issued: the only time its token (and URL) is known; the store keeps a hash. */
export interface IssuedLoginLink {
  id: number;
  customer_id: number;
  email: string | null;
  token: string;
  url: string;
  expires_at: string;
}

/** A link that was verified or redeemed, with its customer. */
export interface UsableLoginLink {
  link: { id: number; expires_at: string };
  customer: Customer;
}

export type LoginLinkState = LoginLinkStatus;

/** A link as `login-link list` shows it: never its token. */
export type LoginLinkRow = LinkListRow;
