/**
 * The parts of reading a CSV import that do not depend on what the rows are (customers or orders): the
 * header line, the batches with lines the parser could not read, and the checks of a row's shape.
 */
import { ValidationError } from '../../common/errors.js';
import { shown } from '../../common/shown.js';
import type { Problem } from './columns.js';
import { CsvSyntaxError, type EncodingNote, type RecordBatch } from './read.js';

/** The header could not be used: no e-mail column, an unknown preset mapping. Nothing was read beyond it. */
export class HeaderError extends ValidationError {}

const EMPTY = 'the file is empty: no header line';

/**
 * The first batch and the header line it starts with (taken out of the batch): a file that is empty fails
 * here, before any store is opened (or created).
 */
export async function readHeader(
  iterator: AsyncIterator<RecordBatch>,
  example: string,
): Promise<{ first: RecordBatch; headers: string[]; headerEnd: number }> {
  const first = await iterator.next();
  const header = first.done ? undefined : first.value.records.shift();
  if (first.done || !header) throw new HeaderError(EMPTY, [`A CSV file starts with a header line naming its columns, e.g. "${example}".`]);
  return { first: first.value, headers: header[0].map((h) => h.trim()), headerEnd: header[1] };
}

/** A header's columns for a message: the first few, each cut if huge, so a 1 MB header is not echoed whole. */
export function quotedHeaders(headers: readonly string[]): string {
  const first = headers.slice(0, 20).map((h) => `"${shown(h)}"`).join(', ');
  return headers.length > 20 ? `${first}, ... (${headers.length} columns)` : first;
}

/**
 * The next batch. Lines the parser cannot read (a quote never closed) fail the import, or with
 * --skip-invalid are handed to `unreadable` (rejected, counted and reported) after every row before them.
 */
export async function nextBatch(
  iterator: AsyncIterator<RecordBatch>,
  skipInvalid: boolean,
  unreadable: (error: CsvSyntaxError) => void,
): Promise<IteratorResult<RecordBatch>> {
  // A turn of the event loop between batches, even when the next one is already there: what the process is
  // told meanwhile (Ctrl-C, which cancels an import) is heard while the import runs, not after it.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    return await iterator.next();
  } catch (error) {
    // Only lines that run to the end of the file can be skipped: after any other stop, the rest is unread.
    if (!(error instanceof CsvSyntaxError) || !skipInvalid || !error.atEnd) throw error;
    unreadable(error);
    return { done: true, value: undefined };
  }
}

/** What the reading said so far about the text of the rows (RecordBatch). */
export interface Reading {
  misread: boolean;
  note: EncodingNote;
  encoding: string;
}

/** Problems with a row as a whole: more fields than the header, fewer, text misread in the wrong encoding. */
export function shapeProblems(record: readonly string[], headers: readonly string[], reading: Reading): Problem[] {
  const problems: Problem[] = [];
  if (record.length > headers.length && record.slice(headers.length).some((c) => c.trim() !== '')) {
    problems.push({ column: `(column ${headers.length + 1})`, value: record[headers.length], reason: `the row has ${record.length} fields but the header has ${headers.length}; a delimiter inside a value needs quotes` });
  }
  // A short row would blank every column it lacks (a phone, a total spent): refused, never guessed.
  if (record.length < headers.length) {
    const missing = headers.slice(record.length);
    problems.push({
      column: `(column ${record.length + 1})`, value: '',
      reason: `the row has ${record.length} ${record.length === 1 ? 'field' : 'fields'} but the header has ${headers.length}: ${missing.map((h) => `"${h}"`).slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} ${missing.length === 1 ? 'is' : 'are'} missing; was the row cut short, or a delimiter lost?`,
    });
  }
  const garbled = reading.misread ? record.findIndex((cell) => cell.includes('\ufffd')) : -1;
  if (garbled >= 0) {
    problems.push({ column: headers[garbled] ?? `(column ${garbled + 1})`, value: record[garbled], reason: misreadReason(reading) });
  }
  return problems;
}

/** Why a row holding U+FFFD was misread: where bytes of another encoding start, and whether the file mixes two. */
function misreadReason(reading: Reading): string {
  const bad = reading.note.notUtf8;
  const start = `the text is not valid ${reading.encoding}`;
  if (!bad) return `${start}; pass --encoding windows-1252 (or the file's encoding)`;
  const seen = `line ${bad.line} is the first with a byte that is not UTF-8 (0x${bad.byte.toString(16).toUpperCase().padStart(2, '0')}, as Windows-1252 writes accents)`;
  if (bad.utf8Line === undefined) return `${start}; pass --encoding windows-1252 (or the file's encoding): ${seen}`;
  return `${start}: the file mixes encodings, ${seen} but line ${bad.utf8Line} has UTF-8 accents; ` +
    'save the file again in one encoding (UTF-8) and import again, or pass --encoding windows-1252 if the UTF-8 lines may read wrong';
}
