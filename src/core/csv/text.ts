/**
 * What Excel and other platforms do to CSV files, undone on the way in and guarded against on the way out:
 * encodings, delimiters, formula injection, booleans in our merchants' languages.
 */
import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../../common/errors.js';

export const FILE_ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof FILE_ENCODINGS)[number];
export const ENCODINGS: readonly string[] = ['auto', 'utf-8', 'windows-1252', 'latin1', 'utf-16le'];

export interface DetectedEncoding {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

/**
 * Reads the encoding from the first bytes: a byte-order mark if there is one; UTF-16 without one shows as
 * NUL bytes between ASCII letters; otherwise UTF-8 if the sample is valid UTF-8, else Windows-1252
 * (what Excel on Windows writes as "CSV").
 */
export function detectEncoding(sample: Buffer): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (sample.length >= 4 && sample[1] === 0 && sample[3] === 0 && sample[0] !== 0) return { encoding: 'utf-16le', bom: 0 };
  if (sample.length >= 4 && sample[0] === 0 && sample[2] === 0 && sample[1] !== 0) return { encoding: 'utf-16be', bom: 0 };
  return { encoding: isUtf8(completeUtf8(sample)) ? 'utf-8' : 'windows-1252', bom: 0 };
}

/** The sample without a multi-byte character cut off at its end. */
export function completeUtf8(sample: Buffer): Buffer {
  let end = sample.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const byte = sample[end - i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (needs > i) end -= i;
    break;
  }
  return sample.subarray(0, end);
}

export function parseEncodingOption(raw: string): Encoding | 'auto' {
  const name = raw.trim().toLowerCase();
  if (name === 'auto' || name === 'utf-8' || name === 'utf-16le' || name === 'windows-1252') return name;
  if (name === 'utf8') return 'utf-8';
  if (name === 'latin1' || name === 'iso-8859-1' || name === 'cp1252' || name === 'win1252') return 'windows-1252';
  throw new ValidationError(`unknown encoding "${raw}" (expected ${ENCODINGS.join(', ')})`);
}

/** A delimiter as typed: the character, or its name as the summaries say it (ignoring case). */
export const DELIMITERS: Record<string, string> = {
  ',': ',', ';': ';', tab: '\t', '\t': '\t', '|': '|', comma: ',', semicolon: ';', pipe: '|',
};

export function parseDelimiterOption(raw: string, allowAuto: boolean): string | 'auto' {
  const key = raw.trim().toLowerCase();
  if (allowAuto && key === 'auto') return 'auto';
  const d = DELIMITERS[key] ?? DELIMITERS[raw];
  if (!d) throw new ValidationError(`unknown delimiter "${raw}" (expected ${allowAuto ? 'auto, ' : ''}comma, semicolon, tab or pipe, or ",", ";", "|")`);
  return d;
}

/** How a delimiter is written in JSON and on the command line: ",", ";", "tab", "|". */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d;
}

const DELIMITER_WORDS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** How a delimiter is said in a sentence: comma, semicolon, tab, pipe. */
export function describeDelimiter(d: string): string {
  return DELIMITER_WORDS[d === 'tab' ? '\t' : d] ?? `"${d}"`;
}

/** The delimiter of a header line: the candidate that occurs most often outside quotes (a comma on a tie). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

// A plain number or phone number: digits, spaces (any, no-break ones too), dots, dashes, parentheses, a
// leading + or -. Spreadsheets would turn such text into a number, or run it as a formula when it starts with
// + or -; it is written as it is, and a spreadsheet's text marker before it (an apostrophe) is taken off.
const PLAIN_NUMBER = /^[+-]?[0-9\p{Zs}.()-]*[0-9][0-9\p{Zs}.()-]*$/u;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Whether a value needs one more leading apostrophe on export: text a spreadsheet would run as a formula,
 * or text that already starts with the apostrophe an import takes off (before a formula or a number). An
 * import takes exactly one off again, so every value round-trips.
 */
