/** seed --count N | seed FILE.json | seed --schema | seed --reset: a known store for CI, never asking anything. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { SeedResult } from '../../core/seed/fixture.js';
import { checkSeedRequest, SEED_LOCALES, type SeedLocale } from '../../core/seed/locales.js';
import type { Context } from '../context.js';
import { checkInputFile } from '../files.js';
import { parseCountArg } from '../options.js';
import { chooseFormat, type Column, renderItems } from '../render/render.js';
import { asUsageError } from '../usage.js';
import { plural } from './selection.js';

interface SeedFlags {
  count?: number;
  seed: string;
  locale: SeedLocale;
  json?: boolean;
  schema?: boolean;
  reset?: boolean;
  yes?: boolean;
}

const LINK_COLUMNS: readonly Column[] = [
  { name: 'ref', type: 'text' },
  { name: 'customer', type: 'int' },
  { name: 'email', type: 'text' },
  { name: 'state', type: 'text' },
  { name: 'expires_at', type: 'timestamp' },
  { name: 'url', type: 'text', whole: true },
];

export function registerSeedCommand(program: Command, ctx: Context): void {
  program
    .command('seed')
    .description('build a known store for tests and CI: N generated customers (--count) or a declared fixture file; never asks')
    .argument('[file]', 'fixture file (JSON: settings, groups, customers, orders, login_links; see --schema)')
    .option('--count <n>', 'generate N realistic customers with their orders', parseCountArg('--count'))
    .option('--seed <text>', 'with --count: the same seed gives the same store, byte for byte', '1')
    .option('--locale <locale>', `with --count: ${SEED_LOCALES.join(', ')} (mix: several countries)`, 'mix')
    .option('--json', 'print the login links a fixture issued as JSON')
    .option('--schema', 'print the JSON Schema of fixture files (for editors: "$schema" in the file)')
    .option('--reset', 'empty the store first: customers, orders, groups, login links and history (settings stay); needs --yes')
    .option('-y, --yes', 'confirm --reset (seed never asks)')
    .addHelpText(
      'after',
      `
Examples:
  customers seed --count 1000 --seed ci --locale fr
  customers seed fixtures/seed-login.json --json      # prints each login link: ref, customer, e-mail, URL, state, expiry
  customers seed fixtures/seed-login.json --reset --yes

A fixture run twice changes nothing the second time, except that its login links are issued anew (the
earlier run's unused ones are revoked).`,
    )
    .action((file: string | undefined, flags: SeedFlags) => runSeed(ctx, file, flags));
}

async function runSeed(ctx: Context, file: string | undefined, flags: SeedFlags): Promise<void> {
  if (flags.schema) {
    if (file !== undefined || flags.count !== undefined || flags.reset) throw new UsageError('--schema prints the schema and nothing else; give it alone');
    const { fixtureSchema } = await import('../../core/seed/schema.js');
    ctx.io.stdout.write(JSON.stringify(fixtureSchema(), null, 2) + '\n');
    return;
  }
  if (file !== undefined && flags.count !== undefined) throw new UsageError('give a fixture file or --count, not both');
  if (file === undefined && flags.count === undefined && !flags.reset) throw new UsageError('nothing to seed: give a fixture file, --count N, or --reset --yes', ['customers seed --count 100, customers seed fixture.json']);
  asUsageError(() => checkSeedRequest(flags.count ?? 0, flags.locale, { count: '--count', locale: '--locale' }));
  if (flags.reset && !flags.yes) throw new UsageError('--reset empties the store, and seed never asks: pass --yes as well');
  // A fixture with an error must not cost the store: read and check it all before anything is written.
  if (file !== undefined) checkInputFile(file);
  const fixture = file === undefined ? undefined : { file, text: readFileSync(file, 'utf8') };
  if (fixture) (await import('../../core/seed/fixture.js')).parseFixture(fixture.text, fixture.file);
  const api = await ctx.api({ create: true });
  if (flags.reset) {
    const emptied = await api.seed.reset();
    ctx.say(`Emptied the store: ${plural(emptied.customers, 'customer')} and ${plural(emptied.orders, 'order')} removed.`);
  }
  if (flags.count !== undefined) {
    const result = await api.seed.generate({ count: flags.count, seed: flags.seed, locale: flags.locale });
    ctx.say(`Seeded ${plural(result.customers, 'customer')} with ${plural(result.orders, 'order')} (seed "${flags.seed}", locale ${flags.locale}, amounts in ${result.currency}).`);
  }
  if (fixture) {
    const result = await api.seed.fixture(fixture);
    ctx.say(describeFixture(fixture.file, result));
    const links = result.links.map((l) => ({ ref: l.ref, customer: l.customer_id, email: l.email, url: l.url, state: l.state, expires_at: l.expires_at }));
    if (flags.json) ctx.io.stdout.write(JSON.stringify(links, null, 2) + '\n');
    else if (links.length) await renderItems(ctx, links, { format: chooseFormat(ctx, {}), columns: LINK_COLUMNS, limited: true });
  }
}

function describeFixture(file: string, result: SeedResult): string {
  const part = (what: string, n: { created: number; changed: number; unchanged: number }) => `${what}: ${n.created} created, ${n.changed} changed, ${n.unchanged} unchanged`;
  const groups = result.groups_created.length ? `; groups created: ${result.groups_created.join(', ')}` : '';
  return `Seeded ${file}: ${part('customers', result.customers)}; ${part('orders', result.orders)}${groups}; ${plural(result.links.length, 'login link')} issued.`;
}
