/**
 * Parsing and normalising of single values: e-mails, countries, languages, amounts, dates, tags.
 * Each parser returns the stored form or throws a ValidationError that names the value and the fix.
 */
import { COUNTRY_CODES, countryCodeForName } from './countries.js';
import { domainToUnicode } from 'node:url';
import { ValidationError } from '../common/errors.js';
import { foldCase } from '../common/fold.js';
import { escapeControls, escapeInvisible, INVISIBLE } from '../common/shown.js';

// Local part: dot-separated atoms of the characters RFC 5322 allows unquoted (plus any non-ASCII letter,
// with its combining marks: Devanagari vowel signs, the dot of a lower-cased İ); domain: dot-separated labels
// of letters (and marks after the first), digits and hyphens, ending in a label of at least two letters.
const LOCAL_ATOM = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const DOMAIN_LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?';
const EMAIL_RE = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*@(?:${DOMAIN_LABEL}\\.)+\\p{L}[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}]$`, 'u');

/**
 * Trims, NFKC-normalises and lower-cases an e-mail address, its domain in Unicode, or throws if it is not
 * one. NFKC makes a fullwidth "ｕｓｅｒ" and a decomposed "é" the letters every other customer has; the
 * domain is kept in Unicode (bücher.de, not xn--bcher-kva.de) as a merchant reads and searches it, and
 * the mail transport encodes it for sending. One stored form: one customer per address.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  if (email === '') throw new ValidationError('the e-mail address is empty');
  const bad = () => new ValidationError(`"${escapeControls(raw)}" is not a valid e-mail address (expected name@example.com)`);
  const at = email.lastIndexOf('@');
  if (email.length > 254 || at > 64 || !EMAIL_RE.test(email)) throw bad();
  const domain = domainToUnicode(email.slice(at + 1)).normalize('NFKC');
  const stored = `${email.slice(0, at)}@${domain}`;
  if (domain === '' || !EMAIL_RE.test(stored)) throw bad();
  return stored;
}

/**
 * Search text with the ASCII labels of international domains (xn--bcher-kva) in the Unicode that e-mails
 * are stored in (bücher), so that either form finds the customer.
 */
export function unicodeDomainLabels(text: string): string {
  return text.replace(/xn--[a-z0-9-]+/gi, (label) => domainToUnicode(label) || label);
}

/**
 * A phone in E.164 form ("+33612345678"): the phone with its spaces and usual separators (- . ( )) taken
 * out, if that is "+" and 8 to 15 digits not starting with 0; else null (no country code, letters, ...).
 */
export function e164(phone: unknown): string | null {
  if (typeof phone !== 'string') return null;
  const compact = phone.replace(/[\s\-.()]/g, '');
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : null;
}

export function isValidEmail(raw: string): boolean {
  try {
    normalizeEmail(raw);
    return true;
  } catch {
    return false;
  }
}

/** Upper-cases an ISO 3166-1 alpha-2 code, or throws with a hint when a country name was given. */
export function normalizeCountry(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (COUNTRY_CODES.has(code)) return code;
  const guess = code.length > 2 ? countryCodeForName(raw) : undefined;
  const hint = guess ? `; did you mean ${guess}?` : ' such as FR, BE, US';
  throw new ValidationError(`"${raw}" is not an ISO 3166-1 alpha-2 country code${hint}`);
}

const LANG_RE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

/** A BCP 47-style language code: `fr`, `nl`, `pt-BR`. Primary subtag lower-case, region upper-case. */
export function normalizeLang(raw: string): string {
  const lang = raw.trim().replace(/_/g, '-');
  if (!LANG_RE.test(lang)) {
    throw new ValidationError(`"${raw}" is not a language code (expected a code such as en, fr, it, nl, de, es, pt-BR)`);
  }
  const [primary, ...rest] = lang.split('-');
  return [primary.toLowerCase(), ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p.toLowerCase()))].join('-');
}

const AMOUNT_RE = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a decimal amount into integer minor units (cents): "59.9" -> 5990. Exact: no floats on the way.
 * `decimalComma` also accepts "59,90" (CSV files from Excel in much of Europe).
 */
export function parseAmount(raw: string, options: { decimalComma?: boolean } = {}): number {
  let text = raw.trim().replace(/[\s\u00a0]/g, '');
  // Thousands separators, as spreadsheets write them: 1.234,56 with a decimal comma, 1,234.56 without.
  if (options.decimalComma) text = (/^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/.test(text) ? text.replace(/\./g, '') : text).replace(',', '.');
  else if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  const m = AMOUNT_RE.exec(text);
  if (!m) {
    throw new ValidationError(`"${raw}" is not an amount (expected a number with at most two decimals, such as 59.90)`);
  }
  const minor = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(minor)) throw new ValidationError(`"${raw}" is too large an amount`);
  return m[1] === '-' ? -minor : minor;
}

/** Formats integer minor units as a decimal string: 5990 -> "59.90". */
export function formatAmount(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A non-negative whole number, as typed on a command line. */
export function parseCount(raw: string, what: string): number {
  const text = raw.trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ValidationError(`${what} must be a whole number of 0 or more, not "${raw}"`);
  }
  return Number(text);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses a date (YYYY-MM-DD, read as midnight UTC) or an ISO 8601 date-time into the stored form
 * `YYYY-MM-DDTHH:MM:SSZ`. A date-time without an offset is read as UTC.
 */
export function parseTimestamp(raw: string): string {
  const text = raw.trim();
  const m = DATE_RE.exec(text);
  const bad = () => new ValidationError(`"${raw}" is not a date (expected YYYY-MM-DD or an ISO 8601 date-time such as 2026-01-15T09:30:00Z)`);
  if (!m) throw bad();
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const date = new Date(iso);
  // Date rolls 2026-02-31 over to March; a date that changed on the way in was not a real one.
  if (Number.isNaN(date.getTime()) || (zone === 'Z' && date.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`)) throw bad();
  // The stored form sorts and compares as text: only four-digit years after 1970 keep it one width and order.
  const year = date.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new ValidationError(`"${raw}" is ${formatTimestamp(date)} in UTC, outside the years ${MIN_YEAR} to ${MAX_YEAR} that dates may have; check the year and the time zone`);
  }
  return formatTimestamp(date);
}

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

