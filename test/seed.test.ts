/** seed: generated stores that a seed reproduces byte for byte, and fixture files made true, idempotently. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'seed-login.json');

type Link = { ref: string; customer: number; email: string; url: string; state: string; expires_at: string };

describe('seed --count', () => {
  it('gives the same store for the same seed, byte for byte in a native export, and another for another seed', async () => {
    const exports: string[] = [];
    for (const seed of ['ci', 'ci', 'other']) {
      const { cli } = storeCli();
      const r = await cli('seed', '--count', '300', '--seed', seed, '--locale', 'mix');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/Seeded 300 customers with \d+ orders \(seed "\w+", locale mix, amounts in EUR\)/);
      expect((await cli('db', 'check')).code).toBe(0);
      exports.push((await cli('export')).stdout + (await cli('orders', 'list', '--format', 'csv')).stdout);
    }
    expect(exports[1]).toBe(exports[0]);
    expect(exports[2]).not.toBe(exports[0]);
  });

  it('writes realistic customers of the locale: its country, language, postal codes; statistics from their orders', async () => {
    const { cli } = storeCli();
    await cli('seed', '--count', '200', '--locale', 'nl');
    const customers = json<{ country: string; lang: string; postal_code: string; order_count: number; total_spent: string; email: string }[]>(await cli('list', '--json'));
    expect(new Set(customers.map((c) => c.country))).toEqual(new Set(['NL']));
    expect(customers.every((c) => c.lang === 'nl' && /^\d{4} [A-Z]{2}$/.test(c.postal_code))).toBe(true);
    const withOrders = customers.find((c) => c.order_count > 1)!;
    const orders = json<{ total: string }[]>(await cli('orders', 'list', withOrders.email, '--json'));
    expect(orders).toHaveLength(withOrders.order_count);
    expect(orders.reduce((sum, o) => sum + Math.round(Number(o.total) * 100), 0)).toBe(Math.round(Number(withOrders.total_spent) * 100));
    expect(Number((await cli('list', '--has-account', '--format', 'count')).stdout)).toBeGreaterThan(100);
  });

  it('fills only an empty store; --reset empties it first, only with --yes, and ids start from 1 again', async () => {
    const { cli } = storeCli();
    await cli('seed', '--count', '20');
    const again = await cli('seed', '--count', '20');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the store has 20 customers');
    const unconfirmed = await cli('seed', '--count', '20', '--reset');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes');
    const reset = await cli('seed', '--count', '5', '--reset', '--yes');
    expect(reset.code).toBe(0);
    expect((await cli('list', '--format', 'ids')).stdout).toBe('1\n2\n3\n4\n5\n');
    expect((await cli('seed', '--count', '5', '--locale', 'xx')).code).toBe(2);
    expect((await cli('seed')).code).toBe(2);
  });
});

describe('seed FILE.json', () => {
  it('builds the declared store; a second run changes nothing but issues the links anew, revoking the earlier ones', async () => {
    const { cli } = storeCli();
    const first = await cli('seed', FIXTURE, '--json');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('customers: 4 created');
    const links = json<Link[]>(first);
    expect(links.map((l) => [l.ref, l.customer, l.state])).toEqual([['alice', 1, 'active'], ['bob', 2, 'used'], ['hélène', 3, 'expired'], ['bob', 2, 'revoked']]);
    expect(Object.keys(links[0])).toEqual(['ref', 'customer', 'email', 'url', 'state', 'expires_at']);
    const exported = (await cli('export')).stdout;
    expect(json(await cli('show', 'alice@example.com', '--json'))).toMatchObject({ group: 'VIP', tags: ['b2b'], order_count: 2, total_spent: '179.90', has_account: true });
    // Each state is the refusal a login page must show.
    expect((await cli('login-link', 'verify', links[0].url)).code).toBe(0);
    for (const l of links.slice(1)) expect((await cli('login-link', 'verify', l.url)).stderr).toContain(`error: ${l.state}`);
    const second = await cli('seed', FIXTURE, '--json');
    expect(second.stderr).toContain('customers: 0 created, 0 changed, 4 unchanged; orders: 0 created, 0 changed, 4 unchanged');
    expect((await cli('export')).stdout).toBe(exported);
    expect((await cli('login-link', 'verify', links[0].url)).stderr).toContain('error: revoked');
    expect((await cli('login-link', 'verify', json<Link[]>(second)[0].url)).code).toBe(0);
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('puts back what a test changed: a customer is exactly as declared after the next run', async () => {
    const { cli } = storeCli();
    await cli('seed', FIXTURE);
    await cli('edit', 'bob@example.com', '--first-name', 'Robert', '--add-tag', 'changed', '--phone', '+32 470 00 00 00');
    await cli('orders', 'delete', '1003', '--yes');
    const again = await cli('seed', FIXTURE);
    expect(again.stderr).toContain('customers: 0 created, 1 changed, 3 unchanged; orders: 1 created');
    expect(json(await cli('show', 'bob@example.com', '--json'))).toMatchObject({ first_name: 'Bob', tags: [], phone: null, order_count: 1 });
  });

  it('names the entry and the field of an error, and writes nothing (no store is even created)', async () => {
    const { cli, dir, db } = storeCli();
    const file = join(dir, 'bad.json');
    const cases: [unknown, string][] = [
      [{ customers: [{ ref: 'a', email: 'a@example.com' }, { ref: 'b', email: 'b@example.com', country: 'Narnia' }] }, 'customers[1] (ref "b"), field "country"'],
      [{ customers: [{ ref: 'a', email: 'a@example.com', frist_name: 'A' }] }, 'customers[0] (ref "a"): unknown field "frist_name"'],
      [{ customers: [{ ref: 'a', email: 'a@example.com' }], orders: [{ customer: '${b}', number: '1', total: '1' }] }, 'orders[0], field "customer": no customer of the file has the ref "b"'],
      [{ customers: [{ ref: 'a', email: 'a@example.com' }], orders: [{ customer: '${a}', number: '1', total: '1.234' }] }, 'orders[0], field "total"'],
      [{ customers: [{ ref: 'a', email: 'a@example.com', has_account: false }], login_links: [{ customer: '${a}' }] }, 'login_links[0], field "customer": customers[0] (ref "a") has no account'],
      [{ customers: [{ ref: 'a', email: 'a@example.com' }], login_links: [{ customer: '${a}', state: 'stale' }] }, 'login_links[0], field "state": "stale" is not one of active, used, expired, revoked'],
      [{ customers: [{ ref: 'a', email: 'a@example.com' }, { ref: 'a', email: 'b@example.com' }] }, 'customers[1] (ref "a"): the ref "a" is already the ref of customers[0]'],
      [{ customers: [{ first_name: 'Nobody' }] }, 'customers[0]: a fixture customer needs an "email" or a "source_id"'],
      [{ settings: { 'mail.smtp_url': 'smtp://u:p@localhost' } }, 'may hold a password'],
      [{ customers: [{ ref: 'a', email: 'a@example.com', tax_exempt: 'yes' }] }, 'customers[0] (ref "a"), field "tax_exempt": must be true or false'],
      [{ customers: [{ email: 'a@example.com', source_id: 'S1' }, { phone: '+32 470 00 00 00', source_id: 'S1' }] }, 'customers[1], field "source_id": S1 is already the source id of customers[0]'],
      [{ settings: { 'store.currency': 'EUR' }, orders: [{ email: 'h@example.com', number: 'A-1', total: '1' }, { email: 'h@example.com', number: 'a-1', total: '2' }] }, 'orders[1], field "number": a-1 is already the number of orders[0]'],
    ];
    for (const [content, message] of cases) {
      writeFileSync(file, JSON.stringify(content));
      const r = await cli('seed', file);
      expect(r.code, message).toBe(1);
      expect(r.stderr).toContain(message);
    }
    writeFileSync(file, '{\n  "groups": ["A",]\n}\n');
    const syntax = await cli('seed', file);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/is not valid JSON: .* at line 2, column \d+/);
    expect(existsSync(db)).toBe(false);
    expect((await cli('seed', join(dir, 'missing.json'))).stderr).toContain('cannot read');
    expect((await cli('seed', '--count', '100000000')).code).toBe(2);
  });

  it('refuses an entry whose e-mail and source id are two customers', async () => {
    const { cli, dir } = storeCli();
    await cli('seed', FIXTURE);
    const file = join(dir, 'clash.json');
    writeFileSync(file, JSON.stringify({ customers: [{ ref: 'z', email: 'alice@example.com', source_id: 'POS-17' }] }));
    const r = await cli('seed', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('customers[0] (ref "z"), field "email": customer 1 has this e-mail, but customer 4 has the source id POS-17');
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('publishes the JSON Schema that fixtures/seed.schema.json holds', async () => {
    const { cli } = storeCli();
    const r = await cli('seed', '--schema');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'seed.schema.json'), 'utf8'));
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties.customers.items.properties)).toContain('has_account');
  });
});
