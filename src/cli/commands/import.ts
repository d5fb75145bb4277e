/** import: customers from a CSV file of another platform, or of this tool. */
import { renameSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import { CancelledError, CustomersError, UsageError } from '../../common/errors.js';
import { escapeControls, SHOWN_MAX, shown } from '../../common/shown.js';
import { MAP_TARGETS } from '../../core/csv/columns.js';
import type { HeaderInfo, ImportMode, ImportSummary, Rejection } from '../../core/csv/import.js';
import { type ImportTarget, PRESET_NAMES, type PresetName } from '../../core/csv/presets.js';
import type { ReadOptions, RecordBatch } from '../../core/csv/read.js';
import {
  csvCell, describeDelimiter, encoderFor, ENCODINGS, type Encoding, FILE_ENCODINGS, guardFormula, parseDelimiterOption, parseEncodingOption,
  type TextEncoder,
} from '../../core/csv/text.js';
import { type DateOrder, normalizeGroupName } from '../../core/values.js';
import type { Context } from '../context.js';
import { cancelOnInterrupt, checkInputFile, checkNotClobbering, checkOutputFile, checkReplacing, finishWriting, isSpecialFile, openForWriting, type OutputStream, removeIfInterrupted, replacedFile } from '../files.js';
import { Progress } from '../render/progress.js';
import { parser, repeatable } from '../usage.js';
import { plural } from './selection.js';

interface ImportFlags {
  preset: PresetName | 'auto';
  delimiter: string;
  encoding: Encoding | 'auto';
  map?: { header: string; target: ImportTarget | null }[];
  mode: ImportMode;
  skipInvalid?: boolean;
  errors?: string;
  force?: boolean;
  group?: string;
  dryRun?: boolean;
  json?: boolean;
  dateFormat?: DateOrder;
}

function parseDateOrder(raw: string): DateOrder {
  const order = raw.trim().toUpperCase();
  if (order !== 'DMY' && order !== 'MDY') throw new UsageError(`--date-format "${raw}": expected DMY (day first) or MDY (month first)`);
  return order;
}

export function registerImportCommand(program: Command, ctx: Context): void {
  program
    .command('import')
    .description('import customers from a CSV file of another platform (see --preset), a spreadsheet, or this tool')
    .argument('<file>', 'the CSV file, or - for standard input')
    .addOption(new Option('--preset <name>', "the file's layout").choices(['auto', ...PRESET_NAMES]).default('auto'))
    .option('--delimiter <d>', 'auto, comma, semicolon, tab or pipe (or ",", ";", "|")', parser((raw) => parseDelimiterOption(raw, true)), 'auto')
    .option('--encoding <e>', `${ENCODINGS.join(', ')}`, parser(parseEncodingOption), 'auto')
    .option('--map <header=field>', 'read a column as a field (repeatable); Header= ignores it', repeatable(parseMap))
    .addOption(new Option('--mode <mode>', 'upsert: create and update; create: new e-mails only; update: existing only').choices(['upsert', 'create', 'update']).default('upsert'))
    .option('--skip-invalid', 'write the valid rows even if some are rejected')
    .option('--errors <file>', 'write rejected rows with line, column and reason to this CSV file')
    .option('--force', 'replace the --errors file if it exists')
    .option('--group <name>', 'put every imported customer in this group (created if missing)', parser(normalizeGroupName))
    .option('--date-format <order>', 'dates such as 5/6/2012: DMY (day first) or MDY (month first); by default the file says', parser(parseDateOrder))
    .option('--dry-run', 'read and check everything, write nothing')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      `
All or nothing: if any row is rejected, nothing is written (exit 1) unless --skip-invalid is given.
The same e-mail twice in one file: the rows are merged, later non-empty values win.
Passwords are stored hashed (scrypt).

Examples:
  customers import shopify-export.csv
  customers import excel.csv --preset woocommerce --delimiter ';' --encoding windows-1252
  customers import list.csv --map 'E-mail address=email' --map 'Internal id=' --group Imported --dry-run`,
    )
    .action((file: string, flags: ImportFlags) => runImport(ctx, file, flags));
}

/** --map 'Header=field' ('Header=' ignores the column). */
function parseMap(raw: string): { header: string; target: ImportTarget | null } {
  const at = raw.lastIndexOf('=');
  if (at <= 0) throw new UsageError(`--map "${raw}" is not Header=field`);
  const header = raw.slice(0, at).trim();
  const field = raw.slice(at + 1).trim();
  if (field === '') return { header, target: null };
  if (!MAP_TARGETS.includes(field)) {
    throw new UsageError(`--map "${raw}": unknown field "${field}"`, [`Fields: ${MAP_TARGETS.join(', ')} (or nothing, to ignore the column).`]);
  }
  return { header, target: field };
}