/** The order of day and month in dates such as 5/6/2012 (spreadsheets, WordPress, Magento exports). */
export type DateOrder = 'DMY' | 'MDY';

const SLASH_DATE_RE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A date written with slashes, a/b/yyyy with an optional time: which orders it can be read in (a value
 * above 12 settles it), or undefined when it is not such a date.
 */
export function slashDateOrders(raw: string): DateOrder[] | undefined {
  const m = SLASH_DATE_RE.exec(raw.trim());
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (['DMY', 'MDY'] as const).filter((order) => (order === 'DMY' ? a : b) <= 31 && (order === 'DMY' ? b : a) <= 12);
}

/** Reads a/b/yyyy [hh:mm[:ss]] in the given order into the stored form (UTC). */
export function parseSlashDate(raw: string, order: DateOrder): string {
  const m = SLASH_DATE_RE.exec(raw.trim());
  if (!m) return parseTimestamp(raw);
  const [day, month] = order === 'DMY' ? [m[1], m[2]] : [m[2], m[1]];
  const pad = (n: string | undefined) => (n ?? '00').padStart(2, '0');
  return parseTimestamp(`${m[3]}-${pad(month)}-${pad(day)}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}Z`);
}

export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };
const DURATION_EXAMPLES = '30s, 15m, 2h, 14d, 2w, 1h30m';

/** The longest duration accepted, in seconds (10 years): a login link's lifetime, a purge's age. */
export const MAX_DURATION_SECONDS = 3650 * 86400;

