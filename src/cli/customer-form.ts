/**
 * The interactive form of `add` and `edit`: tick the fields to fill or change (each shown with its value),
 * answer for those alone, read the changes back, and confirm. Nothing is written before the confirmation.
 */
import { CancelledError } from '../common/errors.js';
import { escapeControls } from '../common/shown.js';
import type { CustomerChanges } from '../core/customers.js';
import { type FieldDef, FORM_FIELDS, type InputValue, type Item, normalizeValue } from '../core/fields.js';
import { isValidEmail, normalizeGroupName } from '../core/values.js';
import type { Context } from './context.js';
import { terminalColumns } from './io.js';
import { askChecklist, askChoice, askText, askYesNo } from './prompts.js';

/** What `add` says to pass instead when it cannot ask. */
export const INSTEAD_ADD = 'say who the customer is: pass --email (or --phone, --first-name, --last-name or --company)';
/** What `edit` says to pass instead when it cannot ask. */
export const INSTEAD_EDIT = 'nothing to change: pass the fields to change as flags, such as --phone, --group NAME, --add-tag T (customers edit --help lists them)';

const CANCELLED = 'cancelled; nothing was changed';

/** The fields the form offers: the editable ones with a label (not the account, not the source id). */
const OFFERED = FORM_FIELDS.filter((f) => f.label);
const EMAIL = OFFERED.find((f) => f.name === 'email')!;

/**
 * The form of `edit`: returns the changes the user confirmed, or undefined when there are none (nothing
 * ticked, or every answer the value it had). Declining or Ctrl-C: CancelledError.
 */
export async function editForm(ctx: Context, customer: Item, groups: string[]): Promise<CustomerChanges | undefined> {
  return cancellable(async () => {
    // Imported here, not at the top: table.js loads cli-table3, which every command paid for (~8 ms of
    // `list --limit 50`, node --cpu-prof) because program.ts imports this file through customer.ts.
    const { fitText: fit } = await import('./render/table.js');
    const width = checklistWidth(ctx);
    const choices = OFFERED.map((f) => ({ name: fit(`${shortLabel(f)}: ${shownValue(f, customer[f.name])}`, width), value: f, short: shortLabel(f) }));
    const ticked = await askChecklist(ctx, `Customer ${customer.id}: which fields to change? (space ticks, Enter goes on)`, choices, INSTEAD_EDIT);
    if (ticked.some((f) => f.type === 'text' && f.storage === 'column')) ctx.say('Enter keeps the value shown in brackets; Tab edits it; - clears it.');
    const changes = await askFields(ctx, ticked, customer, groups, INSTEAD_EDIT);
    if (Object.keys(changes).length === 0) return undefined;
    await review(ctx, changes, customer, 'Save these changes?');
    return changes;
  });
}

/**
 * The form of `add`, for a customer the flags do not identify: the e-mail (optional), then the other fields
 * to fill, ticked in a list. Returns `given` with the answers, once confirmed.
 */
export async function addForm(ctx: Context, given: CustomerChanges, groups: string[]): Promise<CustomerChanges> {
  return cancellable(async () => {
    const email = await askText(ctx, { message: 'E-mail (Enter for none)', validate: checkAnswer(EMAIL) }, INSTEAD_ADD);
    const input: CustomerChanges = { ...given, ...(email.trim() ? { email: normalizeValue(EMAIL, email) } : {}) };
    const { fitText: fit } = await import('./render/table.js');
    const width = checklistWidth(ctx);
    const offered = OFFERED.filter((f) => f !== EMAIL && given[f.name] === undefined);
    const choices = offered.map((f) => ({ name: fit(shortLabel(f), width), value: f }));
    const needsOne = (ticked: FieldDef[]) =>
      input.email || ticked.some((f) => f.identifies) ? undefined : 'Without an e-mail, tick a name, the phone or the company: a customer needs one of them';
    const ticked = await askChecklist(ctx, 'Which other fields to fill? (space ticks, Enter goes on)', choices, INSTEAD_ADD, needsOne);
    Object.assign(input, await askFields(ctx, ticked, {}, groups, INSTEAD_ADD));
    await review(ctx, input, undefined, 'Add this customer?');
    return input;
  });
}

/** The room for a checklist item: the terminal's width less the checkbox and its margin. */
function checklistWidth(ctx: Context): number {
  return (terminalColumns(ctx.io.stdout) ?? 80) - 6;
}

/** Ctrl-C anywhere in the form says that nothing was changed. */
async function cancellable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof CancelledError ? new CancelledError(CANCELLED) : error;
  }
}

