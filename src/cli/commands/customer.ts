/** add, show, edit: one customer at a time. */
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { CustomerFields } from '../../api/types.js';
import type { CustomerChanges } from '../../core/customers.js';
import { CUSTOMER_FIELDS, type FieldDef, FORM_FIELDS, IDENTITY_FIELDS, type Item, normalizeValue } from '../../core/fields.js';
import { isValidEmail } from '../../core/values.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addCustomerFieldOptions, addRecordOutputOptions, type CustomerFieldFlags, customerInputFromFlags } from '../options.js';
import { askChoice, askText, askYesNo } from '../prompts.js';
import { type RecordOptions, renderRecord } from '../render/render.js';
import { resolveRefArg } from './refs.js';

type RecordFlags = CustomerFieldFlags & { json?: boolean };

export function registerCustomerCommands(program: Command, ctx: Context): void {
  addCustomerFieldOptions(
    program
      .command('add')
      .description('add a customer and print it')
      .addHelpText('after', examples('customers add --email alice@example.com --first-name Alice --group VIP --tag b2b', 'customers add --phone "+34 612 000 002" --first-name Lucía --no-account')),
    'add',
  )
    .option('--json', 'print the new customer as JSON')
    .action((flags: RecordFlags) => runAdd(ctx, customerInputFromFlags(flags), Boolean(flags.json)));

  const show = program
    .command('show')
    .description('print one customer')
    .addHelpText('after', examples('customers show alice@example.com', 'customers show 42 --json', 'customers show 42 --all-fields'))
    .argument('<ref>', 'customer id or e-mail');
  addRecordOutputOptions(show).action(async (ref: string, flags: RecordOptions) => {
    const api = await ctx.api({ create: false });
    await renderRecord(ctx, api.customers.get(resolveRefArg(api.store.db, ref)), CUSTOMER_FIELDS, flags);
  });

  addCustomerFieldOptions(
    program
      .command('edit')
      .description('change fields of a customer (with no flags on a terminal: an interactive form)')
      .argument('<ref>', 'customer id or e-mail')
      .addHelpText('after', '\nExamples:\n  customers edit alice@example.com --phone "+33 6 12 34 56 78" --add-tag vip\n  customers edit 42 --no-group --company ""'),
    'edit',
  )
    .option('--json', 'print the customer as JSON')
    .action((ref: string, flags: RecordFlags) => runEdit(ctx, ref, customerInputFromFlags(flags), Boolean(flags.json)));
}

async function runAdd(ctx: Context, input: CustomerChanges, json: boolean): Promise<void> {
  if (!IDENTITY_FIELDS.some((f) => input[f.name])) await askNewCustomer(ctx, input);
  const api = await ctx.api({ create: true });
  await renderRecord(ctx, api.customers.add(input as CustomerFields), CUSTOMER_FIELDS, { json });
}

async function runEdit(ctx: Context, ref: string, given: CustomerChanges, json: boolean): Promise<void> {
  const api = await ctx.api({ create: false });
  const id = resolveRefArg(api.store.db, ref);
  let changes = given;
  if (Object.keys(changes).length === 0) {
    if (!ctx.canPrompt()) {
      throw new UsageError('nothing to change: give the fields to change as flags (such as --phone or --group), or run on a terminal for a form');
    }
    changes = await editForm(ctx, api.customers.get(id), api.groups.list().map((g) => g.name));
  }
  const { customer, changed } = api.customers.update(id, changes as CustomerFields);
  ctx.say(changed.length ? `Changed ${changed.join(', ')}.` : 'Nothing changed.');
  await renderRecord(ctx, customer, CUSTOMER_FIELDS, { json });
}

const INSTEAD_EMAIL = 'say who the customer is: pass --email (or --phone, --first-name, --last-name or --company)';

/** A form answer's problem (the message of the field's own check), or undefined when it is acceptable. */
function checkAnswer(field: FieldDef) {
  return (answer: string): string | undefined => {
    if (field.name === 'email') return answer.trim() === '' || isValidEmail(answer) ? undefined : 'Enter an e-mail address such as name@example.com';
    try {
      normalizeValue(field, answer);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

const field = (name: string) => FORM_FIELDS.find((f) => f.name === name)!;

/** `add` on a terminal with nothing that says who the customer is: asks for the e-mail (optional) and the names. */
async function askNewCustomer(ctx: Context, input: CustomerChanges): Promise<void> {
  for (const name of ['email', 'first_name', 'last_name']) {
    if (input[name] !== undefined) continue;
    const f = field(name);
    input[name] = await askText(ctx, { message: f.label!, validate: name === 'email' ? checkAnswer(f) : undefined }, INSTEAD_EMAIL);
  }
}

const NO_GROUP = '\u0000none';
/** Typed in a form field to clear it (an empty answer keeps the prefilled value). */
const CLEAR = '-';

/** The interactive form of `edit`: every editable field, prefilled; returns only what the user changed. */
async function editForm(ctx: Context, customer: Item, groups: string[]): Promise<CustomerChanges> {
  ctx.say(`Editing customer ${customer.id}. Enter keeps a value; ${CLEAR} clears it.`);
  const changes: CustomerChanges = {};
  for (const f of FORM_FIELDS.filter((field) => field.label)) {
    const answer = await askField(ctx, f, customer[f.name], groups);
    if (answer !== undefined) changes[f.name] = answer;
  }
  return changes;
}

/** Asks for one field; returns the new value, or undefined when it was kept. */
async function askField(ctx: Context, f: FieldDef, value: Item[string], groups: string[]): Promise<CustomerChanges[string]> {
  const instead = 'pass the fields to change as flags';
  if (f.type === 'bool') {
    const answer = await askYesNo(ctx, f.label!, Boolean(value), instead);
    return answer === value ? undefined : answer;
  }
  if (f.storage === 'group') {
    const choices = [{ name: '(no group)', value: NO_GROUP }, ...groups.map((g) => ({ name: g, value: g }))];
    const current = (value as string | null) ?? NO_GROUP;
    const answer = await askChoice(ctx, f.label!, choices, current, instead);
    return answer === current ? undefined : answer === NO_GROUP ? null : answer;
  }
  const current = f.type === 'tags' ? (value as string[]).join(', ') : ((value as string | null) ?? '');
  const check = checkAnswer(f);
  const validate = (answer: string) => (answer.trim() === CLEAR ? undefined : check(answer));
  const answer = (await askText(ctx, { message: f.label!, default: current || undefined, validate }, instead)).trim();
  const next = answer === CLEAR ? '' : answer;
  if (next === current) return undefined;
  return f.type === 'tags' ? normalizeValue(f, next) : next;
}
