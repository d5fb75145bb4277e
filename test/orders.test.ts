/** The orders ledger and accounts: statistics that follow the orders, checkouts that create customers, login links for account holders. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

type Stats = { id: number; email: string; order_count: number; total_spent: string; first_order_at: string | null; last_order_at: string | null; has_account: boolean };
const STATS = 'id,email,order_count,total_spent,first_order_at,last_order_at,has_account';

async function stats(cli: ReturnType<typeof storeCli>['cli'], ...filters: string[]): Promise<Stats[]> {
  return json<Stats[]>(await cli('list', '--json', '--fields', STATS, ...filters));
}

/** A store with a customer migrated from another platform (3 orders, 150.00) and the store currency set. */
async function migrated() {
  const s = storeCli();
  const file = join(s.dir, 'shopify.csv');
  writeFileSync(file, 'Email,First Name,Total Orders,Total Spent\nann@example.com,Ann,3,150.00\n');
  await s.cli('import', file, '-q');
  await s.cli('config', 'set', 'store.currency', 'EUR');
  return s;
}

describe('orders add', () => {
  it('adds to the statistics an import brought; dates, numbers from 1001; delete takes the order back out', async () => {
    const { cli } = await migrated();
    const first = await cli('orders', 'add', '--email', 'ANN@example.com', '--total', '59.90', '--placed-at', '2026-02-01', '--json');
    expect(first.code).toBe(0);
    expect(json(first)).toMatchObject({ number: '1001', customer_id: 1, email: 'ann@example.com', total: '59.90', currency: 'EUR', placed_at: '2026-02-01T00:00:00Z' });
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '0.10', '--placed-at', '2026-03-01T10:00:00Z');
    expect(await stats(cli)).toEqual([
      { id: 1, email: 'ann@example.com', order_count: 5, total_spent: '210.00', first_order_at: '2026-02-01T00:00:00Z', last_order_at: '2026-03-01T10:00:00Z', has_account: false },
    ]);
    const dup = await cli('orders', 'add', '--email', 'ann@example.com', '--total', '1', '--number', '#1002');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('an order numbered 1002 already exists');
    expect((await cli('orders', 'delete', '#1001', '--yes')).code).toBe(0);
    expect(await stats(cli)).toMatchObject([{ order_count: 4, total_spent: '150.10', first_order_at: '2026-03-01T10:00:00Z' }]);
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('creates the customer of an unknown e-mail as store.accounts says; --guest records a guest order that a later customer gets', async () => {
    const { cli } = await migrated();
    const created = await cli('orders', 'add', '--email', 'new@example.com', '--total', '10');
    expect(created.stderr).toContain('Created customer 2 (new@example.com), with an account.');
    await cli('config', 'set', 'store.auto_accounts', 'no');
    expect((await cli('orders', 'add', '--email', 'contact@example.com', '--total', '10')).stderr).toContain('a contact without an account');
    const guest = await cli('orders', 'add', '--email', 'guest@example.com', '--total', '7.50', '--guest');
    expect(guest.stderr).toContain('Recorded as a guest order');
    expect((await cli('list', '--format', 'count')).stdout).toBe('3\n');
    await cli('config', 'set', 'store.accounts', 'required');
    const refused = await cli('orders', 'add', '--email', 'other@example.com', '--total', '5', '--guest');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('requires an account');
    expect((await cli('orders', 'add', '--email', 'req@example.com', '--total', '5')).stderr).toContain('with an account');
    await cli('config', 'set', 'store.accounts', 'disabled');
    expect((await cli('orders', 'add', '--email', 'dis@example.com', '--total', '5')).stderr).toContain('a contact without an account');
    expect(json(await cli('add', '--email', 'added@example.com', '--json'))).toMatchObject({ has_account: false });
    const link = await cli('login-link', 'issue', 'added@example.com', '--create-account', '--url', 'http://localhost/l?k={token}');
    expect(link.code).toBe(1);
    expect(link.stderr).toContain('store.accounts is disabled');
    // The guest buys again as a customer: both orders are theirs.
    await cli('add', '--email', 'guest@example.com');
    expect((await stats(cli, '--min-orders', '1', '--max-orders', '1', '--min-spent', '7.50', '--max-spent', '7.50'))).toMatchObject([{ email: 'guest@example.com', total_spent: '7.50' }]);
    expect(json<unknown[]>(await cli('orders', 'list', 'guest@example.com', '--json'))).toHaveLength(1);
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('keeps one currency: the first order sets it; another one is refused, and so is changing it under orders', async () => {
    const { cli } = storeCli();
    const none = await cli('orders', 'add', '--email', 'a@example.com', '--total', '5');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('the store has no currency yet');
    expect((await cli('orders', 'add', '--email', 'a@example.com', '--total', '5', '--currency', 'chf')).code).toBe(0);
    expect((await cli('config', 'get', 'store.currency')).stdout).toBe('CHF\n');
    const other = await cli('orders', 'add', '--email', 'a@example.com', '--total', '5', '--currency', 'EUR');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("the order is in EUR, but the store's amounts are in CHF");
    const change = await cli('config', 'set', 'store.currency', 'EUR');
    expect(change.code).toBe(1);
    expect(change.stderr).toContain('store.currency stays CHF');
    for (const bad of ['-5', '5.001', 'abc']) expect((await cli('orders', 'add', '--email', 'a@example.com', '--total', bad)).code).not.toBe(0);
  });
});

describe('the ledger and the customers', () => {
  it('keeps the orders of a deleted customer, with the e-mail; the customer created again gets them back', async () => {
    const { cli } = await migrated();
    await cli('orders', 'add', '--email', 'bob@example.com', '--total', '20', '--placed-at', '2026-01-10');
    await cli('orders', 'add', '--email', 'bob@example.com', '--total', '30', '--placed-at', '2026-01-20');
    expect((await cli('delete', 'bob@example.com', '--yes')).code).toBe(0);
    const kept = json<{ customer_id: number | null; email: string }[]>(await cli('orders', 'list', '--json'));
    expect(kept.map((o) => [o.customer_id, o.email])).toEqual([[null, 'bob@example.com'], [null, 'bob@example.com']]);
    await cli('add', '--email', 'Bob@Example.com', '--first-name', 'Bob');
    expect(await stats(cli, '--ordered-after', '2026-01-15')).toMatchObject([{ email: 'bob@example.com', order_count: 2, total_spent: '50.00', first_order_at: '2026-01-10T00:00:00Z' }]);
    expect(await stats(cli, '--ordered-before', '2026-01-15')).toHaveLength(1);
    expect(await stats(cli, '--ordered-before', '2026-01-10')).toEqual([]);
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('an import of the figures a platform counted (the ledger\'s orders among them) does not count those twice; export and import back change nothing', async () => {
    const { cli, dir } = await migrated();
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '50', '--placed-at', '2026-01-10');
    const exported = (await cli('export')).stdout;
    expect(exported).toContain(',4,200.00,2026-01-10T00:00:00Z,2026-01-10T00:00:00Z,');
    const file = join(dir, 'back.csv');
    writeFileSync(file, exported);
    expect(json(await cli('import', file, '--json'))).toMatchObject({ unchanged: 1, updated: 0 });
    expect((await cli('export')).stdout).toBe(exported);
    // The platform now counts 6 orders, one of them the ledger's: 6 in all.
    writeFileSync(file, 'Email,Total Orders,Total Spent\nann@example.com,6,300.00\n');
    await cli('import', file, '-q');
    expect(await stats(cli)).toMatchObject([{ order_count: 6, total_spent: '300.00' }]);
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('lists orders by customer, by the customer filters and by date, in every format', async () => {
    const { cli } = await migrated();
    await cli('add', '--email', 'be@example.com', '--country', 'BE');
    await cli('orders', 'add', '--email', 'be@example.com', '--total', '20', '--placed-at', '2026-01-10');
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '30', '--placed-at', '2026-02-10');
    expect((await cli('orders', 'list', '--country', 'BE', '--format', 'ids')).code).toBe(2); // no ids of orders: not a format here
    expect((await cli('orders', 'list', '--country', 'BE', '--format', 'tsv', '--fields', 'number,email')).stdout).toBe('number\temail\n1001\tbe@example.com\n');
    expect((await cli('orders', 'list', '--placed-after', '2026-02-01', '--format', 'count')).stdout).toBe('1\n');
    expect((await cli('orders', 'show', '1002')).stdout).toContain('total\t30.00');
    expect((await cli('orders', 'show', '999')).code).toBe(1);
  });
});

describe('orders that outlive their customer', () => {
  it('go to the customer who has their e-mail now when theirs is deleted, and back to it by undo', async () => {
    const { cli } = await migrated();
    await cli('orders', 'add', '--email', 'a@example.com', '--total', '10');
    await cli('orders', 'add', '--email', 'a@example.com', '--total', '20');
    await cli('edit', 'a@example.com', '--email', 'b@example.com');
    await cli('add', '--email', 'a@example.com');
    await cli('delete', 'b@example.com', '--yes');
    expect((await cli('db', 'check')).code).toBe(0);
    expect((await stats(cli, '--min-orders', '1')).map((c) => [c.email, c.order_count])).toEqual([['ann@example.com', 3], ['a@example.com', 2]]);
    await cli('undo');
    expect((await stats(cli, '--min-orders', '1')).map((c) => [c.email, c.order_count, c.total_spent])).toEqual([['ann@example.com', 3, '150.00'], ['b@example.com', 2, '30.00']]);
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('never gives a deleted order\'s number again, so that its delete can be undone', async () => {
    const { cli } = await migrated();
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '10');
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '20');
    await cli('orders', 'delete', '1002', '--yes');
    expect(json(await cli('orders', 'add', '--email', 'ann@example.com', '--total', '30', '--json'))).toMatchObject({ number: '1003' });
    const history = json<{ op: number; kind: string }[]>(await cli('history', '--json'));
    const deleted = history.find((e) => e.kind === 'orders delete')!.op;
    expect((await cli('undo', String(deleted))).code).toBe(0);
    expect((await cli('orders', 'list', '--format', 'csv', '--fields', 'number,total')).stdout).toBe('number,total\n1001,10.00\n1002,20.00\n1003,30.00\n');
    expect((await cli('orders', 'add', '--email', 'ann@example.com', '--total', '-5')).code).toBe(2);
  });
});

describe('undo and the ledger', () => {
  it('undoes an order (and the customer its checkout created), a deleted order, and keeps the figures right', async () => {
    const { cli } = await migrated();
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '10', '--placed-at', '2026-01-10');
    await cli('orders', 'add', '--email', 'new@example.com', '--total', '20');
    await cli('orders', 'delete', '1001', '--yes');
    expect((await cli('undo')).stderr).toContain('restored 1 order it deleted');
    expect((await stats(cli)).map((c) => [c.email, c.order_count])).toEqual([['ann@example.com', 4], ['new@example.com', 1]]);
    expect((await cli('undo')).stderr).toContain('removed 1 customer it created, removed 1 order it recorded');
    expect((await cli('undo')).code).toBe(0);
    expect((await stats(cli)).map((c) => [c.email, c.order_count, c.total_spent])).toEqual([['ann@example.com', 3, '150.00']]);
    expect((await cli('db', 'check')).code).toBe(0);
  });
});

describe('accounts', () => {
  it('add gives an account unless --no-account; login links only for account holders, or with --create-account', async () => {
    const { cli } = storeCli();
    const url = ['--url', 'http://localhost:3000/login?key={token}'];
    await cli('add', '--email', 'acc@example.com');
    await cli('add', '--email', 'contact@example.com', '--no-account');
    expect(await stats(cli)).toMatchObject([{ has_account: true }, { has_account: false }]);
    const refused = await cli('login-link', 'issue', 'contact@example.com', ...url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('customer 2 (contact@example.com) has no store account');
    expect(refused.stderr).toContain('customers edit 2 --has-account');
    const issued = await cli('login-link', 'issue', 'contact@example.com', '--create-account', ...url);
    expect(issued.code).toBe(0);
    expect((await cli('list', '--has-account', '--format', 'count')).stdout).toBe('2\n');
    const redeem = await cli('login-link', 'redeem', issued.stdout.trim(), '--json', { now: new Date('2026-03-02T12:00:00Z') });
    expect(redeem.code).toBe(0);
    expect(json(await cli('show', '2', '--json'))).toMatchObject({ last_login_at: '2026-03-02T12:00:00Z' });
    expect((await cli('list', '--logged-in-after', '2026-03-02', '--format', 'ids')).stdout).toBe('2\n');
    expect((await cli('list', '--logged-in-after', '2026-06-01', '--logged-in-before', '2026-05-01')).code).toBe(2);
    // Made a contact: its unused links stop working.
    const again = await cli('login-link', 'issue', '1', ...url);
    await cli('edit', '1', '--no-has-account');
    const verify = await cli('login-link', 'verify', again.stdout.trim());
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('revoked');
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it("imports read a platform's account state; other files keep customers as contacts", async () => {
    const { cli, dir } = storeCli();
    const shopify = join(dir, 'shopify.csv');
    writeFileSync(shopify, 'Email,First Name,Account Status\na@example.com,A,enabled\nb@example.com,B,invited\nc@example.com,C,disabled\n');
    await cli('import', shopify, '-q');
    const woo = join(dir, 'woo.csv');
    writeFileSync(woo, 'Name,Username,Email,Orders\nReg,reg,reg@example.com,1\nGuest,,guest@example.com,1\n');
    await cli('import', woo, '-q');
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, 'email\nplain@example.com\n');
    await cli('import', plain, '-q');
    expect((await cli('list', '--has-account', '--format', 'csv', '--fields', 'email')).stdout).toBe('email\na@example.com\nreg@example.com\n');
    writeFileSync(shopify, 'Email,Account Status\nd@example.com,active\n');
    const bad = await cli('import', shopify);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"active" is not a Shopify account state');
  });

  it('db check finds a contact with an active link and statistics that differ from the ledger', async () => {
    const { cli, db } = await migrated();
    await cli('orders', 'add', '--email', 'ann@example.com', '--total', '10');
    await cli('login-link', 'issue', '1', '--create-account', '--ttl', '3650d', '--url', 'http://localhost/l?k={token}');
    const raw = new Database(db);
    raw.exec('DROP TRIGGER customers_account_closed; UPDATE customers SET has_account = 0, ledger_spent_minor = 5');
    raw.close();
    const check = await cli('db', 'check');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("1 customers whose order statistics differ from the ledger's orders");
    expect(check.stderr).toContain('1 customers without an account that have active login links');
  });
});
