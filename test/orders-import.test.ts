/** orders import and export: platform order files into the ledger, and back out. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers/fixtures.js';
import { json, storeCli } from './helpers/run-cli.js';
import { spawnCli } from './helpers/spawn-cli.js';

type Cli = ReturnType<typeof storeCli>['cli'];
type Order = { number: string; email: string | null; total: string; currency: string; placed_at: string; customer_id: number | null };

const orders = async (cli: Cli) =>
  json<Order[]>(await cli('orders', 'list', '--json', '--fields', 'number,email,total,currency,placed_at,customer_id'));

async function clean(cli: Cli) {
  const check = await cli('db', 'check');
  expect(check.code, check.stderr).toBe(0);
}

/** A store holding no orders: the summary and the store's state after importing `lines` (joined) or a fixture. */
async function importText(s: ReturnType<typeof storeCli>, text: string, ...args: string[]) {
  const file = join(s.dir, 'orders.csv');
  writeFileSync(file, text);
  return s.cli('orders', 'import', file, ...args);
}

const NATIVE = 'number,email,total,currency,placed_at,created_at\n';

describe('orders import: the presets', () => {
  it('reads a Shopify export: one order per Name, net of refunds, dates in UTC, guests without e-mail', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'zoe.lefevre@example.com');
    const r = await s.cli('orders', 'import', fixture('shopify-orders.csv'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      created: 5, unchanged: 0, rejected: 0, linked: 1, guests: 4, cancelled: 1, test_orders: 0, preset: 'shopify', delimiter: ',', encoding: 'utf-8', written: true,
    });
    expect(await orders(s.cli)).toEqual([
      { number: '1001', email: 'zoe.lefevre@example.com', total: '73.75', currency: 'EUR', placed_at: '2025-03-14T09:32:11Z', customer_id: 1 },
      // Cancelled and fully refunded: kept, with nothing spent.
      { number: '1002', email: 'jose.martin@example.org', total: '0.00', currency: 'EUR', placed_at: '2025-03-16T07:14:02Z', customer_id: null },
      { number: '1003', email: null, total: '24.00', currency: 'EUR', placed_at: '2025-03-18T10:02:44Z', customer_id: null },
      { number: '1004', email: 'anne-sophie.muller@example.com', total: '1200.00', currency: 'EUR', placed_at: '2025-03-20T20:47:30Z', customer_id: null },
      { number: '1005', email: 'bjork.aegisdottir@example.org', total: '47.90', currency: 'EUR', placed_at: '2025-03-22T06:05:09Z', customer_id: null },
    ]);
    expect(r.stderr).toContain('1 order cancelled on the platform');
    expect((await s.cli('config', 'get', 'store.currency')).stdout.trim()).toBe('EUR');
    // A guest order links to the customer created with its e-mail later.
    await s.cli('add', '--email', 'jose.martin@example.org');
    expect((await orders(s.cli)).find((o) => o.number === '1002')?.customer_id).toBe(2);
    await clean(s.cli);
  });

  it('reads a WooCommerce (WebToffee) export: BOM, billing e-mail, refunds, --utc-offset for site time', async () => {
    const s = storeCli();
    const r = await s.cli('orders', 'import', fixture('woocommerce-orders.csv'), '--json', '--utc-offset', '+01:00');
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 5, guests: 5, cancelled: 1, preset: 'woocommerce' });
    expect(await orders(s.cli)).toEqual([
      { number: '4512', email: 'zoe.lefevre@example.com', total: '72.42', currency: 'EUR', placed_at: '2025-03-14T09:32:11Z', customer_id: null },
      { number: '4515', email: 'jose.martin@example.org', total: '0.00', currency: 'EUR', placed_at: '2025-03-16T07:14:02Z', customer_id: null },
      { number: '4518', email: 'anne-sophie.muller@example.com', total: '58.80', currency: 'EUR', placed_at: '2025-03-18T20:47:30Z', customer_id: null },
      // Cancelled before it was paid: no money was spent. The order's e-mail is the billing one, not the account's.
      { number: '4523', email: 'bjork.aegisdottir@example.org', total: '0.00', currency: 'EUR', placed_at: '2025-03-22T06:05:09Z', customer_id: null },
      { number: '4530', email: 'lukasz.zolc@example.com', total: '150.60', currency: 'EUR', placed_at: '2025-03-25T14:20:41Z', customer_id: null },
    ]);
    await clean(s.cli);
  });

  it('reads WooCommerce dates as UTC without --utc-offset; leaves Shopify test orders out', async () => {
    const s = storeCli();
    await s.cli('orders', 'import', fixture('woocommerce-orders.csv'), '--preset', 'woocommerce', '-q');
    expect((await orders(s.cli))[0].placed_at).toBe('2025-03-14T10:32:11Z');
    const test = await importText(s, 'Name,Email,Total,Currency,Created at,Payment Method,Tags\n#T1,a@example.com,10.00,EUR,2025-01-01 10:00:00 +0000,bogus,\n#T2,b@example.com,5.00,EUR,2025-01-01 10:00:00 +0000,,"vip, test"\n', '--json');
    expect(JSON.parse(test.stdout)).toMatchObject({ created: 0, test_orders: 2, preset: 'shopify' });
  });

  it('reads amounts with a decimal comma in a semicolon file, and --currency for a file without a currency column', async () => {
    const s = storeCli();
    const r = await importText(s, 'number;email;total;placed_at\n7;x@example.com;1.234,50;2026-01-02\n', '--currency', 'eur', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 1, delimiter: ';' });
    expect(await orders(s.cli)).toMatchObject([{ number: '7', total: '1234.50', currency: 'EUR' }]);
    const none = await importText(storeCli(), 'number,total,placed_at\n8,1,2026-01-02\n');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no currency column and the store has no currency yet');
  });
});

