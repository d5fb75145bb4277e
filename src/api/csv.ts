/** CSV import and export, and seeding, for a program: the CLI's rules, without its terminal. */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { ValidationError } from '../common/errors.js';
import type { ExportResult } from '../core/csv/export.js';
import type { ImportMode, ImportSummary, Problem } from '../core/csv/import.js';
import { PRESET_NAMES, PRESETS, type PresetName } from '../core/csv/presets.js';
import { parseDelimiterOption, parseEncodingOption } from '../core/csv/text.js';
import { loginUrlTemplate } from '../core/login-links.js';
import type { SeedResult } from '../core/seed/fixture.js';
import { checkSeedRequest, type SeedLocale } from '../core/seed/locales.js';
import type { DateOrder } from '../core/values.js';
import type { Store } from '../store/open.js';
import { filterOf } from './query.js';
import type { CustomerQuery } from './types.js';

export interface ImportCsvOptions {
  /** The file's layout; default: recognised from its header. */
  preset?: PresetName | 'auto';
  /** Read a column as a field ({ 'E-mail address': 'email' }); null ignores the column. */
  map?: Record<string, string | null>;
  /** upsert (default): create and update; create: new e-mails only; update: existing customers only. */
  mode?: ImportMode;
  /** Write the valid rows even when some are rejected (by default nothing is written then). */
  skipInvalid?: boolean;
  /** Put every imported customer in this group (created if missing). */
  group?: string;
  /** Read and check everything, write nothing. */
  dryRun?: boolean;
  /** "auto" (default), ",", ";", "tab" or "|". */
  delimiter?: string;
  /** "auto" (default), "utf-8", "windows-1252", "latin1" or "utf-16le". */
  encoding?: string;
  /** Dates such as 5/6/2012: day first (DMY) or month first (MDY); by default the file says. */
  dateOrder?: DateOrder;
}

/** An import's summary (as `import --json` prints it) and its rejected rows, each with line and problems. */
export interface ImportResult extends ImportSummary {
  rejections: { line: number; problems: Problem[] }[];
}

export interface ExportCsvOptions extends CustomerQuery {
  /** The layout; default native (this tool's own, which imports back losslessly). */
  preset?: PresetName;
  /** Columns to write, by header, in this order; default all of the preset's. */
  columns?: string[];
  /** Default: the platform's own, else ",". */
  delimiter?: string;
  bom?: boolean;
  /** Default true. */
  header?: boolean;
}

/** Rejections an import keeps for its result: enough to fix a file, never a file's worth of memory. */
const REJECTIONS_KEPT = 1000;

export class CsvFiles {
  /** @internal */
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /**
   * Imports a CSV file (a path), or CSV text ({ text }), in one transaction: all or nothing unless
   * skipInvalid. `written` says whether anything was kept; rejected rows are in `rejections`.
   */
  async import(source: string | { text: string }, options: ImportCsvOptions = {}): Promise<ImportResult> {
    const [{ importCustomers }, { fileRecords, readRecords }] = await Promise.all([import('../core/csv/import.js'), import('../core/csv/read.js')]);
    const read = { encoding: parseEncodingOption(options.encoding ?? 'auto'), delimiter: parseDelimiterOption(options.delimiter ?? 'auto', true) };
    const batches = typeof source === 'string' ? fileRecords(source, read) : readRecords(Readable.from([Buffer.from(textOf(source))]), read);
    const rejections: ImportResult['rejections'] = [];
    const summary = await importCustomers(async () => this.store, batches, {
      preset: checkPreset(options.preset ?? 'auto', true),
      maps: Object.entries(options.map ?? {}).map(([header, target]) => ({ header, target })),
      mode: options.mode ?? 'upsert',
      skipInvalid: Boolean(options.skipInvalid),
      group: options.group,
      dryRun: Boolean(options.dryRun),
      dateOrder: options.dateOrder,
      now: this.now(),
      onRejected: (rejection) => {
        if (rejections.length < REJECTIONS_KEPT) rejections.push(rejection);
      },
    });
    return { ...summary, rejections };
  }

