/**
 * One-time login links: a random 256-bit token per link, of which only the SHA-256 hash is stored.
 * A link works once, until it expires or is revoked; issuing a new one revokes the customer's older
 * unused links unless asked to keep them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Db, Rollback, type Store } from '../store/open.js';
import { type ErrorCode, NotFoundError, ValidationError } from '../common/errors.js';
import { buildWhere, type CustomerFilter } from './filters.js';
import { recordIrreversible } from './history.js';
import type { LoginLinkStatus } from './link-statuses.js';
import { accountsPolicy } from './orders.js';
import { checkLoginUrlTemplate, getSetting } from './settings.js';
import { checkDuration, formatTimestamp } from './values.js';

export type { LoginLinkStatus } from './link-statuses.js';
export type LoginLinkFailure = 'unknown' | 'expired' | 'used' | 'revoked';

/** A link as printed once at issue: the only time its URL (and token) is known. */
export interface IssuedLink {
  id: number;
  customer_id: number;
  email: string | null;
  lang: string | null;
  /** The token itself (in the URL too): a program driving a login page may want it bare. */
  token: string;
  url: string;
  expires_at: string;
}

/** 32 random bytes, base64url: 43 characters, safe in a URL as they are. */
const TOKEN_BYTES = 32;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new token. One base64url token in 64 would start with "-", which a command line reads as an option
 * (`customers login-link redeem -E9T...` fails): such draws are taken again, which costs under 0.2 bits.
 */