/**
 * What an import of `file` reports through, after checking that it can be read and that --errors FILE
 * overwrites neither the store nor the file: the rejected rows, the progress, and the encoders the --errors
 * file may need (written in the input's encoding, known only once the header is read, synchronously).
 */
export async function startImport(ctx: Context, file: string, flags: { errors?: string; force?: boolean }, command = 'import') {
  const { errors } = flags;
  const size = file === '-' ? undefined : checkInputFile(file).size;
  if (file === '-' && ctx.io.stdin.isTTY) throw new UsageError(`${command} - reads the CSV from standard input, which is a terminal; pipe a file in or name it`);
  if (errors) {
    const input = file !== '-' ? { path: file } : ctx.io.stdin === process.stdin ? { fd: 0 } : undefined;
    checkNotClobbering(errors, [{ path: ctx.storePath, what: 'the store' }, ...(input ? [{ ...input, what: 'the file being imported' }] : [])]);
    checkReplacing(errors, flags.force);
  }
  const encoders = new Map(await Promise.all(FILE_ENCODINGS.map(async (e) => [e, await encoderFor(e)] as const)));
  return new ImportRun(new Rejections(ctx, errors), encoders, new Progress(ctx, size, 'rows'));
}

/**
 * One import as the terminal sees it: the callbacks core calls (header, rejected rows, progress, passwords
 * hashed); `finish` once the import is written; `end` always. Ctrl-C is noted when it comes and acted on at
 * the next callback, by throwing: the transaction rolls back, the parse worker stops, the store is left as it was.
 */
export class ImportRun {
  private interrupted = false;
  private readonly stopListening = cancelOnInterrupt(() => (this.interrupted = true));

  constructor(
    private readonly rejections: Rejections,
    private readonly encoders: ReadonlyMap<Encoding, TextEncoder>,
    private readonly progress: Progress,
  ) {}

  readonly hooks = {
    onHeader: (header: Pick<HeaderInfo, 'headers' | 'delimiter' | 'encoding' | 'secretColumns'>) => {
      this.checkInterrupted();
      this.rejections.start(header, this.encoders.get(header.encoding)!);
    },
    onRejected: (rejection: Pick<Rejection, 'line' | 'problems'>, record: readonly string[]) => {
      this.progress.done();
      this.rejections.add(rejection, record);
    },
    onHashing: (done: number, total: number) => {
      this.checkInterrupted();
      this.progress.count('hashing passwords', done, total);
    },
    onProgress: (rows: number, bytes: number) => {
      this.checkInterrupted();
      this.progress.update(rows, bytes);
    },
  };

  /** The import is done: the progress line cleared, the --errors file complete. */
  async finish(): Promise<void> {
    this.progress.done();
    await this.rejections.finish();
  }

  /** Whatever happened: no progress line, no partial --errors file, Ctrl-C back to its usual meaning. */
  end(): void {
    this.progress.done();
    this.rejections.abandon();
    this.stopListening();
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new CancelledError('cancelled; nothing was imported');
  }
}

async function runImport(ctx: Context, file: string, flags: ImportFlags): Promise<void> {
  const dryRun = Boolean(flags.dryRun);
  const run = await startImport(ctx, file, flags);
  const { importCustomers } = await import('../../core/csv/import.js');
  try {
    // Opened once the header is known to be usable. A dry run writes nothing, not even a new store:
    // without one, it checks against an empty scratch store.
    const openStore = () => ctx.store({ create: dryRun ? 'scratch' : true, dryRun });
    const summary = await importCustomers(openStore, await recordsOf(ctx, file, { encoding: flags.encoding, delimiter: flags.delimiter }), {
      preset: flags.preset, maps: flags.map ?? [], mode: flags.mode, skipInvalid: Boolean(flags.skipInvalid), group: flags.group, dryRun,
      dateOrder: flags.dateFormat,
      now: ctx.io.now(),
      crashAfterRows: crashPointFrom(ctx.io.env),
      ...run.hooks,
    });
    await run.finish();
    if (flags.json) ctx.io.stdout.write(JSON.stringify(jsonSummary(summary)) + '\n');
    // The summary quotes headers, group names and values of the file.
    for (const line of summaryText(summary, dryRun, Boolean(flags.skipInvalid))) ctx.say(line);
    if (summary.rejected && (!flags.skipInvalid || dryRun)) throw new RejectedRows();
  } finally {
    run.end();
  }
}