  /** The selected customers as CSV text, with how many were written and left out. */
  async export(options: ExportCsvOptions = {}): Promise<ExportResult & { csv: string }> {
    const chunks: string[] = [];
    const result = await this.exportTo(options, (chunk) => {
      chunks.push(chunk);
    });
    return { ...result, csv: chunks.join('') };
  }

  /** Writes the CSV to a file: beside it first, renamed at the end, so a failure never leaves half a file. */
  async exportFile(file: string, options: ExportCsvOptions = {}): Promise<ExportResult> {
    const partial = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
    const fd = openSync(partial, 'wx', 0o600);
    try {
      const result = await this.exportTo(options, (chunk) => {
        writeSync(fd, chunk);
      });
      closeSync(fd);
      renameSync(partial, file);
      return result;
    } catch (error) {
      closeSync(fd);
      rmSync(partial, { force: true });
      throw error;
    }
  }

  private async exportTo(options: ExportCsvOptions, write: (chunk: string) => void): Promise<ExportResult> {
    const { exportCustomers } = await import('../core/csv/export.js');
    const preset = checkPreset(options.preset ?? 'native', false) as PresetName;
    const filter = filterOf(options, ['preset', 'columns', 'delimiter', 'bom', 'header']);
    const delimiter = options.delimiter === undefined ? (PRESETS[preset].delimiter ?? ',') : parseDelimiterOption(options.delimiter, false);
    return exportCustomers(this.store.db, filter, { preset, columns: options.columns, delimiter, bom: Boolean(options.bom), header: options.header !== false }, write);
  }
}

export interface SeedOptions {
  count: number;
  /** The same seed gives the same store, byte for byte; default "1". */
  seed?: string;
  /** en, fr, it, nl, de, es or mix (default). */
  locale?: SeedLocale;
}

export class Seeding {
  /** @internal */
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /** Generates `count` realistic customers with their orders into an empty store (INVALID otherwise). */
  async generate(options: SeedOptions): Promise<{ customers: number; orders: number; currency: string }> {
    const locale = options.locale ?? 'mix';
    checkSeedRequest(options.count, locale);
    const { seedCount } = await import('../core/seed/count.js');
    return seedCount(this.store, { count: options.count, seed: options.seed ?? '1', locale, now: this.now() });
  }

  /**
   * Makes a fixture true (the JSON of `seed FILE`: an object, a file's path, or a file's text): customers
   * found by e-mail or source id and made exactly as declared, orders by number, login links issued anew
   * (their URLs returned). Nothing is written unless the whole fixture is valid.
   */
  async fixture(fixture: object | string | { file: string; text: string }): Promise<SeedResult> {
    const { applyFixture, parseFixture } = await import('../core/seed/fixture.js');
    const { text, file } = typeof fixture === 'string' ? { file: fixture, text: readFileSync(fixture, 'utf8') } : isFileText(fixture) ? fixture : { file: 'the fixture', text: JSON.stringify(fixture) };
    const parsed = parseFixture(text, file);
    return applyFixture(this.store, parsed, this.now(), (url) => loginUrlTemplate(this.store.db, url));
  }

  /** Empties the store (customers, orders, groups, links, history; settings stay), ids from 1 again. */
  async reset(): Promise<{ customers: number; orders: number }> {
    const { emptyStore } = await import('../core/seed/count.js');
    return emptyStore(this.store);
  }
}

function isFileText(value: object): value is { file: string; text: string } {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as { file?: unknown }).file === 'string' && typeof (value as { text?: unknown }).text === 'string';
}

function checkPreset(preset: string, auto: boolean): PresetName | 'auto' {
  if ((auto && preset === 'auto') || (PRESET_NAMES as readonly string[]).includes(preset)) return preset as PresetName | 'auto';
  throw new ValidationError(`unknown preset "${preset}"`, [`Presets: ${auto ? 'auto, ' : ''}${PRESET_NAMES.join(', ')}.`]);
}

function textOf(source: { text: string }): string {
  if (typeof source?.text !== 'string') throw new ValidationError('give a file path, or { text } with the CSV');
  return source.text;
}
