/** orders import | export: the orders ledger to and from CSV files (this tool's, Shopify's, WooCommerce's). */
import type { Command } from 'commander';
import { Option } from 'commander';
import { crashPointFrom } from '../../common/crash.js';
import type { OrderImportSummary } from '../../core/csv/order-import.js';
import { ORDER_PRESET_NAMES, type OrderPresetName, parseUtcOffset } from '../../core/csv/order-presets.js';
import { ENCODINGS, type Encoding, parseDelimiterOption, parseEncodingOption } from '../../core/csv/text.js';
import { checkSetting } from '../../core/settings.js';
import type { Context } from '../context.js';
import { checkOutputTarget } from '../files.js';
import { addFilterOptions, type FilterFlags, filterFromFlags, parseDateArg } from '../options.js';
import { parser } from '../usage.js';
import { writeCsvOutput } from './export.js';
import { readAs, recordsOf, RejectedRows, startImport } from './import.js';
import { plural } from './selection.js';

interface OrderImportFlags {
  preset: OrderPresetName | 'auto';
  delimiter: string;
  encoding: Encoding | 'auto';
  currency?: string;
  utcOffset?: string;
  skipInvalid?: boolean;
  errors?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

type OrderExportFlags = FilterFlags & { preset: OrderPresetName; placedAfter?: string; placedBefore?: string; force?: boolean };

export function registerOrderFiles(orders: Command, ctx: Context): void {
  registerOrderImport(orders, ctx);
  const cmd = orders
    .command('export')
    .description('export orders as CSV, oldest first: all of them, or those of the customers the filters select')
    .argument('[file]', 'where to write (default: standard output)', '-')
    .addOption(new Option('--preset <name>', "write this platform's headers").choices([...ORDER_PRESET_NAMES]).default('native'))
    .option('--placed-after <date>', 'placed on or after this date', parseDateArg)
    .option('--placed-before <date>', 'placed before this date', parseDateArg)
    .option('--force', 'replace FILE if it exists');
  addFilterOptions(cmd)
    .addHelpText(
      'after',
      `
One row per order; orders import reads every preset back. Text that a spreadsheet would run as a formula
gets a leading apostrophe, which an import takes off again. Without filters, guest orders are exported too.

Examples:
  customers orders export orders.csv
  customers orders export --preset shopify --placed-after 2026-01-01 shopify-orders.csv
  customers orders export --group VIP | customers --db other.db orders import -`,
    )
    .action((file: string, flags: OrderExportFlags) => runOrderExport(ctx, file, flags));
}

function registerOrderImport(orders: Command, ctx: Context): void {
  orders
    .command('import')
    .description("import orders from this tool's export, Shopify's orders export or WooCommerce's (WebToffee)")
    .argument('<file>', 'the CSV file, or - for standard input')
    .addOption(new Option('--preset <name>', "the file's layout").choices(['auto', ...ORDER_PRESET_NAMES]).default('auto'))
    .option('--delimiter <d>', 'auto, comma, semicolon, tab or pipe (or ",", ";", "|")', parser((raw) => parseDelimiterOption(raw, true)), 'auto')
    .option('--encoding <e>', `${ENCODINGS.join(', ')}`, parser(parseEncodingOption), 'auto')
    .option('--currency <code>', "the currency of orders whose row gives none (default: the store's)", parser((raw) => checkSetting('store.currency', raw)))
    .option('--utc-offset <offset>', 'the time zone of dates written without one, such as +02:00 (WooCommerce writes site time); default UTC', parser(parseUtcOffset))
    .option('--skip-invalid', 'write the valid orders even if some are rejected')
    .option('--errors <file>', 'write rejected rows with line, column and reason to this CSV file')
    .option('--force', 'replace the --errors file if it exists')
    .option('--dry-run', 'read and check everything, write nothing')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      `
All or nothing: if any order is rejected, nothing is written (exit 1) unless --skip-invalid is given.
An order whose number the ledger has with the same e-mail, total, currency and date is unchanged, so a file
imported twice changes nothing; with other values it is rejected. Orders link to the customer with their
e-mail; the others are kept as guest orders, and link to a customer created with that e-mail later.
The total kept is what was paid: the total less refunds; a cancelled order keeps that net total (0 when it
was refunded or never paid). Shopify test orders (Bogus gateway, tag "test") are left out.
Shopify dates carry their offset; WooCommerce dates are the site's time without one: give --utc-offset.
A customer's imported statistics (Total Orders, Total Spent) already count these orders: they are moved
into the ledger, not counted twice.

Examples:
  customers orders import orders_export_1.csv
  customers orders import woo-orders.csv --preset woocommerce --utc-offset +01:00 --dry-run
  customers orders import orders.csv --skip-invalid --errors rejected.csv --json`,
    )
    .action((file: string, flags: OrderImportFlags) => runOrderImport(ctx, file, flags));
}

