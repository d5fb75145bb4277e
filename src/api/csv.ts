/** CSV import and export, and seeding, for a program: the CLI's rules, without its terminal. */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '../common/errors.js';
import { MAP_TARGETS } from '../core/csv/columns.js';
import type { ExportResult } from '../core/csv/export.js';
import type { ImportMode, ImportSummary, Problem } from '../core/csv/import.js';
import { PRESET_NAMES, PRESETS, type PresetName } from '../core/csv/presets.js';
import { parseDelimiterOption, parseEncodingOption } from '../core/csv/text.js';
import { loginUrlTemplate } from '../core/login-links.js';
import type { SeedResult } from '../core/seed/fixture.js';
import { checkSeedRequest, type SeedLocale } from '../core/seed/locales.js';
import type { DateOrder } from '../core/values.js';
import type { Store } from '../store/open.js';
import { objectOf, optionalFlag, optionalText, textList, textOf } from './input.js';
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
  async import(source: string | { text: string }, given: ImportCsvOptions = {}): Promise<ImportResult> {
    const options = objectOf(given, 'the import options');
    const [{ importCustomers }, { fileRecords, readRecords }] = await Promise.all([import('../core/csv/import.js'), import('../core/csv/read.js')]);
    const read = { encoding: parseEncodingOption(optionalText(options.encoding, 'encoding') ?? 'auto'), delimiter: parseDelimiterOption(optionalText(options.delimiter, 'delimiter') ?? 'auto', true) };
    const batches = typeof source === 'string' ? fileRecords(source, read) : readRecords(Readable.from([Buffer.from(csvText(source))]), read);
    const rejections: ImportResult['rejections'] = [];
    const summary = await importCustomers(async () => this.store, batches, {
      preset: checkPreset(options.preset ?? 'auto', true),
      maps: mapsOf(options.map),
      mode: modeOf(options.mode),
      skipInvalid: optionalFlag(options.skipInvalid, 'skipInvalid') ?? false,
      group: optionalText(options.group, 'group'),
      dryRun: optionalFlag(options.dryRun, 'dryRun') ?? false,
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
    if (existsSync(textOf(file, 'the file')) && statSync(file).isDirectory()) throw new ValidationError(`${file} is a folder: name the CSV file to write in it`);
    const partial = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
    let fd: number | undefined = openSync(partial, 'wx', 0o600);
    try {
      const result = await this.exportTo(options, (chunk) => {
        writeSync(fd!, chunk);
      });
      closeSync(fd);
      fd = undefined;
      renameSync(partial, file);
      return result;
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      rmSync(partial, { force: true });
      throw error;
    }
  }

  private async exportTo(given: ExportCsvOptions, write: (chunk: string) => void): Promise<ExportResult> {
    const { exportCustomers } = await import('../core/csv/export.js');
    const options = objectOf(given, 'the export options');
    if (options.columns !== undefined) textList(options.columns, 'columns');
    const preset = checkPreset(options.preset ?? 'native', false) as PresetName;
    const filter = filterOf(options, ['preset', 'columns', 'delimiter', 'bom', 'header']);
    const delimiter = options.delimiter === undefined ? (PRESETS[preset].delimiter ?? ',') : parseDelimiterOption(textOf(options.delimiter, 'delimiter'), false);
    const header = optionalFlag(options.header, 'header') ?? true;
    return exportCustomers(this.store.db, filter, { preset, columns: options.columns, delimiter, bom: optionalFlag(options.bom, 'bom') ?? false, header }, write);
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
    const given = typeof fixture === 'string' ? fixture : objectOf(fixture, 'a fixture');
    const { text, file } = typeof given === 'string' ? { file: given, text: readFixture(given) } : isFileText(given) ? given : { file: 'the fixture', text: JSON.stringify(given) };
    const parsed = parseFixture(text, file);
    return applyFixture(this.store, parsed, this.now(), (url) => loginUrlTemplate(this.store.db, url));
  }

  /** Empties the store (customers, orders, groups, links, history; settings stay), ids from 1 again. */
  async reset(): Promise<{ customers: number; orders: number }> {
    const { emptyStore } = await import('../core/seed/count.js');
    return emptyStore(this.store);
  }
}

/** A fixture file's text; a missing one is NOT_FOUND (a string is a path: pass an object for JSON itself). */
function readFixture(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new NotFoundError(`no fixture file at ${path} (a string is a path: pass the fixture itself as an object)`);
    throw new ValidationError(`cannot read the fixture ${path}: ${(error as Error).message}`);
  }
}

const MODES: readonly ImportMode[] = ['upsert', 'create', 'update'];

function modeOf(mode: unknown): ImportMode {
  if (mode === undefined) return 'upsert';
  if (!MODES.includes(mode as ImportMode)) throw new ValidationError(`mode is one of ${MODES.join(', ')}, not ${JSON.stringify(mode)}`);
  return mode as ImportMode;
}

/** { 'E-mail address': 'email', 'Internal id': null }: a header read as a field, or ignored. */
function mapsOf(map: unknown): { header: string; target: string | null }[] {
  return Object.entries(objectOf(map as object | undefined, 'map')).map(([header, target]) => {
    if (target !== null && typeof target !== 'string') throw new ValidationError(`map["${header}"] is a field name, or null to ignore the column`);
    if (target !== null && !MAP_TARGETS.includes(target)) throw new ValidationError(`map["${header}"]: unknown field "${target}"`, [`Fields: ${MAP_TARGETS.join(', ')}.`]);
    return { header, target };
  });
}

function isFileText(value: object): value is { file: string; text: string } {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as { file?: unknown }).file === 'string' && typeof (value as { text?: unknown }).text === 'string';
}

function checkPreset(preset: string, auto: boolean): PresetName | 'auto' {
  if ((auto && preset === 'auto') || (PRESET_NAMES as readonly string[]).includes(preset)) return preset as PresetName | 'auto';
  throw new ValidationError(`unknown preset "${preset}"`, [`Presets: ${auto ? 'auto, ' : ''}${PRESET_NAMES.join(', ')}.`]);
}

function csvText(source: { text: string }): string {
  if (typeof source?.text !== 'string') throw new ValidationError('give a file path, or { text } with the CSV');
  return source.text;
}