describe('orders import: what is refused', () => {
  const hostile = [
    ['an unclosed quote', `${NATIVE}1,a@example.com,1.00,EUR,2026-01-01,2026-01-01\n2,"b@example.com,2.00,EUR,2026-01-01,2026-01-01\n`, 'line 3: a quoted value starts here and is never closed'],
    ['a bad amount', `${NATIVE}1,a@example.com,12.3x,EUR,2026-01-01,2026-01-01\n`, 'line 2, column "total", value "12.3x": "12.3x" is not an amount'],
    ['a duplicate number', `${NATIVE}1,a@example.com,1.00,EUR,2026-01-01,2026-01-01\n#1,b@example.com,2.00,EUR,2026-01-01,2026-01-01\n`, 'line 3, column "number", value "1": order 1 is also on line 2 of this file'],
    ['another currency', `${NATIVE}1,a@example.com,1.00,EUR,2026-01-01,2026-01-01\n2,b@example.com,2.00,USD,2026-01-01,2026-01-01\n`, "line 3, column \"currency\", value \"USD\": the order is in USD, but the store's amounts are in EUR"],
    ['a number in scientific notation', `${NATIVE}1.20884E+13,a@example.com,1.00,EUR,2026-01-01,2026-01-01\n`, 'turned into scientific notation'],
    ['a missing number', `${NATIVE},a@example.com,1.00,EUR,2026-01-01,2026-01-01\n`, 'line 2, column "number", value "": the order number is missing'],
    ['a bad e-mail and date', `${NATIVE}1,not-an-email,1.00,EUR,07/12/2025 19:08,2026-01-01\n`, 'column "placed_at", value "07/12/2025 19:08"'],
    ['an empty file', '', 'the file is empty: no header line'],
    ['a customers file', 'Email,First Name,Total Orders\na@example.com,Ann,3\n', 'line 1: this is not an orders file that a preset recognises'],
  ];
  it.each(hostile)('%s: nothing written, the reason given', async (_, text, message) => {
    const s = storeCli();
    const r = await importText(s, text);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    const store = await s.cli('orders', 'list', '--format', 'count');
    expect(store.code === 1 || store.stdout === '0\n').toBe(true);
  });

  it('rejects an order the ledger has with other values, keeps one it has with the same: a rerun changes nothing', async () => {
    const s = storeCli();
    await s.cli('orders', 'import', fixture('shopify-orders.csv'), '-q');
    const again = await s.cli('orders', 'import', fixture('shopify-orders.csv'), '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, unchanged: 5, rejected: 0 });
    expect(json<unknown[]>(await s.cli('history', '--json')).length).toBe(1);
    const other = await importText(s, `${NATIVE}1001,zoe.lefevre@example.com,70.00,EUR,2025-03-14T09:32:11Z,2026-01-01T00:00:00Z\n`);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('order 1001 is already in the ledger with other values (total 73.75)');
  });

  it('--skip-invalid writes the valid orders; --errors keeps the rejected rows with line, column and reason; --dry-run writes nothing', async () => {
    const s = storeCli();
    const text = `${NATIVE}1,a@example.com,1.00,EUR,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n2,b@example.com,-5,EUR,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n`;
    const dry = await importText(s, text, '--dry-run', '--skip-invalid', '--json');
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.stdout)).toMatchObject({ created: 1, rejected: 1, written: false });
    expect(dry.stderr).toContain('Dry run: nothing was written.');
    const errors = join(s.dir, 'rejected.csv');
    const r = await importText(s, text, '--skip-invalid', '--errors', errors, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 1, rejected: 1, written: true });
    expect(await orders(s.cli)).toMatchObject([{ number: '1' }]);
    const lines = readFileSync(errors, 'utf8').replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('number,email,total,currency,placed_at,created_at,line,column,reason');
    expect(lines[1]).toMatch(/^2,b@example.com,-5,EUR,.*,3,total,"the order total ""-5"" is negative/);
    await clean(s.cli);
  });
});

