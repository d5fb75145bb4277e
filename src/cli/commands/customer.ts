/** add, show, edit: one customer at a time. */
import type { Command } from 'commander';
import { createCustomer, type CustomerChanges, type CustomerInput, editCustomer, getCustomer, resolveRef } from '../../core/customers.js';
import { UsageError } from '../../common/errors.js';
import { CUSTOMER_FIELDS, type Item } from '../../core/fields.js';
import { listGroups } from '../../core/groups.js';
import { isValidEmail, normalizeCountry, normalizeLang, normalizeTags } from '../../core/values.js';
import type { Context } from '../context.js';
import { addCustomerFieldOptions, customerInputFromOptions } from '../options.js';
import { askChoice, askText, askYesNo } from '../prompts.js';
import { renderRecord } from '../render/render.js';

export function registerCustomerCommands(program: Command, ctx: Context): void {
  addCustomerFieldOptions(
    program
      .command('add')
      .description('add a customer and print it')
      .addHelpText('after', '\nExample:\n  customers add --email alice@example.com --first-name Alice --group VIP --tag b2b'),
    'add',
  )
    .option('--json', 'print the new customer as JSON')
    .action(async (opts) => {
      const input = customerInputFromOptions(opts) as CustomerInput;
      if (input.email === undefined) await askNewCustomer(ctx, input);
      const store = await ctx.store({ create: true });
      const customer = createCustomer(store, input, ctx.io.now());
      await renderRecord(ctx, customer, CUSTOMER_FIELDS, Boolean(opts.json));
    });

  program
    .command('show')
    .description('print one customer')
    .argument('<ref>', 'customer id or e-mail')
    .option('--json', 'print as JSON')
    .action(async (ref: string, opts) => {
      const store = await ctx.store({ create: false });
      await renderRecord(ctx, getCustomer(store.db, resolveRef(store.db, ref)), CUSTOMER_FIELDS, Boolean(opts.json));
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
    .action(async (ref: string, opts) => {
      const store = await ctx.store({ create: false });
      const id = resolveRef(store.db, ref);
      let changes: CustomerChanges = customerInputFromOptions(opts);
      if (Object.keys(changes).length === 0) {
        if (!ctx.canPrompt()) {
          throw new UsageError('nothing to change: give the fields to change as flags (such as --phone or --group), or run on a terminal for a form');
        }
        changes = await editForm(ctx, getCustomer(store.db, id), listGroups(store.db).map((g) => g.name));
      }
      const { customer, changed } = editCustomer(store, id, changes, ctx.io.now());
      ctx.say(changed.length ? `Changed ${changed.join(', ')}.` : 'Nothing changed.');
      await renderRecord(ctx, customer, CUSTOMER_FIELDS, Boolean(opts.json));
    });
}

const INSTEAD_EMAIL = 'an e-mail address is required: pass --email';

function checkEmail(answer: string): string | undefined {
  return isValidEmail(answer) ? undefined : 'Enter an e-mail address such as name@example.com';
}

function checkWith(normalize: (raw: string) => unknown) {
  return (answer: string): string | undefined => {
    if (answer.trim() === '') return undefined;
    try {
      normalize(answer);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

/** `add` on a terminal without --email: asks for the e-mail and the names not given. */
async function askNewCustomer(ctx: Context, input: CustomerInput): Promise<void> {
  input.email = await askText(ctx, { message: 'E-mail', validate: checkEmail }, INSTEAD_EMAIL);
  if (input.first_name === undefined) input.first_name = await askText(ctx, { message: 'First name' }, INSTEAD_EMAIL);
  if (input.last_name === undefined) input.last_name = await askText(ctx, { message: 'Last name' }, INSTEAD_EMAIL);
}

const FORM_TEXT: readonly [keyof CustomerInput & keyof Item, string, ((a: string) => string | undefined)?][] = [
  ['email', 'E-mail', checkEmail],
  ['first_name', 'First name'],
  ['last_name', 'Last name'],
  ['phone', 'Phone'],
  ['company', 'Company'],
  ['tax_id', 'Tax id'],
  ['lang', 'Language (en, fr, ...)', checkWith(normalizeLang)],
  ['note', 'Note'],
  ['street', 'Street'],
  ['street2', 'Street, line 2'],
  ['city', 'City'],
  ['region', 'Region'],
  ['postal_code', 'Postal code'],
  ['country', 'Country (ISO code such as FR)', checkWith(normalizeCountry)],
];

const NO_GROUP = '\u0000none';
/** Typed in a form field to clear it (an empty answer keeps the prefilled value). */
const CLEAR = '-';

/** The interactive form of `edit`: every field, prefilled; returns only what the user changed. */
async function editForm(ctx: Context, customer: Item, groups: string[]): Promise<CustomerChanges> {
  const instead = 'pass the fields to change as flags';
  ctx.say(`Editing customer ${customer.id}. Enter keeps a value; ${CLEAR} clears it.`);
  const changes: Record<string, unknown> = {};
  for (const [field, message, validate] of FORM_TEXT) {
    const current = (customer[field] as string | null) ?? '';
    const check = (answer: string) => (answer.trim() === CLEAR && field !== 'email' ? undefined : validate?.(answer));
    const answer = (await askText(ctx, { message, default: current || undefined, validate: check }, instead)).trim();
    const value = answer === CLEAR ? '' : answer;
    if (value !== current) changes[field] = value;
  }
  const group = await askChoice(
    ctx,
    'Group',
    [{ name: '(no group)', value: NO_GROUP }, ...groups.map((g) => ({ name: g, value: g }))],
    (customer.group as string | null) ?? NO_GROUP,
    instead,
  );
  if (group !== ((customer.group as string | null) ?? NO_GROUP)) changes.group = group === NO_GROUP ? null : group;
  for (const [field, message] of [['tax_exempt', 'Tax-exempt?'], ['accepts_marketing', 'Accepts marketing e-mails?']] as const) {
    const answer = await askYesNo(ctx, message, Boolean(customer[field]), instead);
    if (answer !== customer[field]) changes[field] = answer;
  }
  const currentTags = (customer.tags as string[]).join(', ');
  const tags = await askText(ctx, { message: 'Tags (comma-separated)', default: currentTags || undefined, validate: checkWith(splitTags) }, instead);
  if (tags.trim() !== currentTags) changes.tags = splitTags(tags);
  return changes as CustomerChanges;
}

function splitTags(text: string): string[] {
  return normalizeTags(text.split(',').filter((t) => t.trim() !== ''));
}
