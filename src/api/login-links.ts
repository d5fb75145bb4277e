/** Login links for a program: issue, verify, redeem (once, across processes), revoke, list. */
import { ValidationError } from '../common/errors.js';
import { getCustomer, resolveRef } from '../core/customers.js';
import { type CustomerFilter, hasFieldFilter } from '../core/filters.js';
import { DEFAULT_LINK_TTL_SECONDS, LINK_STATUSES } from '../core/link-statuses.js';
import {
  issueLoginLinks, listLoginLinks, loginUrlTemplate, redeemLoginLink, revokeLoginLinks, verifyLoginLink, type IssueResult,
} from '../core/login-links.js';
import { parseDuration } from '../core/values.js';
import type { Store } from '../store/open.js';
import { objectOf, optionalFlag, optionalText, refOf } from './input.js';
import { filterOf } from './query.js';
import type { Customer, CustomerQuery, CustomerRef, Duration, IssuedLoginLink, IssueLinkOptions, LoginLinkRow, LoginLinkState, UsableLoginLink } from './types.js';


/** Seconds, from a number of seconds or a duration as the CLI takes it ("15m"). */
export function durationSeconds(ttl: Duration | undefined, what = 'ttl'): number {
  if (ttl === undefined) return DEFAULT_LINK_TTL_SECONDS;
  if (typeof ttl === 'number') {
    if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new ValidationError(`${what} ${ttl} is not a number of seconds above 0`);
    return ttl;
  }
  if (typeof ttl !== 'string') throw new ValidationError(`${what} is seconds or a duration such as "15m", not ${JSON.stringify(ttl)}`);
  return parseDuration(ttl);
}

export class LoginLinks {
  /** @internal */
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /** A new link for one customer (its older unused links revoked unless keepOthers). */
  issue(ref: CustomerRef, options: IssueLinkOptions = {}): IssuedLoginLink {
    const [link] = this.issueTo({ ids: [resolveRef(this.store.db, refOf(ref))] }, options);
    return link;
  }

  /**
   * A new link for each customer the query selects, in one transaction. A query without filters selects
   * everyone only with { all: true } (as the CLI's --all); ids must all be customers.
   */
  issueMany(query: CustomerQuery & { all?: boolean }, given: IssueLinkOptions = {}): { links: IssuedLoginLink[] } {
    const { all, ...rest } = objectOf(query, 'the query');
    const filter = filterOf(rest);
    if (!hasFieldFilter(filter) && !filter.ids && optionalFlag(all, 'all') !== true) {
      throw new ValidationError('the query selects every customer: pass { all: true } to issue a link to each, or give filters');
    }
    for (const id of filter.ids ?? []) resolveRef(this.store.db, String(id));
    return { links: this.issueTo(filter, given) };
  }

  private issueTo(filter: CustomerFilter, given: IssueLinkOptions): IssuedLoginLink[] {
    const options = objectOf(given, 'the options');
    const result: IssueResult = issueLoginLinks(this.store, filter, {
      template: loginUrlTemplate(this.store.db, optionalText(options.url, 'url')),
      ttlSeconds: durationSeconds(options.ttl),
      keepOthers: optionalFlag(options.keepOthers, 'keepOthers') ?? false,
      createAccount: optionalFlag(options.createAccount, 'createAccount') ?? false,
      now: this.now(),
    });
    return result.links.map(({ lang: _lang, ...link }) => link);
  }

  /**
   * Checks a token (or a whole login URL) without using it. A link that cannot be used throws a
   * LoginLinkError whose code is LINK_UNKNOWN, LINK_EXPIRED, LINK_USED or LINK_REVOKED.
   */
  verify(tokenOrUrl: string): UsableLoginLink {
    return this.usable(verifyLoginLink(this.store.db, checkedToken(tokenOrUrl), this.now()));
  }

  /**
   * Uses a link: of any number of processes redeeming one token at once, exactly one succeeds; the others get
   * LINK_USED. Sets the customer's last_login_at.
   */
  redeem(tokenOrUrl: string): UsableLoginLink {
    return this.usable(redeemLoginLink(this.store, checkedToken(tokenOrUrl), this.now()));
  }

  /**
   * Revokes one link by its id (a number), or every active link of a customer (its e-mail, or
   * { customer: id or e-mail }); returns how many were revoked.
   */
  revoke(target: number | string | { customer: CustomerRef }): number {
    if (typeof target === 'number') {
      if (!Number.isSafeInteger(target) || target <= 0) throw new ValidationError(`a login link id is a whole number above 0, not ${target}`);
      return revokeLoginLinks(this.store, { linkId: target }, this.now());
    }
    if (typeof target === 'string' && !target.includes('@')) {
      throw new ValidationError(`"${target}" is not an e-mail: give a link id as a number (revoke(12)), or a customer as revoke({ customer: 12 })`);
    }
    const ref = typeof target === 'string' ? target : refOf(objectOf(target, 'the link to revoke').customer);
    return revokeLoginLinks(this.store, { customerId: resolveRef(this.store.db, ref) }, this.now());
  }

  /** Links (never their tokens), oldest first, optionally of one customer and in one state. */
  list(given: { customer?: CustomerRef; status?: LoginLinkState } = {}): LoginLinkRow[] {
    const options = objectOf(given, 'the options');
    if (options.status !== undefined && !LINK_STATUSES.includes(options.status)) throw new ValidationError(`status is one of ${LINK_STATUSES.join(', ')}, not ${JSON.stringify(options.status)}`);
    const customerId = options.customer === undefined ? undefined : resolveRef(this.store.db, refOf(options.customer));
    return listLoginLinks(this.store.db, { customerId, status: options.status, now: this.now() });
  }

  private usable(link: { customerId: number; linkId: number; expiresAt: string }): UsableLoginLink {
    return { link: { id: link.linkId, expires_at: link.expiresAt }, customer: getCustomer(this.store.db, link.customerId) as unknown as Customer };
  }
}

function checkedToken(tokenOrUrl: unknown): string {
  if (typeof tokenOrUrl !== 'string' || tokenOrUrl.trim() === '') throw new ValidationError('give the token, or the whole login URL, as text');
  return tokenOrUrl;
}