async function runOrderImport(ctx: Context, file: string, flags: OrderImportFlags): Promise<void> {
  const dryRun = Boolean(flags.dryRun);
  const run = await startImport(ctx, file, flags, 'orders import');
  const { importOrders } = await import('../../core/csv/order-import.js');
  try {
    const openStore = () => ctx.store({ create: dryRun ? 'scratch' : true, dryRun });
    const summary = await importOrders(openStore, await recordsOf(ctx, file, { encoding: flags.encoding, delimiter: flags.delimiter }), {
      preset: flags.preset, skipInvalid: Boolean(flags.skipInvalid), dryRun, now: ctx.io.now(), currency: flags.currency, utcOffset: flags.utcOffset,
      crashAfterRows: crashPointFrom(ctx.io.env),
      ...run.hooks,
    });
    await run.finish();
    if (flags.json) ctx.io.stdout.write(JSON.stringify(summary) + '\n');
    for (const line of orderSummaryText(summary, dryRun, Boolean(flags.skipInvalid))) ctx.say(line);
    if (summary.rejected && (!flags.skipInvalid || dryRun)) throw new RejectedRows();
  } finally {
    run.end();
  }
}

function orderSummaryText(s: OrderImportSummary, dryRun: boolean, skipInvalid: boolean): string[] {
  const lines = [
    `${s.written ? 'Imported' : dryRun ? 'Dry run' : 'Nothing imported'}: ${s.created} created (${s.linked} linked to customers, ${s.guests} guest orders), ` +
      `${s.unchanged} unchanged, ${s.rejected} rejected.`,
    readAs(s),
  ];
  if (s.cancelled) lines.push(`${plural(s.cancelled, 'order')} cancelled on the platform, kept with what was paid and not refunded.`);
  if (s.test_orders) lines.push(`Left out ${plural(s.test_orders, 'test order')} (Bogus gateway or tagged "test").`);
  if (s.rejected && !skipInvalid && !s.written) lines.push('Nothing was written: fix the rows above and import again, or pass --skip-invalid to import the valid orders.');
  if (dryRun) lines.push('Dry run: nothing was written.');
  return lines;
}

async function runOrderExport(ctx: Context, file: string, flags: OrderExportFlags): Promise<void> {
  const { exportOrders } = await import('../../core/csv/order-export.js');
  checkOutputTarget(file, ctx.storePath, flags.force);
  const store = await ctx.store({ create: false });
  const query = { filter: filterFromFlags(flags), placedAfter: flags.placedAfter, placedBefore: flags.placedBefore };
  const options = { preset: flags.preset, delimiter: ',', bom: false };
  const count = await writeCsvOutput(ctx, file, (write) => exportOrders(store.db, query, options, write));
  ctx.say(`Exported ${plural(count, 'order')}${file === '-' ? '' : ` to ${file} (${flags.preset})`}.`);
}
