/** Store settings (`customers config`): a fixed set of keys, each checked before it is kept. */
import type { Db, Store } from '../store/open.js';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { checkMailUrl, redactSmtpUrl } from '../mail/transport.js';
import { beginOperation, checkKeep, DEFAULT_KEEP, recordIrreversible } from './history.js';
import { normalizeEmail, normalizeText } from './values.js';

interface SettingDef {
  key: string;
  description: string;
  /** Returns the value to store, or throws a ValidationError saying what is expected. */
  check: (value: string) => string;
  /** The value as printed, for a setting that holds a secret (shown by `config get KEY --reveal` only). */
  redact?: (value: string) => string;
}

function nonEmpty(value: string, key: string): string {
  const text = value.trim();
  if (text === '') throw new ValidationError(`${key} cannot be empty; use customers config unset ${key} to remove it`);
  return text;
}

const LOGIN_URL_EXAMPLE = 'Example: https://shop.example.com/account/login?key={token}';

/** A login-link template: must hold {token}, and use https unless it points at a test host. */
export function checkLoginUrlTemplate(value: string): string {
  if (typeof value !== 'string') throw new ValidationError(`the login URL template is text with {token}, not ${JSON.stringify(value)}`, [LOGIN_URL_EXAMPLE]);
  const template = value.trim();
  // A URL parser drops tabs and line breaks, but the template is pasted as it is into e-mails and scripts.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(template)) {
    throw new ValidationError(`the login URL ${JSON.stringify(template)} has a space or a control character: percent-encode it (%20)`, [LOGIN_URL_EXAMPLE]);
  }
  if (!template.includes('{token}')) {
    throw new ValidationError(`the login URL "${template}" has no {token} placeholder`, [LOGIN_URL_EXAMPLE]);
  }
  let url: URL;
  try {
    url = new URL(template.replace(/\{token\}/g, TOKEN_MARK).replace(/\{(email|id)\}/g, 'x'));
  } catch {
    throw new ValidationError(`"${template}" is not a URL`, [LOGIN_URL_EXAMPLE]);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isTestHost(url.hostname))) {
    throw new ValidationError(
      `the login URL "${template}" must use https (plain http only for test hosts: localhost, *.localhost, *.test, *.internal, single-label names such as http://shop/, 127.0.0.0/8 and [::1])`,
      [LOGIN_URL_EXAMPLE],
    );
  }
  if (wholeTokenPlaces(url) !== template.split('{token}').length - 1) {
    throw new ValidationError(
      `in the login URL "${template}", {token} must be a whole query value (?key={token}) or a whole path segment (/login/{token}): elsewhere the token could not be read back from the URL`,
      [LOGIN_URL_EXAMPLE, 'or: https://shop.example.com/account/login/{token}'],
    );
  }
  return template;
}

/**
 * A host that only a developer's machine or network resolves, where a shop under test may have no
 * certificate: this machine (localhost and its subdomains, 127.0.0.0/8, [::1]), the names reserved for
 * testing and private use (*.test, *.internal) and single-label names (http://shop/). URL has already
 * lower-cased the name and written any IPv4 address as four decimal numbers.
 */
function isTestHost(hostname: string): boolean {
  const host = hostname.replace(/\.$/, '');
  if (host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return false;
  return !host.includes('.') || /\.(localhost|test|internal)$/.test(host);
}

/** Stands for {token} while a template is parsed: letters only, so no part of a URL changes it. */
const TOKEN_MARK = 'customerstokenplaceholder';

/** How many path segments and query values of the URL are the token and nothing else. */
function wholeTokenPlaces(url: URL): number {
  const segments = url.pathname.split('/').filter((segment) => segment === TOKEN_MARK).length;
  const values = [...url.searchParams.values()].filter((v) => v === TOKEN_MARK).length;
  return segments + values;
}

export const SETTINGS: readonly SettingDef[] = [
  { key: 'store.name', description: "the store's name, used in e-mails", check: (v) => nonEmpty(v, 'store.name') },
  { key: 'store.login_url', description: 'login-link template with {token} (and {email}, {id})', check: checkLoginUrlTemplate },
  {
    key: 'store.currency',
    description: 'ISO 4217 currency code of amounts, e.g. EUR',
    check: (v) => {
      const code = v.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(code)) throw new ValidationError(`"${v}" is not an ISO 4217 currency code (such as EUR, USD, GBP)`);
      return code;
    },
  },
  {
    key: 'store.accounts',
    description: 'customer accounts at checkout: optional (default), required or disabled',
    check: oneOf('store.accounts', ['optional', 'required', 'disabled']),
  },
  {
    key: 'store.auto_accounts',
    description: 'with optional accounts, whether a first order creates one: yes (default) or no',
    check: oneOf('store.auto_accounts', ['yes', 'no']),
  },
  { key: 'mail.from', description: 'sender address of e-mails', check: checkMailFrom },
  {
    key: 'history.keep',
    description: `how long the history keeps operations to undo (default ${DEFAULT_KEEP}); older ones are pruned`,
    check: checkKeep,
  },
  {
    key: 'mail.smtp_url',
    description: 'SMTP server, smtp://user:pass@host:port or smtps://...; or file:///DIR: write e-mails as .eml files there',
    check: checkMailUrl,
    redact: redactSmtpUrl,
  },
];

