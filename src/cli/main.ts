/**
 * main(argv, io) -> exit code. The one place where errors become messages and exit codes:
 * 0 success, 1 error, 2 usage error, 130 cancelled (the table in README.md, "Exit codes").
 */
import { CommanderError } from 'commander';
import { CancelledError, CustomersError, UsageError } from '../common/errors.js';
import { escapeControls } from '../common/shown.js';
import { RESTORE_ADVICE } from '../store/integrity.js';
import { Context } from './context.js';
import { colorLevel, type Io, processIo } from './io.js';
import { createProgram } from './program.js';

/** For scripts/docs.mjs (npm run docs), which reads it from the built dist/main.cjs. */
export { cliReference } from './reference.js';

export const EXIT = { ok: 0, error: 1, usage: 2, cancelled: 130 } as const;

/** Longest error message printed whole (it may quote a value from a file). */
const MESSAGE_MAX = 2000;

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
    // commander has already printed its message (or the help, or the version). Help asked for, and the help of
    // a command run without its subcommand (as gh does), end with 0.
    if (error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  const plain = colorLevel(ctx.io.stderr, ctx.io.env, ctx.global.color) === 0;
  const label = (text: string) => (plain ? text : `\u001b[31m${text}\u001b[39m`);
  if (error instanceof CancelledError) {
    ctx.io.stderr.write(`${error.message}\n`);
    return EXIT.cancelled;
  }
  // Messages quote values from files and arguments: never raw control characters, never megabytes.
  const said = (text: string) => escapeControls(text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text);
  if (error instanceof CustomersError) {
    ctx.io.stderr.write(`${label('error:')} ${said(error.message)}\n${error.details.map((d) => `  ${said(d)}\n`).join('')}`);
    return error instanceof UsageError ? EXIT.usage : EXIT.error;
  }
  const err = error as Error & { code?: unknown };
  if (err?.code === 'SQLITE_CORRUPT') {
    // Met while reading (an export, a listing): the damage is in pages the opening checks did not read.
    ctx.io.stderr.write(`${label('error:')} ${said(`${ctx.storePath} is damaged (SQLite: ${err.message})`)}\n  customers db check lists what is damaged.\n  ${RESTORE_ADVICE}\n`);
    return EXIT.error;
  }
  ctx.io.stderr.write(`${label('error:')} ${said(err?.message ?? String(error))}\n`);
  if (ctx.io.env.CUSTOMERS_DEBUG) ctx.io.stderr.write(`${err?.stack}\n`);
  return EXIT.error;
}

/**
 * Standard output failed: a reader that went away (`customers list | head`) ends the command quietly (0);
 * a full disk or another failure (`list > /dev/full`) is one line and exit 1, never a stack trace. What the
 * command wrote to the store is kept: the output failed, not the change.
 */
export function outputFailed(error: NodeJS.ErrnoException, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error.code === 'EPIPE') return EXIT.ok;
  const why = error.code === 'ENOSPC' ? 'the disk is full' : `${error.message}`;
  stderr.write(escapeControls(`error: cannot write the output: ${why}; anything the command changed in the store is kept`) + '\n');
  return EXIT.error;
}