export function newToken(): string {
  for (;;) {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The URL template: the one given, else the store.login_url setting; checked either way. */
export function loginUrlTemplate(db: Db | undefined, given: string | undefined): string {
  const template = given ?? (db ? getSetting(db, 'store.login_url') : undefined);
  if (template === undefined) {
    throw new ValidationError('no login URL: pass --url, or set one for the store', [
      "customers config set store.login_url 'https://shop.example.com/account/login?key={token}'",
    ]);
  }
  return checkLoginUrlTemplate(template);
}

function fillTemplate(template: string, values: { token: string; email: string | null; id: number }): string {
  return template.replace(/\{(token|email|id)\}/g, (_, key: 'token' | 'email' | 'id') => encodeURIComponent(String(values[key] ?? '')));
}

export interface IssueOptions {
  template: string;
  ttlSeconds: number;
  keepOthers: boolean;
  now: Date;
  /** The links are to be e-mailed: leave out customers without an e-mail address. */
  forMail?: boolean;
  /**
   * Resume an interrupted send: only customers whose latest active link was never e-mailed get a link, a new
   * one in its place (its token is not kept, so it cannot be sent again); that unsent link is revoked even
   * with keepOthers. The others are passed over.
   */
  unsentOnly?: boolean;
  /** Do it all, say what was done, keep nothing (no link is issued or revoked). */
  dryRun?: boolean;
  /** Give an account to selected customers who have none (contacts): login links are for account holders. */
  createAccount?: boolean;
}

/** A selected customer who gets no link: no e-mail address to send it to, or (unsentOnly) no unsent link. */
export interface PassedOver {
  customer_id: number;
  email: string | null;
  why: 'no e-mail' | 'no unsent link';
}

export interface IssueResult {
  links: IssuedLink[];
  passedOver: PassedOver[];
}

type Selected = { id: number; email: string | null; lang: string | null; has_account: number };

/**
 * Issues a link to every selected customer, in one transaction. Each gets a new one, even one whose earlier
 * link was e-mailed and is unused (a REF named again, a bulk send run again), except with unsentOnly.
 */
export function issueLoginLinks(store: Store, filter: CustomerFilter, options: IssueOptions): IssueResult {
  const now = formatTimestamp(options.now);
  checkDuration(options.ttlSeconds, `a lifetime of ${options.ttlSeconds} seconds`);
  return store.write(() => {
    const db = store.db;
    const where = buildWhere(db, filter);
    const customers = db.prepare(`SELECT c.id, c.email, c.lang, c.has_account FROM ${where.from} WHERE ${where.sql} ORDER BY c.id`).all(...where.params) as Selected[];
    const unsent = unsentLinkOf(db, now);
    const result: IssueResult = { links: [], passedOver: [] };
    const chosen = customers.filter((c) => {
      const why = options.forMail && c.email === null ? 'no e-mail' : options.unsentOnly && unsent(c.id) === undefined ? 'no unsent link' : undefined;
      if (why) result.passedOver.push({ customer_id: c.id, email: c.email, why });
      return why === undefined;
    });
    giveAccounts(db, chosen.filter((c) => !c.has_account), options.createAccount === true);
    for (const c of chosen) {
      if (options.unsentOnly) db.prepare('UPDATE login_links SET revoked_at = ? WHERE id = ?').run(now, unsent(c.id));
      const link = newLinkRow(db, { customerId: c.id, email: c.email, template: options.template, created: options.now, ttlSeconds: options.ttlSeconds, revokeOthers: !options.keepOthers });
      result.links.push({ ...link, lang: c.lang });
    }
    if (result.links.length) recordIrreversible(store, 'login-link issue', options.now, result.links.map((l) => l.customer_id));
    return options.dryRun ? new Rollback(result) : result;
  });
}

/** The id of the customer's latest active link when it was never e-mailed; undefined when it was, or there is none. */
function unsentLinkOf(db: Db, now: string): (customerId: number) => number | undefined {
  const latest = db.prepare(
    'SELECT id, sent_at FROM login_links WHERE customer_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1',
  );
  return (customerId) => {
    const row = latest.get(customerId, now) as { id: number; sent_at: string | null } | undefined;
    return row && row.sent_at === null ? row.id : undefined;
  };
}

/**
 * One new link of a customer (inside a write), revoking its other unused ones unless asked not to; the URL
 * holds the token, which is known only now.
 */
export function newLinkRow(
  db: Db,
  link: { customerId: number; email: string | null; template: string; created: Date; ttlSeconds: number; revokeOthers: boolean },
): Omit<IssuedLink, 'lang'> {
  const created = formatTimestamp(link.created);
  const expires = formatTimestamp(new Date(link.created.getTime() + link.ttlSeconds * 1000));
  if (link.revokeOthers) {
    db.prepare('UPDATE login_links SET revoked_at = ? WHERE customer_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?').run(created, link.customerId, created);
  }
  const token = newToken();
  const id = Number(db.prepare('INSERT INTO login_links (customer_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)').run(link.customerId, hashToken(token), created, expires).lastInsertRowid);
  return { id, customer_id: link.customerId, email: link.email, token, url: fillTemplate(link.template, { token, email: link.email, id: link.customerId }), expires_at: expires };
}

/** Login links are for account holders: contacts get one only when asked (--create-account), else a refusal. */
function giveAccounts(db: Db, contacts: readonly { id: number; email: string | null }[], create: boolean): void {
  if (!contacts.length) return;
  if (!create) {
    const first = contacts[0];
    const who = contacts.length === 1 ? `customer ${first.id}${first.email ? ` (${first.email})` : ''} has` : `${contacts.length.toLocaleString('en-US')} of the selected customers (the first: ${first.id}) have`;
    throw new ValidationError(`${who} no store account, and login links are for account holders; nothing was issued`, [
      `Give it one: customers edit ${first.id} --has-account; or pass --create-account to give one to each; or select only account holders with --has-account.`,
    ]);
  }
  if (accountsPolicy(db).accounts === 'disabled') {
    throw new ValidationError('the store has no customer accounts (store.accounts is disabled): --create-account cannot give one; nothing was issued', [
      'Allow accounts first: customers config set store.accounts optional',
    ]);
  }
  db.prepare('UPDATE customers SET has_account = 1 WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(contacts.map((c) => c.id)));
}

interface LinkRow {
  id: number;
  customer_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

/** A login link that cannot be used, with the reason: unknown, expired, used or revoked. */
export class LoginLinkError extends ValidationError {
  /** LINK_UNKNOWN, LINK_EXPIRED, LINK_USED or LINK_REVOKED. */
  override readonly code: ErrorCode;
  constructor(readonly reason: LoginLinkFailure, message: string) {
    super(`${reason}: ${message}`);
    this.code = `LINK_${reason.toUpperCase() as Uppercase<LoginLinkFailure>}`;
  }
}

/**
 * The tokens a bare token or a whole login URL may carry: the text read as a URL (relative ones too, so a
 * bare token is a path segment), each path segment and query value that is a token exactly. Templates put
 * {token} only there (checkLoginUrlTemplate); a token with anything around it is no token.
 */
function candidateTokens(tokenOrUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(tokenOrUrl.trim(), 'https://login-link.invalid/');
  } catch {
    return [];
  }
  const segments = url.pathname.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment; // a stray "%": not a token anyway
    }
  });
  return [...new Set([...segments, ...url.searchParams.values()].filter((part) => TOKEN_RE.test(part)))];
}

