/**
 * How the help reads, the same for every command: an "Examples:" block, options in groups (the command's own
 * first), and `customers help A B` reaching a command at any depth. Loaded by every run: nothing heavy here.
 */
import { Command, Help, type HelpContext, type Option } from 'commander';
import { UsageError } from '../common/errors.js';

/**
 * Every command of the program is one of these. A command with subcommands run bare (`customers`,
 * `customers groups`) shows its help on stdout and succeeds, as gh does, rather than as an error on stderr.
 */
export class CliCommand extends Command {
  override createCommand(name?: string): Command {
    return new CliCommand(name);
  }

  override help(context?: HelpContext): never;
  override help(cb: (str: string) => string): never;
  override help(context?: HelpContext | ((str: string) => string)): never {
    // commander asks for the error form also for `groups help nosuch` (this.args holds the words): that stays an error.
    if (typeof context === 'object' && context.error && this.args.length === 0) return super.help();
    return super.help(context as HelpContext);
  }
}

/** Every command of the program, the program first, by its path ("customers groups rename"); hidden ones and `help` left out. */
export function everyCommand(program: Command): { path: string; command: Command }[] {
  const found: { path: string; command: Command }[] = [];
  const visit = (cmd: Command, path: string) => {
    found.push({ path, command: cmd });
    for (const sub of cmd.createHelp().visibleCommands(cmd)) if (sub.name() !== 'help') visit(sub, `${path} ${sub.name()}`);
  };
  visit(program, 'customers');
  return found;
}

/** gh's "Examples:" block, for addHelpText('after', ...): one command line each, the most common uses first. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/** Adds the options `add` puts on `cmd` under a heading of its own ("Filters:"), leaving later options ungrouped. */
export function inHelpGroup(cmd: Command, heading: string, add: () => void): Command {
  const before = cmd.optionsGroup();
  cmd.optionsGroup(heading);
  add();
  cmd.optionsGroup(before);
  return cmd;
}

/** Settings for every command's help: the global options (--db above all) shown under each command's own. */
export const HELP_CONFIG: Partial<Help> = {
  showGlobalOptions: true,
  sortSubcommands: false,
  /** commander lists groups in the order their first option was added: a command's own options go first. */
  groupItems<T extends Command | Option>(unsorted: T[], visible: T[], getGroup: (item: T) => string): Map<string, T[]> {
    const groups = Help.prototype.groupItems.call(this, unsorted, visible, getGroup as (item: Command | Option) => string) as Map<string, T[]>;
    const own = groups.get('Options:');
    if (own === undefined) return groups;
    groups.delete('Options:');
    return new Map([['Options:', own], ...groups]);
  },
};

/**
 * `customers help login-link issue`: the help of the command named, at any depth (commander's own help command
 * reads only the first name). No name: the program's help.
 */
export function addHelpCommand(program: Command): void {
  program.helpCommand(false);
  program
    .command('help')
    .description('show the help of a command (customers help login-link issue)')
    .argument('[command...]', 'the command, and subcommands')
    .action((names: string[]) => {
      let cmd = program;
      for (const name of names) {
        const next = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) {
          const known = cmd.createHelp().visibleCommands(cmd).map((c) => c.name());
          const where = ['customers', ...names.slice(0, names.indexOf(name))].join(' ');
          throw new UsageError(`${where} has no command "${name}"`, [`Its commands: ${known.join(', ')}.`]);
        }
        cmd = next;
      }
      cmd.outputHelp();
    });
}