/** The file's records (standard input: this process's, or the test's). */
export async function recordsOf(ctx: Context, file: string, options: ReadOptions): Promise<AsyncIterable<RecordBatch>> {
  const { fileRecords, readRecords } = await import('../../core/csv/read.js');
  if (file === '-') return readRecords(ctx.io.stdin as AsyncIterable<Buffer>, options);
  return fileRecords(file, options, { worker: !ctx.io.env.CUSTOMERS_NO_WORKER });
}

/** Prints rejected rows as they come (up to a limit) and writes every one to --errors FILE. */
export class Rejections {
  static readonly PRINTED = 100;
  private printed = 0;
  private total = 0;
  private out: OutputStream | undefined;
  private delimiter = ',';
  private encoder: TextEncoder | undefined;
  private secret: ReadonlySet<number> = new Set();
  private complete: (() => void) | undefined;
  private special = false;
  /** The file being written beside --errors FILE, renamed onto it at the end. */
  private partial: string | undefined;
  private width = 0;

  constructor(private readonly ctx: Context, private readonly errorsFile: string | undefined) {
    if (errorsFile) checkOutputFile(errorsFile); // a bad path fails before the import starts
  }

  /** Once the header is read (a file that fails on its header leaves no --errors file behind). */
  start(header: Pick<HeaderInfo, 'headers' | 'delimiter' | 'secretColumns'>, encoder: TextEncoder): void {
    this.delimiter = header.delimiter;
    this.encoder = encoder;
    this.secret = new Set(header.secretColumns);
    this.width = header.headers.length;
    if (!this.errorsFile) return;
    // A FIFO or a device is written into, and never removed; a file is written beside and renamed at the end.
    this.special = isSpecialFile(this.errorsFile);
    if (this.special) this.out = openForWriting(this.errorsFile);
    else {
      this.partial = `${replacedFile(this.errorsFile)}.partial-${process.pid}`;
      this.complete = removeIfInterrupted(this.partial);
      this.out = openForWriting(this.partial, this.errorsFile, { exclusive: true });
    }
    this.out.write(encoder.bom);
    this.row([...header.headers, 'line', 'column', 'reason']);
  }

  /** A line of the file: values a spreadsheet would run as formulas are marked as text, as export does. */
  private row(cells: string[]): void {
    this.out!.write(this.encoder!.encode(cells.map((c) => csvCell(guardFormula(c), this.delimiter)).join(this.delimiter) + '\r\n'));
  }

  add(rejection: Rejection, record: readonly string[]): void {
    this.total++;
    const secretFrom = this.secretFrom(record.length);
    if (this.out) {
      const { cells, hidden } = this.fitted(record, secretFrom);
      const reasons = rejection.problems.map((p) => p.reason).join('; ') + (hidden ? '; the password was left out of this file: type it again' : '');
      this.row([...cells, String(rejection.line), rejection.problems.map((p) => p.column).join('; '), reasons]);
    }
    if (this.printed < Rejections.PRINTED) {
      for (const p of rejection.problems) {
        // A cell of a row whose cells slid under other headers may be the password: no value of it is quoted.
        const quoted = secretFrom === Infinity;
        const value = quoted ? `, value "${shown(p.value)}"` : '';
        // The reason may quote the value: a long one is cut there too.
        const instead = quoted ? shown(p.value) : '(not shown: the row may hold a password)';
        const reason = p.value !== '' && (p.value.length > SHOWN_MAX || !quoted) ? p.reason.split(p.value).join(instead) : p.reason;
        this.ctx.io.stderr.write(`line ${rejection.line}, column "${shown(p.column)}"${value}: ${escapeControls(reason)}\n`);
      }
      this.printed++;
    }
  }

  /**
   * From which cell on a row of `length` cells may hold a password besides the password columns: none
   * (Infinity) when the file has no password column or the row fits the header; else its cells slid right
   * or left, and any cell from the first password column less the missing ones on may hold it.
   */
  private secretFrom(length: number): number {
    if (this.secret.size === 0 || length === this.width) return Infinity;
    return Math.max(0, Math.min(...this.secret) - Math.max(0, this.width - length));
  }