/**
 * A duration as numbers with units (s, m, h, d, w, ignoring case), one or several, the largest first: 30s,
 * 15m, 2h, 14d, 2w, 1h30m, 1w2d; more than 0 unless `zero`; at most 10 years (3650d). Returns seconds. A bare
 * number is refused with a hint: seconds or days, the reader could not tell.
 */
export function parseDuration(raw: string, options: { zero?: boolean } = {}): number {
  const text = raw.trim().toLowerCase();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    const hint = seconds >= 60 ? `${text}s, or ${formatDuration(seconds)}, if it is seconds` : seconds > 0 ? `${text}s or ${text}d` : '14d';
    throw new ValidationError(`"${raw}" has no unit; add one, such as ${hint} (units: s, m, h, d, w)`);
  }
  const parts = [...text.matchAll(/(\d+)\s*([smhdw])\s*/g)];
  const seconds = parts.reduce((sum, [, n, unit]) => sum + Number(n) * DURATION_UNITS[unit], 0);
  // Units largest first, each once: 1h30m, never 30m1h or 1h1h.
  const ordered = parts.every((p, i) => i === 0 || DURATION_UNITS[p[2]] < DURATION_UNITS[parts[i - 1][2]]);
  if (!parts.length || parts.map((p) => p[0]).join('') !== text || !ordered) {
    throw new ValidationError(`"${raw}" is not a duration (expected numbers with units, largest first: ${DURATION_EXAMPLES})`);
  }
  if (seconds === 0 && !options.zero) throw new ValidationError(`"${raw}" is no time at all; give a duration longer than 0, such as ${DURATION_EXAMPLES}`);
  checkDuration(seconds, `"${raw}"`);
  return seconds;
}

/** A duration in seconds as parseDuration reads it back: 1209600 -> 14d, 5400 -> 1h30m (no weeks: days read better). */
export function formatDuration(seconds: number): string {
  let left = Math.round(seconds);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's']) {
    const n = Math.floor(left / DURATION_UNITS[unit]);
    if (n) out += `${n}${unit}`;
    left -= n * DURATION_UNITS[unit];
  }
  return out || '0s';
}

/** Refuses a duration (seconds) beyond 10 years: times past it leave the years dates may have. */
export function checkDuration(seconds: number, what: string): void {
  if (!(seconds >= 0 && seconds <= MAX_DURATION_SECONDS)) {
    throw new ValidationError(`${what} is longer than 10 years (3650d), the longest duration accepted; give a shorter one, such as 14d`);
  }
}

/** Control characters: C0 (with tab and line breaks), DEL and C1. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same without the line breaks (LF, CR) that a note may hold. */
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Refuses a value holding a control character, naming the value with it escaped: U+001F separates tags in
 * the store's queries, and the others hide in a terminal or break a CSV line.
 */
function refuseControls(text: string, what: string, options: { multiline?: boolean } = {}): void {
  const found = (options.multiline ? CONTROL_BUT_LINE_BREAKS : CONTROL).exec(text);
  if (!found) return;
  const allowed = options.multiline ? ' (line breaks are the only ones allowed)' : '';
  throw new ValidationError(`${what} "${escapeInvisible(text)}" contains the control character ${escapeInvisible(found[0])}${allowed}; remove it and try again`);
}

/**
 * Refuses a label holding a character that shows as nothing (a zero-width space, a soft hyphen, a bidirectional
 * control): "vip" and "vip<U+200B>" would be two tags, or two groups, that look the same.
 */
function refuseInvisible(text: string, what: string): void {
  const found = INVISIBLE.exec(text);
  if (!found) return;
  throw new ValidationError(
    `${what} "${escapeInvisible(text)}" contains the invisible character ${escapeInvisible(found[0])}, which would make it look like another; remove it and try again`,
  );
}

