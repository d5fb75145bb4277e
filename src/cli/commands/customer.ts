/** add, show, edit: one customer at a time. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../common/errors.js';
import type { CustomerFields, WriteOptions } from '../../api/types.js';
import type { CustomerChanges } from '../../core/customers.js';
import { CUSTOMER_FIELDS, fieldNamed, IDENTITY_FIELDS, normalizeValue } from '../../core/fields.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addForm, editForm, INSTEAD_EDIT } from '../customer-form.js';
import { addCustomerFieldOptions, addRecordOutputOptions, type CustomerFieldFlags, customerInputFromFlags } from '../options.js';
import { type RecordOptions, renderRecord } from '../render/render.js';
import { asUsageError } from '../usage.js';
import { resolveRefArg } from './refs.js';

const EMAIL_FIELD = fieldNamed('email')!;

type RecordFlags = CustomerFieldFlags & { json?: boolean };

export function registerCustomerCommands(program: Command, ctx: Context): void {
  addCustomerFieldOptions(
    program
      .command('add')
      .description('add a customer and print it')
      .addHelpText('after', examples('customers add --email alice@example.com --first-name Alice --group VIP --tag b2b', 'customers add --phone "+34 612 000 002" --first-name Lucía --no-account')),
    'add',
  )
    .argument('[email]', 'e-mail address (or --email)')
    .option('--json', 'print the new customer as JSON')
    .action((email: string | undefined, flags: RecordFlags) => runAdd(ctx, email, flags));

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
      .addHelpText('after', examples('customers edit alice@example.com --phone "+33 6 12 34 56 78" --add-tag vip', 'customers edit 42 --no-group --company ""', 'customers edit 42')),
    'edit',
  )
    .option('--json', 'print the customer as JSON')
    .action((ref: string, flags: RecordFlags) => runEdit(ctx, ref, customerInputFromFlags(flags), Boolean(flags.json)));
}

async function runAdd(ctx: Context, email: string | undefined, flags: RecordFlags): Promise<void> {
  let input = withPositionalEmail(customerInputFromFlags(flags), email);
  if (!IDENTITY_FIELDS.some((f) => input[f.name])) {
    const groups = ctx.canPrompt() && existsSync(ctx.storePath) ? (await ctx.api({ create: false })).groups.list().map((g) => g.name) : [];
    input = await addForm(ctx, input, groups);
  }
  const api = await ctx.api({ create: true });
  await renderRecord(ctx, api.customers.add(input as CustomerFields, groupCreation(ctx)), CUSTOMER_FIELDS, { json: flags.json });
}

/** add's e-mail, as an argument or as --email (the same address if both). */
function withPositionalEmail(input: CustomerChanges, email: string | undefined): CustomerChanges {
  if (email === undefined) return input;
  const given = asUsageError(() => normalizeValue(EMAIL_FIELD, email));
  if (input.email !== undefined && input.email !== given) {
    throw new UsageError(`two e-mail addresses given: ${email} and --email ${input.email}; give one of them`);
  }
  return { ...input, email: given };
}

/** add and edit create a group the store lacks, as an import does, and say so. */
function groupCreation(ctx: Context): WriteOptions {
  return { createGroup: true, onGroupCreated: (name) => ctx.say(`Created group "${name}".`) };
}

async function runEdit(ctx: Context, ref: string, given: CustomerChanges, json: boolean): Promise<void> {
  const api = await ctx.api({ create: false });
  const id = resolveRefArg(api.store.db, ref);
  let changes: CustomerChanges | undefined = given;
  if (Object.keys(changes).length === 0) {
    if (!ctx.canPrompt()) throw new UsageError(INSTEAD_EDIT);
    changes = await editForm(ctx, api.customers.get(id), api.groups.list().map((g) => g.name));
    if (!changes) return ctx.say('Nothing changed.');
  }
  const { customer, changed } = api.customers.update(id, changes as CustomerFields, groupCreation(ctx));
  ctx.say(changed.length ? `Changed ${changed.join(', ')}.` : 'Nothing changed.');
  await renderRecord(ctx, customer, CUSTOMER_FIELDS, { json });
}