function findLink(db: Db, tokenOrUrl: string): LinkRow {
  for (const token of candidateTokens(tokenOrUrl)) {
    const row = db.prepare('SELECT id, customer_id, created_at, expires_at, used_at, revoked_at FROM login_links WHERE token_hash = ?').get(hashToken(token)) as LinkRow | undefined;
    if (row) return row;
  }
  throw new LoginLinkError('unknown', 'no login link has this token (it may have been purged, or mistyped)');
}

function whyUnusable(link: LinkRow, now: string): LoginLinkError | undefined {
  if (link.used_at) return new LoginLinkError('used', `this login link was already used, at ${link.used_at}`);
  if (link.revoked_at) return new LoginLinkError('revoked', `this login link was revoked at ${link.revoked_at}`);
  if (link.expires_at <= now) return new LoginLinkError('expired', `this login link expired at ${link.expires_at}`);
  return undefined;
}

/** Checks a link without using it; returns the customer id and the link. */
export function verifyLoginLink(db: Db, tokenOrUrl: string, nowDate: Date): { customerId: number; linkId: number; expiresAt: string } {
  const link = findLink(db, tokenOrUrl);
  const problem = whyUnusable(link, formatTimestamp(nowDate));
  if (problem) throw problem;
  return { customerId: link.customer_id, linkId: link.id, expiresAt: link.expires_at };
}

/**
 * Uses a link, atomically: one UPDATE that succeeds only while the link is unused, unrevoked and unexpired,
 * so of two processes redeeming the same token at once exactly one succeeds.
 */
export function redeemLoginLink(store: Store, tokenOrUrl: string, nowDate: Date): { customerId: number; linkId: number; expiresAt: string } {
  const now = formatTimestamp(nowDate);
  return store.write(() => {
    const link = findLink(store.db, tokenOrUrl);
    const used = store.db
      .prepare('UPDATE login_links SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?')
      .run(now, link.id, now);
    if (used.changes === 1) {
      store.db.prepare('UPDATE customers SET last_login_at = ? WHERE id = ?').run(now, link.customer_id);
      recordIrreversible(store, 'login-link redeem', nowDate, [link.customer_id]);
      return { customerId: link.customer_id, linkId: link.id, expiresAt: link.expires_at };
    }
    throw whyUnusable(store.db.prepare('SELECT * FROM login_links WHERE id = ?').get(link.id) as LinkRow, now)!;
  });
}

export type LinkListRow = {
  id: number;
  customer_id: number;
  email: string | null;
  status: LoginLinkStatus;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  sent_at: string | null;
  send_error: string | null;
};

const STATUS_SQL = `CASE WHEN l.used_at IS NOT NULL THEN 'used' WHEN l.revoked_at IS NOT NULL THEN 'revoked'
  WHEN l.expires_at <= @now THEN 'expired' ELSE 'active' END`;