function oneOf(key: string, values: readonly string[]): (value: string) => string {
  return (value) => {
    const text = value.trim().toLowerCase();
    if (!values.includes(text)) throw new ValidationError(`${key} is one of ${values.join(', ')}, not "${value}"`);
    return text;
  };
}

/** The store's currency cannot change under orders kept in it: their amounts would mean another sum. */
function assertCurrencyFree(db: Db, key: string, next: string | null): void {
  if (key !== 'store.currency') return;
  const other = db.prepare('SELECT currency, count(*) AS n FROM orders WHERE currency IS NOT ? GROUP BY currency LIMIT 1').get(next) as { currency: string; n: number } | undefined;
  if (other) {
    throw new ValidationError(`the ledger holds ${other.n.toLocaleString('en-US')} order${other.n === 1 ? '' : 's'} in ${other.currency}: store.currency stays ${other.currency}`, [
      'Delete those orders first (customers orders delete N) if they were recorded in the wrong currency.',
    ]);
  }
}

/** A sender: a bare address or `Name <address>`. */
function checkMailFrom(value: string): string {
  const text = value.trim();
  const m = /^(.*)<([^>]+)>$/.exec(text);
  const address = normalizeEmail(m ? m[2] : text);
  return m ? `${m[1].trim()} <${address}>`.trim() : address;
}

/** The setting's definition; an unknown key is an error listing the known ones. */
export function settingDef(key: string): SettingDef {
  const def = SETTINGS.find((s) => s.key === key);
  if (!def) throw new ValidationError(`unknown setting "${key}"`, [`Settings: ${SETTINGS.map((s) => s.key).join(', ')}.`]);
  return def;
}

export function getSetting(db: Db, key: string): string | undefined {
  settingDef(key);
  return db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
}

export function requireSetting(db: Db, key: string): string {
  const value = getSetting(db, key);
  if (value === undefined) throw new NotFoundError(`${key} is not set`, [`Set it with: customers config set ${key} VALUE`]);
  return value;
}

/** The value as it would be stored, or a ValidationError saying what is expected. */
export function checkSetting(key: string, value: string): string {
  // A setting is one line of text (a name in e-mails, a URL printed one a line): no control characters.
  normalizeText(value, key);
  return settingDef(key).check(value);
}

export function setSetting(store: Store, key: string, value: string, now: Date): string {
  const stored = checkSetting(key, value);
  store.write(() => {
    // The value it has already: nothing to record (an operation would stand in the way of an undo).
    if (store.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) === stored) return;
    assertCurrencyFree(store.db, key, stored);
    recordSetting(store, 'config set', key, now);
    writeSetting(store.db, key, stored);
  });
  return stored;
}

/** Stores a setting's value, or removes it (null), inside a write. */
export function writeSetting(db: Db, key: string, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/**
 * Records a change of a setting, with its value before for undo; a setting holding a password is recorded as
 * an operation that cannot be undone, so that the history never keeps a password (one rotated or removed).
 */
function recordSetting(store: Store, kind: string, key: string, now: Date): void {
  if (settingDef(key).redact) return recordIrreversible(store, kind, now, []);
  const op = beginOperation(store, kind, now);
  op.setting(key);
  op.finish();
}

/** Removes a setting; returns whether it was set. */
export function unsetSetting(store: Store, key: string, now: Date): boolean {
  settingDef(key);
  return store.write(() => {
    if (store.db.prepare('SELECT 1 FROM settings WHERE key = ?').get(key) === undefined) return false;
    assertCurrencyFree(store.db, key, null);
    recordSetting(store, 'config unset', key, now);
    writeSetting(store.db, key, null);
    return true;
  });
}

/** The value as it may be printed: a password in it shows as ***. */
export function displaySetting(key: string, value: string): string {
  return settingDef(key).redact?.(value) ?? value;
}

/** Whether displaySetting hides part of this value. */
export function settingHasSecret(key: string, value: string): boolean {
  return displaySetting(key, value) !== value;
}

/** Every setting, its value as it may be printed (displaySetting), and what it is. */
export function listSettings(db: Db): { key: string; value: string | null; description: string }[] {
  const rows = new Map(db.prepare('SELECT key, value FROM settings').all().map((r) => {
    const { key, value } = r as { key: string; value: string };
    return [key, value];
  }));
  return SETTINGS.map((s) => {
    const value = rows.get(s.key);
    return { key: s.key, value: value === undefined ? null : displaySetting(s.key, value), description: s.description };
  });
}
