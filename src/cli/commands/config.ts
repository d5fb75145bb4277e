/** config list | get | set | unset: store settings kept in the store. */
import type { Command } from 'commander';
import { checkSetting, displaySetting, listSettings, requireSetting, setSetting, settingDef, settingHasSecret, SETTINGS, unsetSetting } from '../../core/settings.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addOutputOptions, type OutputFlags } from '../options.js';
import { chooseColumns, chooseFormat, type Column, renderItems } from '../render/render.js';
import { asUsageError } from '../usage.js';

const SETTING_COLUMNS: readonly Column[] = [
  { name: 'key', type: 'text' },
  { name: 'value', type: 'text' },
  { name: 'description', type: 'text' },
];

/** An unknown setting name is a usage error (exit 2), said before the store is opened. */
const knownKey = (key: string) => asUsageError(() => settingDef(key));

export function registerConfigCommands(program: Command, ctx: Context): void {
  const width = Math.max(...SETTINGS.map((s) => s.key.length));
  const keys = SETTINGS.map((s) => `  ${s.key.padEnd(width)}  ${s.description}`).join('\n');
  const config = program
    .command('config')
    .description('store settings: list, get, set, unset')
    .addHelpText('after', `\nSettings:\n${keys}`)
    .addHelpText('after', examples("customers config set store.login_url 'https://shop.example.com/account/login?key={token}'", 'customers config get store.currency', 'customers config list --json'));

  addOutputOptions(config.command('list').description('list every setting and its value')
    .addHelpText('after', examples('customers config list', 'customers config list --json')), ['table', 'json', 'jsonl', 'csv', 'tsv']).action(
    async (flags: OutputFlags) => {
      const store = await ctx.store({ create: false });
      await renderItems(ctx, listSettings(store.db), { format: chooseFormat(ctx, flags), columns: chooseColumns(SETTING_COLUMNS, flags.fields), limited: true, raw: flags.raw });
    },
  );

  config
    .command('get')
    .description('print the value of a setting (exit 1 when it is not set); a password in it shows as ***')
    .addHelpText('after', examples('customers config get store.login_url', 'customers config get mail.smtp_url'))
    .argument('<key>', 'setting name')
    .option('--reveal', 'print a password in the value (mail.smtp_url) as it is, instead of ***')
    .action(async (key: string, flags: { reveal?: boolean }) => {
      knownKey(key);
      const store = await ctx.store({ create: false });
      const value = requireSetting(store.db, key);
      ctx.io.stdout.write((flags.reveal ? value : displaySetting(key, value)) + '\n');
    });

  config
    .command('set')
    .description('set a setting')
    .addHelpText('after', examples('customers config set store.name "Atelier Dupont"', 'customers config set store.currency EUR'))
    .argument('<key>', 'setting name')
    .argument('<value>', 'value')
    .action(async (key: string, value: string) => {
      asUsageError(() => checkSetting(key, value)); // a bad key or value must not create a store
      const store = await ctx.store({ create: true });
      const stored = setSetting(store, key, value, ctx.io.now());
      const hint = settingHasSecret(key, stored) ? ` (config get ${key} --reveal shows the password)` : '';
      ctx.say(`${key} = ${displaySetting(key, stored)}${hint}`);
    });

  config
    .command('unset')
    .description('remove a setting')
    .addHelpText('after', examples('customers config unset mail.smtp_url', 'customers config unset store.login_url'))
    .argument('<key>', 'setting name')
    .action(async (key: string) => {
      knownKey(key);
      const store = await ctx.store({ create: false });
      ctx.say(unsetSetting(store, key, ctx.io.now()) ? `Removed ${key}.` : `${key} was not set.`);
    });
}