describe('orders export', () => {
  it('native: export, import into a new store, export again: byte-identical; a formula is guarded and read back', async () => {
    const s = storeCli();
    await importText(s, `${NATIVE}=1+1,a@example.com,1.00,EUR,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z\n`, '-q');
    await s.cli('orders', 'import', fixture('shopify-orders.csv'), '-q');
    const first = await s.cli('orders', 'export');
    expect(first.stdout).toContain("'=1+1,a@example.com");
    expect(first.stderr).toBe('Exported 6 orders.\n');
    const t = storeCli();
    expect((await t.cli('orders', 'import', '-', '-q', { stdin: first.stdout })).code).toBe(0);
    expect((await t.cli('orders', 'export')).stdout).toBe(first.stdout);
    await clean(t.cli);
  });

  it.each(['shopify', 'woocommerce'])('%s: its own import reads it back to the same orders', async (preset) => {
    const s = storeCli();
    await s.cli('orders', 'import', fixture('shopify-orders.csv'), '-q');
    const file = join(s.dir, `${preset}.csv`);
    expect((await s.cli('orders', 'export', file, '--preset', preset)).stderr).toContain(`Exported 5 orders to ${file} (${preset})`);
    const t = storeCli();
    const r = await t.cli('orders', 'import', file, '--preset', preset, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 5, preset });
    expect(await orders(t.cli)).toEqual(await orders(s.cli));
    expect(JSON.parse((await s.cli('orders', 'import', file, '--json')).stdout)).toMatchObject({ unchanged: 5 });
  });

  it('selects with customer filters and --placed-after', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'zoe.lefevre@example.com', '--country', 'FR');
    await s.cli('orders', 'import', fixture('shopify-orders.csv'), '-q');
    expect((await s.cli('orders', 'export', '--country', 'FR')).stdout.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect((await s.cli('orders', 'export', '--placed-after', '2025-03-20')).stdout.split('\r\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('orders import: statistics and undo', () => {
  const CUSTOMERS = 'Email,First Name,Total Orders,Total Spent\nzoe.lefevre@example.com,Zoë,3,300.00\n';
  const ORDERS = `${NATIVE}1,zoe.lefevre@example.com,100.00,EUR,2025-01-01T00:00:00Z,2025-01-01T00:00:00Z\n2,zoe.lefevre@example.com,100.00,EUR,2025-02-01T00:00:00Z,2025-02-01T00:00:00Z\n3,zoe.lefevre@example.com,100.00,EUR,2025-03-01T00:00:00Z,2025-03-01T00:00:00Z\n`;
  const stats = async (cli: Cli) => json<Record<string, unknown>[]>(await cli('list', '--json', '--fields', 'email,order_count,total_spent,first_order_at,last_order_at'));

  it('customers then orders and orders then customers give the same statistics, counted once', async () => {
    const a = storeCli();
    writeFileSync(join(a.dir, 'c.csv'), CUSTOMERS);
    await a.cli('import', join(a.dir, 'c.csv'), '-q');
    expect((await importText(a, ORDERS)).code).toBe(0);
    const b = storeCli();
    await importText(b, ORDERS, '-q');
    writeFileSync(join(b.dir, 'c.csv'), CUSTOMERS);
    await b.cli('import', join(b.dir, 'c.csv'), '-q');
    const expected = [{ email: 'zoe.lefevre@example.com', order_count: 3, total_spent: '300.00', first_order_at: '2025-01-01T00:00:00Z', last_order_at: '2025-03-01T00:00:00Z' }];
    expect(await stats(a.cli)).toEqual(expected);
    expect(await stats(b.cli)).toEqual(expected);
    await clean(a.cli);
    await clean(b.cli);
  });

  it('undo removes the imported orders and gives the customers their figures back', async () => {
    const s = storeCli();
    writeFileSync(join(s.dir, 'c.csv'), CUSTOMERS);
    await s.cli('import', join(s.dir, 'c.csv'), '-q');
    const before = await stats(s.cli);
    await importText(s, ORDERS, '-q');
    expect((await s.cli('undo')).code).toBe(0);
    expect(await orders(s.cli)).toEqual([]);
    expect(await stats(s.cli)).toEqual(before);
    expect((await s.cli('config', 'get', 'store.currency')).stdout.trim()).toBe('');
    await clean(s.cli);
  });

  it('a killed import leaves the store as it was', async () => {
    const s = storeCli();
    await importText(s, `${NATIVE}1,a@example.com,1.00,EUR,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n`, '-q');
    const killed = await spawnCli(['--db', s.db, 'orders', 'import', fixture('shopify-orders.csv')], { env: { CUSTOMERS_TEST_CRASH_AFTER_ROWS: '6' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(await orders(s.cli)).toMatchObject([{ number: '1' }]);
    expect(json<unknown[]>(await s.cli('history', '--json')).length).toBe(1);
    await clean(s.cli);
  });
});