/**
 * Trims a tag; tags are short labels without commas (Shopify keeps them comma-separated in one cell).
 * Compatibility forms are written as their plain one (NFKC: a fullwidth "Ｖｉｐ" is "Vip"), so that the store's
 * look-ups, which ignore case, find it by either.
 * `existing`: a tag to look for or remove, which a store written before control characters were refused
 * may hold, so that such a tag can still be found and removed.
 */
export function normalizeTag(raw: string, options: { existing?: boolean } = {}): string {
  const trimmed = raw.normalize('NFKC').trim();
  if (!options.existing) {
    refuseControls(trimmed, 'tag');
    refuseInvisible(trimmed, 'tag');
  }
  const tag = trimmed.replace(/\s+/g, ' ');
  if (tag === '') throw new ValidationError('a tag cannot be empty');
  if (tag.includes(',')) throw new ValidationError(`tag "${raw}" contains a comma; give each tag separately`);
  if (tag.length > 255) throw new ValidationError(`tag "${tag.slice(0, 20)}..." is longer than 255 characters`);
  return tag;
}

/** A set of tags in first-seen order, compared as names are (`existing`: see normalizeTag). */
export function normalizeTags(raw: readonly string[], options: { existing?: boolean } = {}): string[] {
  const seen = new Map<string, string>();
  for (const t of raw) {
    const tag = normalizeTag(t, options);
    if (!seen.has(foldCase(tag))) seen.set(foldCase(tag), tag);
  }
  return [...seen.values()];
}

/**
 * Trimmed text in Unicode NFC (an "é" typed as e + accent is the "é" of every other customer); empty becomes
 * null (no value). Control characters are refused; `multiline` text (the note) may hold line breaks.
 */
export function normalizeText(raw: string | null | undefined, what: string, options: { multiline?: boolean } = {}): string | null {
  if (raw == null) return null;
  const text = raw.normalize('NFC').trim();
  if (text === '') return null;
  refuseControls(text, what, options);
  return text;
}

const SCIENTIFIC = /^\d(?:[.,]\d+)?E\+?\d+$/i;

/**
 * A code kept as text (a phone, a postal code, a tax id): without the apostrophe a spreadsheet marks text with
 * ("'00501"), and never a number a spreadsheet wrote in scientific notation (4.41E+11), whose digits are lost.
 * The one check for flags, the form, the library and imports.
 */
export function normalizeKeptText(raw: string, what: string): string | null {
  const text = normalizeText(raw.replace(/^\s*'+/, ''), what);
  if (text !== null && SCIENTIFIC.test(text)) {
    throw new ValidationError(`"${text}" is a number in scientific notation: a spreadsheet turned the ${what} into a number and its digits are lost; type it again as text`);
  }
  return text;
}

export function normalizeGroupName(raw: string): string {
  const name = normalizeText(raw, 'the group name');
  if (name === null) throw new ValidationError('a group name cannot be empty');
  refuseInvisible(name, 'the group name');
  if (name.length > 100) throw new ValidationError(`group name "${name.slice(0, 20)}..." is longer than 100 characters`);
  return name;
}

// With the TRUE and FALSE that Excel writes in French, German, Italian, Dutch and Spanish.
const TRUE_WORDS = new Set(['yes', 'y', 'true', 't', '1', 'oui', 'o', 'sì', 'si', 'sí', 'ja', 'j', 'x', 'on', 'vrai', 'wahr', 'vero', 'waar', 'verdadero']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'f', '0', 'non', 'nee', 'nein', 'off', '', 'faux', 'falsch', 'falso', 'onwaar']);

/** yes/no, true/false, 1/0, y/n and oui/non, sì/no, sí/no, ja/nee, ja/nein (and Excel's VRAI/FAUX, ...). Empty is false. */
export function parseBoolean(raw: string): boolean {
  const word = raw.trim().normalize('NFC').toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ValidationError(`"${raw}" is not a yes/no value (expected yes/no, true/false, 1/0, y/n, oui/non, sì/no, ja/nee)`);
}