/** Every link (never its token or hash), optionally of one customer and of one status. */
export function listLoginLinks(db: Db, options: { customerId?: number; status?: LoginLinkStatus; ids?: number[]; now: Date }): LinkListRow[] {
  return db
    .prepare(
      `SELECT l.id, l.customer_id, c.email, ${STATUS_SQL} AS status, l.created_at, l.expires_at, l.used_at, l.revoked_at, l.sent_at, l.send_error
       FROM login_links l JOIN customers c ON c.id = l.customer_id
       WHERE (@customer IS NULL OR l.customer_id = @customer) AND (@status IS NULL OR ${STATUS_SQL} = @status)
         AND (@ids IS NULL OR l.id IN (SELECT value FROM json_each(@ids)))
       ORDER BY l.id`,
    )
    .all({
      now: formatTimestamp(options.now), customer: options.customerId ?? null, status: options.status ?? null, ids: options.ids ? JSON.stringify(options.ids) : null,
    }) as LinkListRow[];
}

/** Revokes one link by id, or every active link of a customer; returns how many were revoked. */
export function revokeLoginLinks(store: Store, target: { linkId: number } | { customerId: number }, nowDate: Date): number {
  const now = formatTimestamp(nowDate);
  return store.write(() => {
    const { revoked, customer } = revokeIn(store.db, target, now);
    if (revoked) recordIrreversible(store, 'login-link revoke', nowDate, [customer]);
    return revoked;
  });
}

/** Revokes the link, or the customer's active links, in the write of revokeLoginLinks; says how many, and whose. */
function revokeIn(db: Db, target: { linkId: number } | { customerId: number }, now: string): { revoked: number; customer: number } {
  if ('linkId' in target) {
    const link = db.prepare('SELECT * FROM login_links WHERE id = ?').get(target.linkId) as LinkRow | undefined;
    if (!link) throw new NotFoundError(`no login link with id ${target.linkId}`, ['List them with: customers login-link list']);
    const problem = whyUnusable(link, now);
    if (problem) throw new ValidationError(`login link ${target.linkId} cannot be revoked: ${problem.message}`);
    return { revoked: db.prepare('UPDATE login_links SET revoked_at = ? WHERE id = ?').run(now, target.linkId).changes, customer: link.customer_id };
  }
  const revoked = db
    .prepare('UPDATE login_links SET revoked_at = ? WHERE customer_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?')
    .run(now, target.customerId, now).changes;
  return { revoked, customer: target.customerId };
}

/**
 * Deletes used, expired and revoked links that ended (were used, expired or revoked) before the cut-off;
 * returns their ids. A dry run deletes nothing.
 */
export function purgeLoginLinks(store: Store, olderThanSeconds: number, nowDate: Date, options: { dryRun?: boolean } = {}): number[] {
  const now = formatTimestamp(nowDate);
  checkDuration(olderThanSeconds, `an age of ${olderThanSeconds} seconds`);
  const cutoff = formatTimestamp(new Date(nowDate.getTime() - olderThanSeconds * 1000));
  const ended = 'coalesce(used_at, revoked_at, CASE WHEN expires_at <= @now THEN expires_at END) <= @cutoff';
  const ids = store.db.prepare(`SELECT id FROM login_links WHERE ${ended} ORDER BY id`).pluck().all({ now, cutoff }) as number[];
  if (options.dryRun) return ids;
  return store.write(() => {
    const purged = store.db.prepare(`DELETE FROM login_links WHERE ${ended} RETURNING id, customer_id`).all({ now, cutoff }) as { id: number; customer_id: number }[];
    if (purged.length) recordIrreversible(store, 'login-link purge', nowDate, purged.map((l) => l.customer_id));
    return purged.map((l) => l.id);
  });
}

/** Records the outcome of e-mailing a link, so that --unsent can find the links never sent. */
export function recordSend(store: Store, linkId: number, outcome: { sentAt: Date } | { error: string }): void {
  store.write(() => {
    if ('sentAt' in outcome) {
      store.db.prepare('UPDATE login_links SET sent_at = ?, send_error = NULL WHERE id = ?').run(formatTimestamp(outcome.sentAt), linkId);
    } else {
      store.db.prepare('UPDATE login_links SET send_error = ? WHERE id = ?').run(outcome.error, linkId);
    }
  });
}
