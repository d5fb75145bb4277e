/**
 * Reading a CSV byte stream into records: encoding detection and decoding, delimiter detection from the
 * header line, and csv-parse. Used on the main thread, or in a worker thread (parse-worker.ts) for files,
 * so that parsing runs beside the writes. Records come in batches, each record with the line it ends on.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { ValidationError } from '../../common/errors.js';
import { SHOWN_MAX, shown } from '../../common/shown.js';
import { completeUtf8, countLines, detectDelimiter, detectEncoding, type Encoding, firstInvalidUtf8, firstUtf8Multibyte } from './text.js';

export interface RecordBatch {
  /** Each record with the number of the line it ends on. */
  records: [string[], number][];
  encoding: Encoding;
  delimiter: string;
  /** Bytes read so far. */
  bytes: number;
  /** Whether bytes that are not valid in the encoding were met so far (U+FFFD in a record is then a misreading). */
  misread: boolean;
  /** What the bytes said so far about the encoding, beyond the start it was chosen on. */
  note: EncodingNote;
}

/** Evidence of another encoding further in the file, each with its line. */
export interface EncodingNote {
  /** In a file read as UTF-8: the first line with a byte that is not UTF-8, and a line before it with UTF-8 accents. */
  notUtf8?: { line: number; byte: number; utf8Line?: number };
  /** In a file read as Windows-1252: the first line with a UTF-8 accent, as it reads (e.g. "Ã©") and as it was meant ("é"). */
  utf8In1252?: { line: number; read: string; meant: string };
}

/**
 * The file cannot be parsed from `fromLine` to `toLine` (a quote never closed, a file cut off inside a quoted
 * value): those lines are not read. Everything before them was.
 */
export class CsvSyntaxError extends ValidationError {
  /**
   * `atEnd`: the parser read to the end of the file, so the lines after `toLine` are none and --skip-invalid
   * may skip these ones; otherwise the rest of the file is unread and no import may pass over it.
   */
  constructor(readonly fromLine: number, readonly toLine: number, message: string, details: string[] = [], readonly atEnd = false) {
    super(message, details);
  }
}

/** What csv-parse's error means, with the lines it costs: the records before it were all read. */
function syntaxError(error: unknown, lastEnd: number): CsvSyntaxError {
  const e = error as { code?: string; lines?: number; message?: string };
  const from = lastEnd + 1;
  const to = Math.max(from, e.lines ?? from);
  const lines = from === to ? `line ${from}` : `lines ${from} to ${to}`;
  if (e.code === 'CSV_MAX_RECORD_SIZE') {
    return new CsvSyntaxError(from, to, `line ${from}: a row (or a value in it) is longer than ${megabytes(MAX_RECORD_BYTES)}, so ${lines} cannot be read`, [
      'No customer has a value that long: a quote may open a value that is never closed, or the lines may not end in line breaks.',
      'Check the file around that line, or export it again as CSV. The lines after it cannot be read either, so nothing was imported (also with --skip-invalid).',
    ]);
  }
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new CsvSyntaxError(from, to, `line ${from}: a quoted value starts here and is never closed, so ${lines} cannot be read`, [
      'A value holding the delimiter, a quote or a line break must be in double quotes, with its own quotes doubled ("").',
      'If the file was cut off (an interrupted download), export it again.',
    ], true);
  }
  return new CsvSyntaxError(from, to, `${lines}: the CSV cannot be read (${e.message ?? String(error)})`);
}

/** Longest header line read: real headers are a few KB; a longer one is not a CSV header (or has no line breaks). */
export const MAX_HEADER_CHARS = 1 << 20;
/** Longest row read (so longest value): far above any real customer's, far below what exhausts memory. */
export const MAX_RECORD_BYTES = 10 << 20;

/**
 * The text up to the end of the header line (the delimiter comes from it), and no more than MAX_HEADER_CHARS
 * of it: each chunk is searched once for a line break, so a file without one costs linear time.
 */
