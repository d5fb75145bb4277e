/** import and export: CSV files from and for other platforms. */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { ImportMode, ImportSummary, Rejection } from '../../core/csv/import.js';
import { MAP_TARGETS } from '../../core/csv/columns.js';
import { PRESET_NAMES, type ImportTarget, type PresetName } from '../../core/csv/presets.js';
import { csvCell, delimiterName, ENCODINGS, parseDelimiterOption, parseEncodingOption } from '../../core/csv/text.js';
import { CustomersError, NotFoundError, UsageError } from '../../common/errors.js';
import { normalizeGroupName } from '../../core/values.js';
import type { Context } from '../context.js';
import { addFilterOptions, filterFromOptions, parser, repeatable } from '../options.js';
import { Progress } from '../render/progress.js';
import { plural } from './selection.js';

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

/** Prints rejected rows as they come (up to a limit) and writes every one to --errors FILE. */
class Rejections {
  static readonly PRINTED = 100;
  private printed = 0;
  private total = 0;
  private out: ReturnType<typeof createWriteStream> | undefined;
  private delimiter = ',';

  constructor(private readonly ctx: Context, private readonly errorsFile: string | undefined) {
    if (errorsFile) this.out = openForWriting(errorsFile, errorsFile); // a bad path fails before the import starts
  }

  start(headers: string[], delimiter: string): void {
    this.delimiter = delimiter;
    if (this.out) this.row([...headers, 'line', 'column', 'reason']);
  }

  private row(cells: string[]): void {
    this.out!.write(cells.map((c) => csvCell(c, this.delimiter)).join(this.delimiter) + '\r\n');
  }

  add(rejection: Rejection, record: readonly string[]): void {
    this.total++;
    if (this.out) {
      this.row([...record, String(rejection.line), rejection.problems.map((p) => p.column).join('; '), rejection.problems.map((p) => p.reason).join('; ')]);
    }
    if (this.printed < Rejections.PRINTED) {
      for (const p of rejection.problems) {
        this.ctx.io.stderr.write(`line ${rejection.line}, column "${p.column}", value "${p.value}": ${p.reason}\n`);
      }
      this.printed++;
    }
  }

  async finish(): Promise<void> {
    if (this.total > this.printed) {
      this.ctx.io.stderr.write(`... and ${plural(this.total - this.printed, 'more rejected row')}${this.errorsFile ? ` (all in ${this.errorsFile})` : '; pass --errors FILE to get every one'}\n`);
    }
    if (this.out) await new Promise((resolve) => this.out!.end(resolve));
  }
}

function summaryText(s: ImportSummary, dryRun: boolean, skipInvalid: boolean): string[] {
  const lines = [
    `${s.written ? 'Imported' : dryRun ? 'Dry run' : 'Nothing imported'}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected` +
      (s.duplicates ? `, ${s.duplicates} repeated e-mails (the last row wins)` : '') + '.',
    `Read as ${s.preset} preset, delimiter ${s.delimiter === ',' ? 'comma' : s.delimiter === ';' ? 'semicolon' : s.delimiter === '|' ? 'pipe' : s.delimiter}, encoding ${s.encoding}.`,
  ];
  if (s.unknown_columns.length) lines.push(`Ignored unknown columns: ${s.unknown_columns.map((c) => `"${c}"`).join(', ')} (use --map 'Header=field' to read one).`);
  if (s.groups_created.length) lines.push(`${s.written ? 'Created' : 'Would create'} groups: ${s.groups_created.join(', ')}.`);
  for (const d of s.duplicate_lines.slice(0, 20)) lines.push(`line ${d.line} repeats the e-mail ${d.email} of line ${d.earlierLine}; line ${d.line} wins.`);
  if (s.duplicate_lines.length > 20) lines.push(`... and ${s.duplicate_lines.length - 20} more repeated e-mails.`);
  if (s.rejected && !skipInvalid && !s.written) lines.push('Nothing was written: fix the rows above and import again, or pass --skip-invalid to import the valid rows.');
  if (dryRun) lines.push('Dry run: nothing was written.');
  return lines;
}

