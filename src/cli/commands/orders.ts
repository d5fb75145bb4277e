/** orders add | list | show | delete: the orders ledger (import and export: orders-files.ts). */
import type { Command } from 'commander';
import { insertCustomer } from '../../core/customers.js';
import { addOrder, deleteOrder, getOrder, listOrders, normalizeOrderNumber, ORDER_FIELDS, parseOrderTotal } from '../../core/orders.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addFilterOptions, addOutputOptions, addRecordOutputOptions, type FilterFlags, filterFromFlags, type OutputFlags, parseDateArg } from '../options.js';
import { confirmOrCancel } from '../prompts.js';
import { chooseColumns, chooseFormat, type RecordOptions, renderItems, renderRecord } from '../render/render.js';
import { asUsageError, parser } from '../usage.js';
import { registerOrderFiles } from './orders-files.js';
import { resolveRefArg } from './refs.js';

interface AddFlags {
  email: string;
  total: string;
  number?: string;
  placedAt?: string;
  currency?: string;
  guest?: boolean;
  json?: boolean;
}

type ListFlags = FilterFlags & OutputFlags & { placedAfter?: string; placedBefore?: string };

export function registerOrderCommands(program: Command, ctx: Context): void {
  const orders = program
    .command('orders')
    .description("the orders ledger: customers' order statistics follow it")
    .addHelpText(
      'after',
      '\nExamples:\n  customers orders add --email alice@example.com --total 59.90 --currency EUR\n  customers orders list alice@example.com\n  customers orders list --min-orders 5 --placed-after 2026-01-01 --format csv',
    );

  registerOrderAdd(orders, ctx);
  registerOrderReading(orders, ctx);
  registerOrderFiles(orders, ctx);

  const show = orders
    .command('show')
    .description('print one order')
    .addHelpText('after', examples('customers orders show 12', 'customers orders show 12 --json'))
    .argument('<number>', 'order number (#1001 or 1001)');
  addRecordOutputOptions(show).action(async (number: string, flags: RecordOptions) => {
    asUsageError(() => normalizeOrderNumber(number));
    const store = await ctx.store({ create: false });
    await renderRecord(ctx, getOrder(store.db, number), ORDER_FIELDS, flags);
  });

  orders
    .command('delete')
    .description("delete an order; its customer's statistics follow")
    .addHelpText('after', examples('customers orders delete 12', 'customers orders delete 12 --json'))
    .argument('<number>', 'order number')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (number: string, flags: { yes?: boolean }) => {
      asUsageError(() => normalizeOrderNumber(number));
      const store = await ctx.store({ create: false });
      const order = getOrder(store.db, number);
      await confirmOrCancel(ctx, `Delete order ${order.number} (${order.total} ${order.currency}, ${order.email ?? 'no e-mail'})?`, flags.yes);
      deleteOrder(store, number, ctx.io.now());
      ctx.say(`Deleted order ${order.number}.`);
    });
}

function registerOrderAdd(orders: Command, ctx: Context): void {
  orders
    .command('add')
    .description('record an order; an unknown e-mail becomes a customer, as at a checkout (store.accounts says whether with an account)')
    .addHelpText('after', examples('customers orders add --email alice@example.com --total 59.90', 'customers orders add --email bob@example.com --total 120 --number 1042 --placed-at 2026-02-14 --guest'))
    .requiredOption('--email <email>', "the buyer's e-mail")
    .requiredOption('--total <amount>', 'the amount paid, such as 59.90, in the store currency', parser((raw) => (parseOrderTotal(raw), raw)))
    .option('--number <n>', 'the order number (unique; default: one more than the highest, from 1001)', parser((raw) => normalizeOrderNumber(raw)))
    .option('--placed-at <date>', 'when it was placed (default: now)', parseDateArg)
    .option('--currency <code>', "the amount's currency; must be the store's (the first order sets it when the store has none)")
    .option('--guest', 'a guest checkout: no customer is created for an unknown e-mail')
    .option('--json', 'print the order as JSON')
    .action(async (flags: AddFlags) => {
      const store = await ctx.store({ create: true });
      const result = addOrder(store, flags, ctx.io.now(), (op, email, account) => {
        const id = insertCustomer(store.db, { email, has_account: account }, ctx.io.now());
        op.createdId(id);
        return id;
      });
      if (result.customer?.created) ctx.say(`Created customer ${result.customer.id} (${flags.email.trim()}), ${result.customer.account ? 'with an account' : 'a contact without an account'}.`);
      else if (!result.customer) ctx.say('Recorded as a guest order: no customer has this e-mail (it links to one created with it later).');
      await renderRecord(ctx, result.order, ORDER_FIELDS, { json: flags.json });
    });
}

function registerOrderReading(orders: Command, ctx: Context): void {
  const list = orders
    .command('list')
    .description("list orders, oldest first: a customer's, or those of the customers the filters select")
    .addHelpText('after', examples('customers orders list alice@example.com', 'customers orders list --country BE --format csv'))
    .argument('[ref]', 'customer id or e-mail')
    .option('--placed-after <date>', 'placed on or after this date', parseDateArg)
    .option('--placed-before <date>', 'placed before this date', parseDateArg);
  addOutputOptions(addFilterOptions(list), ['table', 'json', 'jsonl', 'csv', 'tsv', 'count']).action(async (ref: string | undefined, flags: ListFlags) => {
    const filter = filterFromFlags(flags);
    const store = await ctx.store({ create: false });
    const customerId = ref === undefined ? undefined : resolveRefArg(store.db, ref);
    const items = listOrders(store.db, { customerId, filter, placedAfter: flags.placedAfter, placedBefore: flags.placedBefore });
    const format = chooseFormat(ctx, flags);
    await renderItems(ctx, items, { format, columns: chooseColumns(ORDER_FIELDS, flags.fields), raw: flags.raw });
  });
}