async function readHeaderLine(chunks: AsyncIterator<string>): Promise<string> {
  const parts: string[] = [];
  let length = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    parts.push(next.value);
    const end = next.value.search(/[\r\n]/);
    if (end >= 0 && length + end <= MAX_HEADER_CHARS) break;
    length += next.value.length;
    if (length > MAX_HEADER_CHARS) throw headerTooLong(parts.join('').slice(0, SHOWN_MAX + 1));
  }
  return parts.join('');
}

function headerTooLong(start: string): ValidationError {
  return new ValidationError(`line 1: the header line is longer than ${megabytes(MAX_HEADER_CHARS)} (it starts "${shown(start)}")`, [
    'A CSV file starts with a short header line naming its columns, e.g. "email,first_name,last_name", then one line per customer.',
    'Is this a CSV file? If it is, its lines may not end in line breaks: export it again as CSV.',
  ]);
}

function megabytes(n: number): string {
  return `${n / (1 << 20)} MB`;
}

export interface ReadOptions {
  encoding: Encoding | 'auto';
  delimiter: string | 'auto';
}

export async function* readRecords(source: AsyncIterable<Buffer | string>, options: ReadOptions): AsyncGenerator<RecordBatch> {
  const { parse } = await import('csv-parse');
  let encoding: Encoding = 'utf-8';
  let bytes = 0;
  let note: EncodingNote = {};
  const chunks = decode(source, options.encoding, (e) => (encoding = e), (n) => (bytes += n), (n) => (note = n))[Symbol.asyncIterator]();

  const first = await readHeaderLine(chunks);
  const delimiter = options.delimiter === 'auto' ? detectDelimiter(first.split(/\r?\n|\r/)[0]) : options.delimiter;

  let records: [string[], number][] = [];
  let lastEnd = 0;
  // Records are collected inside the parser's on_record: no stream hop per record.
  const parser = parse({
    delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES,
    on_record: (record: string[], context: { lines: number }) => {
      records.push([record, context.lines]);
      lastEnd = context.lines;
      return null;
    },
  });
  let failed: unknown;
  parser.on('error', (error) => (failed ??= error));
  parser.resume();
  const batch = (): RecordBatch => {
    const out = { records, encoding, delimiter, bytes, misread: note.notUtf8 !== undefined, note };
    records = [];
    return out;
  };
  try {
    for (let text = first; ; ) {
      if (text) parser.write(text);
      if (records.length) yield batch(); // a chunk's records (a 1 MiB chunk holds a few thousand)
      if (failed) throw syntaxError(failed, lastEnd);
      const next = await chunks.next();
      if (next.done) break;
      text = next.value;
    }
    parser.end();
    // The parser reports what it finds at the end (a quote never closed) only once it has finished.
    await finished(parser).catch((error: unknown) => (failed ??= error));
    yield batch(); // the last records, and the final byte count even when there are none
    if (failed) throw syntaxError(failed, lastEnd);
  } finally {
    parser.destroy();
  }
}