export function registerCsvCommands(program: Command, ctx: Context): void {
  program
    .command('import')
    .description('import customers from a CSV file (Shopify, Ecwid, WooCommerce, Magento, BigCommerce or native)')
    .argument('<file>', 'the CSV file, or - for standard input')
    .addOption(new Option('--preset <name>', 'the file\'s layout').choices(['auto', ...PRESET_NAMES]).default('auto'))
    .option('--delimiter <d>', 'auto, ",", ";", tab or "|"', parser((raw) => parseDelimiterOption(raw, true)), 'auto')
    .option('--encoding <e>', `${ENCODINGS.join(', ')}`, parser(parseEncodingOption), 'auto')
    .option('--map <header=field>', 'read a column as a field (repeatable); Header= ignores it', repeatable(parseMap))
    .addOption(new Option('--mode <mode>', 'upsert: create and update; create: new e-mails only; update: existing only').choices(['upsert', 'create', 'update']).default('upsert'))
    .option('--skip-invalid', 'write the valid rows even if some are rejected')
    .option('--errors <file>', 'write rejected rows with line, column and reason to this CSV file')
    .option('--group <name>', 'put every imported customer in this group (created if missing)', parser(normalizeGroupName))
    .option('--dry-run', 'read and check everything, write nothing')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      `
All or nothing: if any row is rejected, nothing is written (exit 1) unless --skip-invalid is given.
The same e-mail twice in one file: the last row wins. Passwords are stored hashed (scrypt).

Examples:
  customers import shopify-export.csv
  customers import excel.csv --preset woocommerce --delimiter ';' --encoding windows-1252
  customers import list.csv --map 'E-mail address=email' --map 'Internal id=' --group Imported --dry-run
  customers export | customers --db other.db import -`,
    )
    .action(async (file: string, opts) => {
      const source = openSource(ctx, file);
      const dryRun = Boolean(opts.dryRun);
      let tempDir: string | undefined;
      let dbPath: string | undefined;
      if (dryRun) {
        // A dry run writes nothing, not even a new store: check against an empty copy instead.
        try {
          statSync(ctx.storePath);
        } catch {
          tempDir = mkdtempSync(join(tmpdir(), 'customers-dry-run-'));
          dbPath = join(tempDir, 'store.db');
        }
      }
      const rejections = new Rejections(ctx, opts.errors);
      const { importCustomers } = await import('../../core/csv/import.js');
      const store = dbPath ? (await import('../../store/open.js')).openStore(dbPath, { create: true }) : await ctx.store({ create: true });
      const progress = new Progress(ctx, source.size, 'rows');
      try {
        const { readRecords, readRecordsInWorker } = await import('../../core/csv/read.js');
        const readOptions = { encoding: opts.encoding, delimiter: opts.delimiter };
        // A file is parsed in a worker thread beside the writes when the built worker is there (not when
        // running from source, nor for standard input).
        const workerFile = fileURLToPath(new URL('./parse-worker.cjs', import.meta.url));
        const records =
          file !== '-' && existsSync(workerFile) && !ctx.io.env.CUSTOMERS_NO_WORKER
            ? readRecordsInWorker(workerFile, file, readOptions)
            : readRecords(source.open(), readOptions);
        const summary = await importCustomers(store, records, {
          preset: opts.preset as PresetName | 'auto',
          maps: opts.map ?? [],
          mode: opts.mode as ImportMode,
          skipInvalid: Boolean(opts.skipInvalid),
          group: opts.group,
          dryRun,
          now: ctx.io.now(),
          onHeader: (h) => rejections.start(h.headers, h.delimiter),
          onRejected: (r, record) => {
            progress.done();
            rejections.add(r, record);
          },
          onProgress: (rows, bytes) => progress.update(rows, bytes),
        });
        progress.done();
        await rejections.finish();
        if (opts.json) ctx.io.stdout.write(JSON.stringify(jsonSummary(summary)) + '\n');
        for (const line of summaryText(summary, dryRun, Boolean(opts.skipInvalid))) ctx.say(line);
        if (summary.rejected && (!opts.skipInvalid || dryRun)) throw new RejectedRows();
      } finally {
        progress.done();
        if (dbPath) {
          store.close();
          rmSync(tempDir!, { recursive: true, force: true });
        }
      }
    });

  const exportCmd = program
    .command('export')
    .description('export customers as CSV, in this tool\'s format or another platform\'s')
    .argument('[file]', 'where to write (default: standard output)', '-');
  addFilterOptions(exportCmd)
    .addOption(new Option('--preset <name>', 'write this platform\'s headers and conventions').choices([...PRESET_NAMES]).default('native'))
    .option('--columns <list>', 'comma-separated columns to write, in this order')
    .option('--delimiter <d>', '",", ";", tab or "|"', parser((raw) => parseDelimiterOption(raw, false)), ',')
    .option('--bom', 'start with a UTF-8 byte-order mark (for Excel)')
    .option('--no-header', 'leave out the header line')
    .addHelpText(
      'after',
      `
Text that a spreadsheet would run as a formula gets a leading apostrophe; a native import removes it.

Examples:
  customers export customers.csv
  customers export --preset shopify --country BE shopify-import.csv
  customers export --columns email,first_name,accepts_marketing --accepts-marketing --bom newsletter.csv`,
    )
    .action(async (file: string, opts) => {
      const { exportColumns, exportCustomers } = await import('../../core/csv/export.js');
      const columns = opts.columns === undefined ? undefined : String(opts.columns).split(',').map((c) => c.trim()).filter(Boolean);
      exportColumns(opts.preset, columns); // a bad --columns fails before anything is opened or written
      const store = await ctx.store({ create: false });
      const filter = filterFromOptions(opts);
      const options = { preset: opts.preset as PresetName, columns, delimiter: opts.delimiter as string, bom: Boolean(opts.bom), header: opts.header !== false };
      if (file === '-') {
        const count = await exportCustomers(store.db, filter, options, (chunk) => writeWithBackpressure(ctx.io.stdout, chunk));
        ctx.say(`Exported ${plural(count, 'customer')}.`);
        return;
      }
      // Written beside the target and renamed at the end: a failed export never leaves half a file.
      const partial = `${file}.partial-${process.pid}`;
      const out = openForWriting(partial, file);
      try {
        const count = await exportCustomers(store.db, filter, options, (chunk) => writeWithBackpressure(out, chunk));
        await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        renameSync(partial, file);
        ctx.say(`Exported ${plural(count, 'customer')} to ${file} (${options.preset}, delimiter ${delimiterName(options.delimiter)}).`);
      } catch (error) {
        out.destroy();
        rmSync(partial, { force: true });
        throw error;
      }
    });
}

