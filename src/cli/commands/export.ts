/** export: customers as CSV, in this tool's layout or another platform's. */
import { renameSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../common/errors.js';
import { splitList } from '../../common/pick.js';
import type { ExportResult } from '../../core/csv/export.js';
import { PRESET_NAMES, PRESETS, type PresetName } from '../../core/csv/presets.js';
import { describeDelimiter, parseDelimiterOption } from '../../core/csv/text.js';
import type { Context } from '../context.js';
import { checkOutputTarget, finishWriting, isSpecialFile, openForWriting, removeIfInterrupted, replacedFile, writeWithBackpressure } from '../files.js';
import { addFilterOptions, type FilterFlags, filterFromFlags } from '../options.js';
import { asUsageError, parser } from '../usage.js';
import { plural } from './selection.js';

interface ExportFlags extends FilterFlags {
  preset: PresetName;
  fields?: string;
  columns?: string;
  delimiter?: string;
  bom?: boolean;
  header: boolean;
  force?: boolean;
}

export function registerExportCommand(program: Command, ctx: Context): void {
  const cmd = program
    .command('export')
    .description("export customers as CSV, in this tool's format or another platform's")
    .argument('[file]', 'where to write (default: standard output)', '-');
  addFilterOptions(cmd)
    .addOption(new Option('--preset <name>', "write this platform's headers and conventions").choices([...PRESET_NAMES]).default('native'))
    .option('--fields <list>', "comma-separated columns to write, in this order: with the native preset any field list --fields takes (name too); with another, that platform's headers")
    .addOption(new Option('--columns <list>').hideHelp()) // the former name of --fields
    .option('--delimiter <d>', 'comma, semicolon, tab or pipe (or ",", ";", "|"); default: the platform\'s own, else comma', parser((raw) => parseDelimiterOption(raw, false)))
    .option('--bom', 'start with a UTF-8 byte-order mark (for Excel)')
    .option('--no-header', 'leave out the header line')
    .option('--force', 'replace FILE if it exists')
    .addHelpText(
      'after',
      `
Text that a spreadsheet would run as a formula gets a leading apostrophe; an import takes it off again.

Examples:
  customers export customers.csv
  customers export --preset shopify --country BE shopify-import.csv
  customers export --fields email,first_name,accepts_marketing --accepts-marketing --bom newsletter.csv`,
    )
    .action((file: string, flags: ExportFlags) => runExport(ctx, file, flags));
}

async function runExport(ctx: Context, file: string, flags: ExportFlags): Promise<void> {
  const { exportColumns, exportCustomers } = await import('../../core/csv/export.js');
  if (flags.fields !== undefined && flags.columns !== undefined) throw new UsageError('--columns is another name for --fields; give one of them');
  const fields = flags.fields ?? flags.columns;
  const columns = fields === undefined ? undefined : splitList(fields);
  asUsageError(() => exportColumns(flags.preset, columns)); // a bad --fields fails before anything is opened or written
  checkOutputTarget(file, ctx.storePath, flags.force);
  const store = await ctx.store({ create: false });
  const filter = filterFromFlags(flags);
  const options = { preset: flags.preset, columns, delimiter: flags.delimiter ?? PRESETS[flags.preset].delimiter ?? ',', bom: Boolean(flags.bom), header: flags.header !== false };
  const result = await writeCsvOutput(ctx, file, (write) => exportCustomers(store.db, filter, options, write));
  const where = file === '-' ? '' : ` to ${file}`;
  const how = file === '-' || isSpecialFile(file) ? '' : ` (${options.preset}, delimiter ${describeDelimiter(options.delimiter)})`;
  ctx.say(`Exported ${plural(result.count, 'customer')}${where}${how}.`);
  sayLeftOut(ctx, result, options.preset);
}

/**
 * Writes what `produce` writes to standard output ('-'), a FIFO or device as it is, or a file: beside the
 * target, renamed at the end, so that a failed export never leaves half a file.
 */
export async function writeCsvOutput<T>(ctx: Context, file: string, produce: (write: (chunk: string) => Promise<void>) => Promise<T>): Promise<T> {
  if (file === '-' || isSpecialFile(file)) {
    // A FIFO or a device is written to as it is: there is nothing to replace, and no partial file to keep.
    const out = file === '-' ? undefined : openForWriting(file);
    const result = await produce((chunk) => writeWithBackpressure(out ?? ctx.io.stdout, chunk));
    if (out) await finishWriting(out);
    return result;
  }
  const target = replacedFile(file);
  const partial = `${target}.partial-${process.pid}`;
  // Tracked before it exists: an interrupt at any moment after finds it.
  const complete = removeIfInterrupted(partial);
  const out = openForWriting(partial, file, { exclusive: true });
  try {
    const result = await produce((chunk) => writeWithBackpressure(out, chunk));
    await finishWriting(out);
    renameSync(partial, target);
    complete();
    return result;
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    complete();
    throw error;
  }
}

/** Customers a platform cannot take: said on stderr even with --quiet, as a warning is. */
function sayLeftOut(ctx: Context, result: ExportResult, preset: string): void {
  if (result.withoutEmail) {
    ctx.io.stderr.write(`warning: left out ${plural(result.withoutEmail, 'customer')} without an e-mail address: ${preset} requires one (list them with: customers list --no-email).\n`);
  }
  if (result.unidentified) {
    ctx.io.stderr.write(`warning: left out ${plural(result.unidentified, 'customer')} whose row would name nobody: the ${preset} layout has no column for what they have (a company only, say).\n`);
  }
}
