/**
 * completion bash|zsh|fish: the completion script, written from every command's definition; and the hidden
 * `__complete groups` the scripts call for group names. That one runs on each TAB: it loads no more than the
 * store, and a missing or unreadable store prints nothing rather than an error into the command line.
 */
import { Argument, type Command } from 'commander';
import { listGroups } from '../../core/groups.js';
import type { Context } from '../context.js';
import { completionScript, type Shell, SHELLS } from '../completion.js';
import { examples } from '../help.js';

/** The hidden command the scripts run for values only the store knows. */
export const COMPLETE_COMMAND = '__complete';
/** How long completing waits for a store another process is writing. */
const COMPLETE_BUSY_MS = 300;

export function registerCompletionCommands(program: Command, ctx: Context): void {
  const completion = program
    .command('completion')
    .description('print a shell completion script: commands, flags, field names, choices and group names')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Install (then open a new shell):
  bash  source <(customers completion bash) in ~/.bashrc, or
        customers completion bash > ~/.local/share/bash-completion/completions/customers
  zsh   customers completion zsh > "\${fpath[1]}/_customers"   (a folder on $fpath, before compinit)
  fish  customers completion fish > ~/.config/fish/completions/customers.fish`,
    )
    .action((shell: Shell) => {
      ctx.io.stdout.write(completionScript(shell, program));
    });
  completion.addHelpText('after', examples('source <(customers completion bash)', 'customers completion zsh > "${fpath[1]}/_customers"', 'customers completion fish > ~/.config/fish/completions/customers.fish'));

  const complete = program.command(COMPLETE_COMMAND, { hidden: true }).description('values for the completion scripts');
  complete
    .command('groups')
    .description("the store's group names, one a line")
    .action(async () => {
      try {
        // A store another process holds locked gives no names rather than a TAB that hangs for the usual 30 s.
        const store = await ctx.store({ create: false, writerNote: false, busyTimeoutMs: COMPLETE_BUSY_MS });
        for (const group of listGroups(store.db)) ctx.io.stdout.write(`${group.name}\n`);
      } catch {
        // Completing must never print an error into the command line being typed: no store, no names.
      }
    });
}