/** Asks for each ticked field; returns the answers that differ from `current`, normalised. */
async function askFields(ctx: Context, fields: FieldDef[], current: Item, groups: string[], instead: string): Promise<CustomerChanges> {
  const changes: CustomerChanges = {};
  for (const f of fields) {
    const answer = await askField(ctx, f, current[f.name], groups, instead);
    if (answer !== undefined) changes[f.name] = answer;
  }
  return changes;
}

/** Shows each change as `field: before → after` (on add: `field: value`), then asks; declining cancels. */
async function review(ctx: Context, changes: CustomerChanges, before: Item | undefined, question: string): Promise<void> {
  for (const f of FORM_FIELDS) {
    const value = changes[f.name];
    if (value === undefined) continue;
    const was = before ? `${shownValue(f, before[f.name])} → ` : '';
    ctx.io.stdout.write(`  ${f.name}: ${was}${shownValue(f, value)}\n`);
  }
  for (const [key, label] of [['add_tags', 'add tags'], ['remove_tags', 'remove tags']] as const) {
    const tags = changes[key];
    if (tags?.length) ctx.io.stdout.write(`  ${label}: ${escapeControls(tags.join(', '))}\n`);
  }
  if (!(await askYesNo(ctx, question, true, 'pass the fields as flags'))) throw new CancelledError(CANCELLED);
}

/** A field's label without its hint in brackets or its question mark: "Country (ISO code such as FR)" is "Country". */
function shortLabel(f: FieldDef): string {
  return f.label!.replace(/\s*\(.*\)$/, '').replace(/\?$/, '');
}

/** A value as the form shows it, on one line: yes/no, tags comma-separated, (empty) when there is none. */
function shownValue(f: FieldDef, value: InputValue | number | undefined): string {
  if (f.type === 'bool') return value ? 'yes' : 'no';
  const text = Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value);
  return text === '' ? '(empty)' : escapeControls(text);
}

/** An answer's problem: the message of `check`'s error, or undefined when it is acceptable. */
function problemOf(check: (answer: string) => unknown) {
  return (answer: string): string | undefined => {
    try {
      check(answer);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

/** A form answer's problem by the field's own check (an empty e-mail is no e-mail). */
function checkAnswer(field: FieldDef) {
  if (field === EMAIL) return (answer: string) => (answer.trim() === '' || isValidEmail(answer) ? undefined : 'Enter an e-mail address such as name@example.com');
  return problemOf((answer) => normalizeValue(field, answer));
}

const NO_GROUP = '\u0000none';
const NEW_GROUP = '\u0000new';
/** Typed in a text field to clear it (Enter keeps the value shown). */
const CLEAR = '-';

/** Asks for one field; returns its new value (normalised), or undefined when it is the value it had. */
async function askField(ctx: Context, f: FieldDef, value: Item[string] | undefined, groups: string[], instead: string): Promise<CustomerChanges[string]> {
  if (f.type === 'bool') {
    const answer = await askYesNo(ctx, f.label!, Boolean(value), instead);
    return answer === Boolean(value) ? undefined : answer;
  }
  if (f.storage === 'group') return askGroup(ctx, f, (value as string | null | undefined) ?? null, groups, instead);
  const current = f.type === 'tags' ? ((value as string[] | undefined) ?? []).join(', ') : ((value as string | null | undefined) ?? '');
  const check = checkAnswer(f);
  const validate = (answer: string) => (answer.trim() === CLEAR || (raw && answer.trim() === '') ? undefined : check(answer));
  // A value holding control characters (a store written by another program) is shown escaped, never sent to
  // the terminal nor offered for editing: Enter keeps it.
  const raw = escapeControls(current) !== current;
  const question = raw ? { message: `${f.label!} (now ${escapeControls(current)}; Enter keeps it)` } : { message: f.label!, default: current || undefined };
  const answer = (await askText(ctx, { ...question, validate }, instead)).trim();
  if (raw && answer === '') return undefined;
  const next = normalizeValue(f, answer === CLEAR ? '' : answer);
  const same = Array.isArray(next) ? next.join(', ') === current : (next ?? '') === current;
  return same ? undefined : next;
}

/** The group: none, one of the store's, or a new one (created when the change is saved). */
async function askGroup(ctx: Context, f: FieldDef, current: string | null, groups: string[], instead: string): Promise<string | null | undefined> {
  const choices = [{ name: '(no group)', value: NO_GROUP }, ...groups.map((g) => ({ name: g, value: g })), { name: '(a new group)', value: NEW_GROUP }];
  const answer = await askChoice(ctx, f.label!, choices, current ?? NO_GROUP, instead);
  if (answer === NEW_GROUP) {
    return normalizeGroupName(await askText(ctx, { message: 'Name of the new group', validate: problemOf(normalizeGroupName) }, instead));
  }
  const next = answer === NO_GROUP ? null : answer;
  return next === current ? undefined : next;
}