/** Decodes the byte stream: detects the encoding from its start unless told, drops a byte-order mark. */
async function* decode(
  source: AsyncIterable<Buffer | string>,
  wanted: Encoding | 'auto',
  found: (e: Encoding) => void,
  counted: (n: number) => void,
  noted: (note: EncodingNote) => void,
): AsyncGenerator<string> {
  const iconv = (await import('iconv-lite')).default;
  const open = (sample: Buffer) => {
    const detected = detectEncoding(sample);
    const encoding = wanted === 'auto' ? detected.encoding : wanted;
    found(encoding);
    const decoder = iconv.getDecoder(encoding === 'windows-1252' ? 'win1252' : encoding);
    const skip = detected.bom && detected.encoding === encoding ? detected.bom : 0;
    const watch = new EncodingWatch(encoding, (b) => iconv.decode(b, 'win1252'), wanted === 'auto');
    noted(watch.note);
    return { decoder: watching(decoder, watch), body: sample.subarray(skip) };
  };
  let head: Buffer[] = [];
  let headBytes = 0;
  let decoder: ReturnType<typeof open>['decoder'] | undefined;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counted(buf.length);
    if (decoder) {
      yield decoder.write(buf);
      continue;
    }
    // Decide the encoding on at least the first 64 KiB (a file's first chunk is 256 KiB), not on a first
    // chunk that may be a few bytes of stdin; later evidence of another encoding is reported by line.
    head.push(buf);
    headBytes += buf.length;
    if (headBytes >= 65536) {
      const opened = open(Buffer.concat(head));
      decoder = opened.decoder;
      head = [];
      yield decoder.write(opened.body);
    }
  }
  if (!decoder) {
    const opened = open(Buffer.concat(head));
    decoder = opened.decoder;
    yield decoder.write(opened.body);
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

/** A decoder that shows every byte to the watch first. */
function watching(decoder: { write(b: Buffer): string; end(): string | undefined }, watch: EncodingWatch) {
  return {
    write(buf: Buffer): string {
      watch.see(buf);
      return decoder.write(buf);
    },
    end(): string | undefined {
      watch.end();
      return decoder.end();
    },
  };
}

/**
 * Watches the whole file for bytes of another encoding than the one chosen on its start, counting line feeds
 * to say where: bytes that are not UTF-8 in a file read as UTF-8 (rows holding U+FFFD are then rejected as
 * misread), and UTF-8 accents in a file read as Windows-1252 (they would read as "Ã©"). One pass, linear.
 * When the encoding was detected (not told), a file with accents in both encodings is refused whole: no
 * choice reads it right, and rows read wrong would be written without a word.
 */
class EncodingWatch {
  readonly note: EncodingNote = {};
  private line = 1;
  private carry = Buffer.alloc(0);
  /** The first UTF-8 accent, in a file read as UTF-8. */
  private utf8: { line: number; text: string } | undefined;
  /** The first byte that is not UTF-8, in a file read as Windows-1252. */
  private cp1252: { line: number; byte: number } | undefined;

  constructor(private readonly encoding: Encoding, private readonly as1252: (b: Buffer) => string, private readonly detected: boolean) {}

  see(buf: Buffer): void {
    if (this.note.notUtf8 || this.note.utf8In1252) return; // the first evidence is enough
    if (this.encoding === 'utf-8') this.seeUtf8(buf);
    else if (this.encoding === 'windows-1252') this.see1252(buf);
    this.refuseMixed();
  }

  end(): void {
    if (this.carry.length && !this.note.notUtf8) this.note.notUtf8 = { line: this.line, byte: this.carry[0], utf8Line: this.utf8?.line };
    this.refuseMixed();
  }

  private refuseMixed(): void {
    if (!this.detected) return;
    const { notUtf8, utf8In1252 } = this.note;
    if (notUtf8 && this.utf8) throw mixedEncodings(this.utf8, { line: notUtf8.line, byte: notUtf8.byte, text: this.as1252(Buffer.of(notUtf8.byte)) });
    if (utf8In1252 && this.cp1252) {
      throw mixedEncodings({ line: utf8In1252.line, text: utf8In1252.meant }, { ...this.cp1252, text: this.as1252(Buffer.of(this.cp1252.byte)) });
    }
  }

  private seeUtf8(buf: Buffer): void {
    const all = this.carry.length ? Buffer.concat([this.carry, buf]) : buf;
    const complete = completeUtf8(all); // a character cut between chunks is checked with the next one
    this.carry = Buffer.from(all.subarray(complete.length));
    const valid = isUtf8(complete);
    const bad = valid ? complete.length : firstInvalidUtf8(complete);
    if (this.utf8 === undefined) {
      const accent = firstUtf8Multibyte(complete.subarray(0, bad));
      if (accent >= 0) this.utf8 = { line: this.line + countLines(complete, accent), text: utf8Character(complete, accent).toString('utf8') };
    }
    if (!valid) this.note.notUtf8 = { line: this.line + countLines(complete, bad), byte: complete[bad], utf8Line: this.utf8?.line };
    else this.line += countLines(complete, complete.length);
  }

  private see1252(buf: Buffer): void {
    if (this.cp1252 === undefined) {
      const complete = completeUtf8(buf);
      if (!isUtf8(complete)) {
        const bad = firstInvalidUtf8(complete);
        this.cp1252 = { line: this.line + countLines(complete, bad), byte: complete[bad] };
      }
    }
    const accent = firstUtf8Multibyte(buf);
    if (accent < 0) {
      this.line += countLines(buf, buf.length);
      return;
    }
    const bytes = utf8Character(buf, accent);
    this.note.utf8In1252 = { line: this.line + countLines(buf, accent), read: this.as1252(bytes), meant: bytes.toString('utf8') };
  }
}

/** The bytes of the UTF-8 character that starts at `at` (a lead byte of two to four). */
function utf8Character(buf: Buffer, at: number): Buffer {
  return buf.subarray(at, at + (buf[at] < 0xe0 ? 2 : buf[at] < 0xf0 ? 3 : 4));
}

/** A file with text in two encodings: a line of each, and how to make it one. */
function mixedEncodings(utf8: { line: number; text: string }, cp1252: { line: number; byte: number; text: string }): ValidationError {
  const [a, b] = [
    { line: utf8.line, said: `UTF-8 text ("${shown(utf8.text)}")` },
    { line: cp1252.line, said: `Windows-1252 text ("${shown(cp1252.text)}", byte 0x${cp1252.byte.toString(16).toUpperCase().padStart(2, '0')})` },
  ].sort((x, y) => x.line - y.line);
  return new ValidationError(`the file mixes encodings: line ${a.line} has ${a.said}, line ${b.line} ${b.said}; no one encoding reads both, so nothing was imported`, [
    'Save the file again as UTF-8 (in Excel: Save As, "CSV UTF-8") and import it again.',
    'Or pass --encoding utf-8 or --encoding windows-1252 to read the whole file in one of them: lines in the other are then rejected (utf-8) or read with wrong accents (windows-1252).',
  ]);
}

type WorkerMessage =
  | { type: 'batch'; batch: RecordBatch }
  | { type: 'end' }
  | { type: 'error'; error: { name: string; message: string; details: string[]; span?: [number, number]; atEnd?: boolean } }
  | { type: 'exit'; code: number };

/**
 * readRecords for a file, run in a worker thread (workerFile is the built parse-worker): the main thread
 * gets the same batches while it writes the previous ones.
 */
export async function* readRecordsInWorker(workerFile: string, file: string, options: ReadOptions): AsyncGenerator<RecordBatch> {
  const { Worker } = await import('node:worker_threads');
  // A small heap: the worker only ever holds a few batches, and a large one would let garbage pile up.
  const worker = new Worker(workerFile, { workerData: { file, options }, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const push = (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (error) => push({ type: 'error', error: { name: error.name, message: error.message, details: [] } }));
  worker.on('exit', (code) => push({ type: 'exit', code }));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift()!;
      if (m.type === 'batch') {
        yield m.batch;
        worker.postMessage('ack');
      } else if (m.type === 'end') {
        return;
      } else if (m.type === 'error') {
        const { message, details, span, atEnd } = m.error;
        throw span ? new CsvSyntaxError(span[0], span[1], message, details, atEnd) : new ValidationError(message, details);
      } else {
        throw new Error(`the CSV reader stopped unexpectedly (exit code ${m.code})`);
      }
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * A file's records: parsed in a worker thread beside the writes when the built worker is there
 * (dist/parse-worker.cjs, also when running from the sources), else on this thread.
 */
export function fileRecords(file: string, options: ReadOptions, how: { worker: boolean } = { worker: true }): AsyncIterable<RecordBatch> {
  const worker = how.worker ? findWorker() : undefined;
  if (worker) return readRecordsInWorker(worker, file, options);
  return readRecords(createReadStream(file, { highWaterMark: 1 << 18 }), options);
}

/** The built worker: beside the bundle (dist/), or in dist/ above the sources. */
export function findWorker(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    for (const candidate of [join(dir, 'parse-worker.cjs'), join(dir, 'dist', 'parse-worker.cjs')]) {
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}