/** Rows were rejected: exit 1, after the reasons and the summary have been printed. */
class RejectedRows extends CustomersError {
  constructor() {
    super('some rows were rejected (see above)');
  }
}

function jsonSummary(s: ImportSummary) {
  const { created, updated, unchanged, rejected, duplicates, preset, delimiter, encoding, written, groups_created, unknown_columns } = s;
  return { created, updated, unchanged, rejected, duplicates, preset, delimiter, encoding, written, groups_created, unknown_columns };
}

/** Checks the input now; `open` gives its bytes when they are read on this thread (not by the worker). */
function openSource(ctx: Context, file: string): { open: () => AsyncIterable<Buffer | string>; size?: number } {
  if (file === '-') {
    if (ctx.io.stdin.isTTY) throw new UsageError('import - reads the CSV from standard input, which is a terminal; pipe a file in or name it');
    return { open: () => ctx.io.stdin as AsyncIterable<Buffer> };
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UsageError(`${file} is a folder, not a CSV file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CustomersError) throw error;
    throw new NotFoundError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return { open: () => createReadStream(file, { highWaterMark: 1 << 18 }), size };
}

/** Opens a file for writing now, so a bad path is a clear error before any work (not a crash later). */
function openForWriting(path: string, shownAs: string): ReturnType<typeof createWriteStream> {
  let fd: number;
  try {
    fd = openSync(path, 'w', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new UsageError(`cannot write ${shownAs}: ${why}`);
  }
  return createWriteStream('', { fd });
}

async function writeWithBackpressure(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
}
