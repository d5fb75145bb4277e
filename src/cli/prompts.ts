/**
 * The only importer of @inquirer/prompts. Inquirer never checks for a terminal, so every prompt here first
 * asks ctx.canPrompt() and otherwise fails with a usage error naming the flag to pass instead.
 */
import { CancelledError, UsageError } from '../common/errors.js';
import type { Context } from './context.js';

function requirePrompt(ctx: Context, instead: string): void {
  if (!ctx.canPrompt()) {
    const why = ctx.global.input ? 'no terminal to ask on' : '--no-input was given';
    throw new UsageError(`${instead} (${why})`);
  }
}

async function inquirer() {
  return import('@inquirer/prompts');
}

function streams(ctx: Context) {
  return { input: ctx.io.stdin, output: ctx.io.stdout };
}

/** Ctrl-C in a prompt is a cancellation (exit 130), not an error. */
async function asking<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') {
      throw new CancelledError('cancelled');
    }
    throw error;
  }
}

export interface TextQuestion {
  message: string;
  default?: string;
  /** Returns an error message, or undefined when the answer is acceptable. */
  validate?: (answer: string) => string | undefined;
}

export async function askText(ctx: Context, question: TextQuestion, instead: string): Promise<string> {
  requirePrompt(ctx, instead);
  const { input } = await inquirer();
  return asking(() =>
    input(
      {
        message: question.message,
        default: question.default,
        validate: (answer) => question.validate?.(answer) ?? true,
      },
      streams(ctx),
    ),
  );
}

export async function askYesNo(ctx: Context, message: string, defaultAnswer: boolean, instead: string): Promise<boolean> {
  requirePrompt(ctx, instead);
  const { confirm } = await inquirer();
  return asking(() => confirm({ message, default: defaultAnswer }, streams(ctx)));
}

export async function askChoice<T extends string>(
  ctx: Context,
  message: string,
  choices: { name: string; value: T }[],
  defaultValue: T,
  instead: string,
): Promise<T> {
  requirePrompt(ctx, instead);
  const { select } = await inquirer();
  return asking(() => select({ message, choices, default: defaultValue }, streams(ctx)));
}

export interface ChecklistChoice<T> {
  name: string;
  value: T;
  /** Shown after the question once answered (default: name). */
  short?: string;
}

/**
 * A list to tick: arrows move, space ticks, Enter ends. Returns the ticked values in the list's order.
 * `validate` returns a reason to refuse the ticks (shown, the list stays), or undefined.
 */
export async function askChecklist<T>(
  ctx: Context,
  message: string,
  choices: ChecklistChoice<T>[],
  instead: string,
  validate?: (ticked: T[]) => string | undefined,
): Promise<T[]> {
  requirePrompt(ctx, instead);
  const { checkbox } = await inquirer();
  // The whole list on one screen where the terminal is tall enough (inquirer shows 7 by default).
  const rows = (ctx.io.stdout as { rows?: number }).rows ?? 24;
  const pageSize = Math.max(7, Math.min(choices.length, rows - 4));
  return asking(() =>
    checkbox({ message, choices, pageSize, loop: false, validate: (ticked) => validate?.(ticked.map((c) => c.value)) ?? true }, streams(ctx)),
  );
}

/**
 * Asks before a change to many customers. Without a terminal, --yes is required (exit 2);
 * declining is a cancellation (exit 130).
 */
export async function confirmOrCancel(ctx: Context, message: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!ctx.canPrompt()) throw new UsageError(`${message.replace(/\?$/, '')}: confirmation needed; pass --yes to go ahead without a prompt`);
  if (!(await askYesNo(ctx, message, false, 'pass --yes'))) throw new CancelledError('cancelled; nothing was changed');
}