function guarded(value: string): boolean {
  if (FORMULA_START.test(value)) return !PLAIN_NUMBER.test(value);
  return value.startsWith("'") && isGuardedText(value.slice(1));
}

/** What an apostrophe in front of marks as text: a formula, a number, or such a value already guarded. */
function isGuardedText(rest: string): boolean {
  return guarded(rest) || PLAIN_NUMBER.test(rest);
}

/** First characters that can start a formula, or an apostrophe before one. */
const SUSPECT_FIRST = new Set([61, 43, 45, 64, 9, 13, 39]); // = + - @ tab CR '

export function guardFormula(value: string): string {
  // Fast path: almost every value starts with a letter or a digit.
  return SUSPECT_FIRST.has(value.charCodeAt(0)) && guarded(value) ? `'${value}` : value;
}

/**
 * Takes off the apostrophe a spreadsheet or a platform put in front of a value to keep it text (Shopify
 * writes '+56 9 ..., '00501, '5897398649016), or that our export put before a formula. "'Ohana" keeps its own.
 */
export function unguardFormula(value: string): string {
  return value.charCodeAt(0) === 39 && isGuardedText(value.slice(1)) ? value.slice(1) : value;
}

const NEEDS_QUOTES = new Map<string, RegExp>();

/** A CSV cell, quoted when it holds the delimiter, a quote, a line break, or leading/trailing spaces. */
export function csvCell(value: string, delimiter: string): string {
  let needs = NEEDS_QUOTES.get(delimiter);
  if (!needs) {
    needs = new RegExp(`[${delimiter === '\t' ? '\\t' : `\\${delimiter}`}"\\r\\n]|^ | $`);
    NEEDS_QUOTES.set(delimiter, needs);
  }
  return needs.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes text in a file's encoding: the byte-order mark a spreadsheet needs to see UTF (none for Windows-1252), then each piece. */
export interface TextEncoder {
  bom: Buffer;
  encode: (text: string) => Buffer;
}

/** An encoder that writes text back in the encoding a file was read in (Excel shows its accents). */
export async function encoderFor(encoding: Encoding): Promise<TextEncoder> {
  if (encoding === 'utf-8') return { bom: Buffer.from('\ufeff', 'utf8'), encode: (text) => Buffer.from(text, 'utf8') };
  const iconv = (await import('iconv-lite')).default;
  const name = encoding === 'windows-1252' ? 'win1252' : encoding;
  return { bom: encoding === 'windows-1252' ? Buffer.alloc(0) : iconv.encode('\ufeff', name), encode: (text) => iconv.encode(text, name) };
}

/** How many line feeds the bytes hold before `end`. */
export function countLines(buf: Buffer, end: number): number {
  let n = 0;
  for (let at = buf.indexOf(10); at >= 0 && at < end; at = buf.indexOf(10, at + 1)) n++;
  return n;
}

/** Bytes a UTF-8 lead byte starts (0 when it starts none). */
function utf8Length(byte: number): number {
  return byte < 0x80 ? 1 : byte < 0xc2 ? 0 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : byte < 0xf5 ? 4 : 0;
}

function continues(buf: Buffer, at: number, length: number): boolean {
  if (at + length > buf.length) return false;
  for (let i = 1; i < length; i++) if ((buf[at + i] & 0xc0) !== 0x80) return false;
  return true;
}

/** Where the first UTF-8 character of more than one byte is (an accent written as UTF-8), or -1. */
export function firstUtf8Multibyte(buf: Buffer): number {
  for (let at = 0; at < buf.length; at++) {
    const length = buf[at] < 0xc2 ? 1 : utf8Length(buf[at]);
    if (length > 1 && continues(buf, at, length)) return at;
  }
  return -1;
}

/** Where the first byte that is not UTF-8 is (0 when only a finer rule, such as an overlong form, is broken). */
export function firstInvalidUtf8(buf: Buffer): number {
  for (let at = 0; at < buf.length; ) {
    const length = utf8Length(buf[at]);
    if (length === 0 || !continues(buf, at, length)) return at;
    at += length;
  }
  return 0;
}
