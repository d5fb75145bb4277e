/** A fresh commander program per run: no state survives between runs of main() (or tests). */
import { escapeInvisible } from '../common/shown.js';
import { type Command, Option } from 'commander';
import { addHelpCommand, CliCommand, HELP_CONFIG } from './help.js';
import { type Context, describeCommand, historyCommandLine } from './context.js';
import { terminalColumns } from './io.js';
import { COMPLETE_COMMAND, registerCompletionCommands } from './commands/completion.js';
import { registerConfigCommands } from './commands/config.js';
import { registerCustomerCommands } from './commands/customer.js';
import { registerDbCommands } from './commands/db.js';
import { registerDeleteCommand } from './commands/delete.js';
import { registerExportCommand } from './commands/export.js';
import { registerGroupCommands } from './commands/groups.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerImportCommand } from './commands/import.js';
import { registerListCommands } from './commands/list.js';
import { registerOrderCommands } from './commands/orders.js';
import { registerSeedCommand } from './commands/seed.js';
import { registerServeCommand } from './commands/serve.js';
import { registerLoginLinkCommands } from './commands/login-link.js';
import { registerUpdateCommand } from './commands/update.js';

/** package.json's version, put in by the build (scripts/build.mjs) and by vitest.config.ts. */
declare const __CUSTOMERS_VERSION__: string;

/**
 * Each family of commands, by the top-level names it registers, with the heading the help lists it under, in
 * the order the help lists them.
 */
const FAMILIES: readonly [readonly string[], string, (program: Command, ctx: Context) => void][] = [
  [['add', 'show', 'edit'], 'Customers:', registerCustomerCommands],
  [['list', 'search'], 'Customers:', registerListCommands],
  [['update'], 'Bulk changes:', registerUpdateCommand],
  [['delete'], 'Bulk changes:', registerDeleteCommand],
  [['import'], 'CSV files:', registerImportCommand],
  [['export'], 'CSV files:', registerExportCommand],
  [['orders'], 'Orders:', registerOrderCommands],
  [['login-link'], 'Login links:', registerLoginLinkCommands],
  [['serve'], 'Login links:', registerServeCommand],
  [['groups'], 'Store:', registerGroupCommands],
  [['config'], 'Store:', registerConfigCommands],
  [['history', 'undo'], 'Store:', registerHistoryCommands],
  [['db'], 'Store:', registerDbCommands],
  [['seed'], 'Store:', registerSeedCommand],
  [['completion', COMPLETE_COMMAND], 'Help and completion:', registerCompletionCommands],
];

/** How to start, from README.md's first lines: ends the program's help. */
export const QUICK_START = 'customers import fixtures/shopify-customers.csv && customers list';

/** The first argument that is not a global option: the command's name, when there is one. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--db') i++; // its value
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return undefined;
}

/**
 * Only the family of the command being run is defined (building every command's options costs a few ms
 * of every start, see bench/); help, --version and unknown commands get what they need.
 */
export function createProgram(ctx: Context, argv: readonly string[] = []): Command {
  const program = new CliCommand('customers');
  // Output and exit settings first: commander copies them into each subcommand when it is created.
  program
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // commander's own errors quote the arguments: no raw control characters from them, and the invisible ones a
      // message may be about shown (the trailing newline stays).
      outputError: (s, write) => write(s.replace(/[^\n]+/g, (line) => escapeInvisible(line))),
      // The help's width: the terminal's, read from the run's own stdout (80 in a pipe, and in docs/cli.md).
      getOutHelpWidth: () => terminalColumns(ctx.io.stdout) ?? 80,
      getErrHelpWidth: () => terminalColumns(ctx.io.stderr) ?? 80,
    })
    .configureHelp(HELP_CONFIG)
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .description("Manage a store's customers in a local SQLite file.")
    .version(__CUSTOMERS_VERSION__, '-V, --version', 'print the version')
    .addOption(new Option('--db <path>', 'the store file (default: $CUSTOMERS_DB, else ~/.local/share/customers/customers.db)'))
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('--no-input', 'never prompt; fail instead, naming the flag to pass')
    .option('-q, --quiet', 'no messages on stderr, only errors')
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 error (not found, conflict, invalid data, rejected rows, invalid login link,\ne-mails not sent), 2 usage error, 130 cancelled.
Environment: CUSTOMERS_DB (store path), XDG_DATA_HOME, CUSTOMERS_SMTP_URL, CUSTOMERS_MAIL_FROM, NO_COLOR, FORCE_COLOR.

Examples:
  customers add --email alice@example.com --first-name Alice --group VIP
  customers list --country BE --min-orders 5 --sort total_spent:desc
  customers export --preset shopify shopify-import.csv

Quick start (see README.md): ${QUICK_START}`,
    )
    .hook('preAction', (_program, action) => {
      ctx.global = action.optsWithGlobals() as Context['global'];
      const names: string[] = [];
      for (let c: Command | null = action; c?.parent; c = c.parent) names.unshift(c.name());
      ctx.command = describeCommand(names, argv);
      ctx.commandLine = historyCommandLine(names, argv);
    });

  const name = commandName(argv);
  // completion writes scripts for every command: like help and unknown commands, it needs them all defined.
  const family = FAMILIES.find(([names]) => name !== undefined && name !== 'completion' && names.includes(name));
  if (family) family[2](program, ctx);
  else if (name !== undefined || !(argv.includes('--version') || argv.includes('-V'))) {
    for (const [, heading, register] of FAMILIES) {
      program.commandsGroup(heading);
      register(program, ctx);
    }
    addHelpCommand(program);
  }
  return program;
}

