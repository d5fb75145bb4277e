/**
 * main(argv, io) -> exit code. The one place where errors become messages and exit codes:
 * 0 success, 1 error, 2 usage error, 130 cancelled (the table in README.md, "Exit codes").
 */
import { CommanderError } from 'commander';
import { CancelledError, CustomersError, escapeControls, UsageError } from '../common/errors.js';
import { Context } from './context.js';
import { colorLevel, type Io, processIo } from './io.js';
import { createProgram } from './program.js';

export const EXIT = { ok: 0, error: 1, usage: 2, cancelled: 130 } as const;

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const ctx = new Context(io);
  const program = createProgram(ctx, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(ctx, error);
  } finally {
    ctx.close();
  }
}

function report(ctx: Context, error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help, or the version).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  const plain = colorLevel(ctx.io.stderr, ctx.io.env, ctx.global.color) === 0;
  const label = (text: string) => (plain ? text : `\u001b[31m${text}\u001b[39m`);
  if (error instanceof CancelledError) {
    ctx.io.stderr.write(`${error.message}\n`);
    return EXIT.cancelled;
  }
  if (error instanceof CustomersError) {
    // A message may quote a value as given (a REF, a group name): its control characters are shown escaped.
    const show = (text: string) => escapeControls(text, { keepLineBreaks: true });
    ctx.io.stderr.write(`${label('error:')} ${show(error.message)}\n${error.details.map((d) => `  ${show(d)}\n`).join('')}`);
    return error instanceof UsageError ? EXIT.usage : EXIT.error;
  }
  const err = error as Error;
  ctx.io.stderr.write(`${label('error:')} ${err?.message ?? String(error)}\n`);
  if (ctx.io.env.CUSTOMERS_DEBUG) ctx.io.stderr.write(`${err?.stack}\n`);
  return EXIT.error;
}