  /**
   * The row's cells under the file's headers, so line, column and reason stay in their columns: the cells
   * past the last header are kept in the last column, joined by the delimiter; a row the parser could not
   * read has none. Passwords stay out of a file that is passed around to be fixed.
   */
  private fitted(record: readonly string[], secretFrom: number): { cells: string[]; hidden: boolean } {
    const width = this.width;
    const cells = record.length > width ? [...record.slice(0, width - 1), record.slice(width - 1).join(this.delimiter)] : Array.from({ length: width }, (_, i) => record[i] ?? '');
    let hidden = false;
    const blanked = cells.map((cell, i) => {
      const secret = this.secret.has(i) || i >= secretFrom;
      if (secret && cell !== '') hidden = true;
      return secret ? '' : cell;
    });
    return { cells: blanked, hidden };
  }

  async finish(): Promise<void> {
    if (this.total > this.printed) {
      this.ctx.io.stderr.write(`... and ${plural(this.total - this.printed, 'more rejected row')}${this.errorsFile ? ` (all in ${this.errorsFile})` : '; pass --errors FILE to get every one'}\n`);
    }
    if (!this.out) return;
    try {
      await finishWriting(this.out);
      if (this.partial) renameSync(this.partial, replacedFile(this.errorsFile!));
    } catch (error) {
      // A half-written list of rejected rows (a full disk) is worse than none.
      if (this.partial) rmSync(this.partial, { force: true });
      throw error;
    } finally {
      this.partial = undefined;
      this.complete?.();
    }
  }

  /** The import failed or was cancelled before finish: the partial file goes, a --errors FILE there stays. */
  abandon(): void {
    if (!this.partial) return;
    this.out?.destroy();
    rmSync(this.partial, { force: true });
    this.partial = undefined;
    this.complete?.();
  }
}

/** How the file was read, as a summary says it. */
export function readAs(s: { preset: string; delimiter: string; encoding: string }): string {
  return `Read as ${s.preset} preset, delimiter ${describeDelimiter(s.delimiter)}, encoding ${s.encoding}.`;
}

function summaryText(s: ImportSummary, dryRun: boolean, skipInvalid: boolean): string[] {
  const lines = [
    `${s.written ? 'Imported' : dryRun ? 'Dry run' : 'Nothing imported'}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected` +
      (s.duplicates ? `, ${s.duplicates} repeated customers (merged into the earlier row)` : '') + '.',
    readAs(s),
  ];
  if (s.unknown_columns.length) {
    const more = s.unknown_columns.length > 20 ? `, ... (${s.unknown_columns.length} in all)` : '';
    lines.push(`Ignored unknown columns: ${s.unknown_columns.slice(0, 20).map((c) => `"${shown(c)}"`).join(', ')}${more} (use --map 'Header=field' to read one).`);
  }
  for (const c of s.columns_not_read) {
    lines.push(`Column "${shown(c.column)}" not read: --map '${shown(c.map)}' reads ${c.field} from "${shown(c.read_from)}".`);
  }
  for (const w of s.warnings.slice(0, 20)) lines.push(`warning: ${w}.`);
  if (s.warnings.length > 20) lines.push(`... and ${s.warnings.length - 20} more warnings.`);
  if (s.skipped_addresses) {
    lines.push(`Skipped ${plural(s.skipped_addresses, 'address row')}: one address is kept per customer (the default billing one, else the first); rows of no customer are left out.`);
  }
  if (s.groups_created.length) lines.push(`${s.written ? 'Created' : 'Would create'} groups: ${s.groups_created.map((g) => `"${g}"`).join(', ')}.`);
  for (const d of s.duplicate_lines.slice(0, 20)) {
    lines.push(`line ${d.line} repeats the ${d.key} of line ${d.earlierLine}; its non-empty values win, its empty cells erase nothing.`);
  }
  if (s.duplicate_lines.length > 20) lines.push(`... and ${s.duplicate_lines.length - 20} more repeated customers.`);
  if (s.rejected && !skipInvalid && !s.written) lines.push('Nothing was written: fix the rows above and import again, or pass --skip-invalid to import the valid rows.');
  if (dryRun) lines.push('Dry run: nothing was written.');
  return lines;
}

/** Rows were rejected: exit 1, after the reasons and the summary have been printed. */
export class RejectedRows extends CustomersError {
  constructor() {
    super('some rows were rejected (see above)');
  }
}

function jsonSummary(s: ImportSummary) {
  const { created, updated, unchanged, rejected, duplicates, skipped_addresses, preset, delimiter, encoding, written, groups_created, unknown_columns, warnings } = s;
  const columns_not_read = s.columns_not_read.map(({ column, field, read_from }) => ({ column, field, read_from }));
  return {
    created, updated, unchanged, rejected, duplicates, skipped_addresses, preset, delimiter, encoding, written, groups_created, unknown_columns,
    columns_not_read, warnings,
  };
}
