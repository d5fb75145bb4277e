/**
 * Customers without an e-mail address (phone-only and in-store customers): kept, found again on re-import by
 * their id on the former platform, left out of exports to platforms that need an e-mail, never e-mailed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/migrations.js';
import { json, storeCli } from './helpers/run-cli.js';
import { startSmtp } from './helpers/smtp.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

type Customer = Record<string, unknown>;

describe('adding and editing customers without an e-mail', () => {
  it('a phone, a name or a company is enough; several customers may have no e-mail', async () => {
    const { cli } = storeCli();
    expect(json<Customer>(await cli('add', '--phone', '+33 6 12 34 56 78', '--json'))).toMatchObject({ id: 1, email: null, phone: '+33 6 12 34 56 78' });
    expect(json<Customer>(await cli('add', '--first-name', 'Ann', '--json'))).toMatchObject({ id: 2, email: null, name: 'Ann' });
    expect(json<Customer>(await cli('add', '--company', 'Vos BV', '--json'))).toMatchObject({ id: 3, email: null });
    const none = await cli('add', '--tag', 'vip', '--email', ' ');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--email needs a value');
    expect((await cli('list', '--format', 'count')).stdout).toBe('3\n');
  });

  it('an e-mail can be removed while something else says who the customer is, not the last one', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--phone', '+32 470 00 00 01');
    const cleared = await cli('edit', '1', '--email', '', '--json');
    expect(cleared.code).toBe(0);
    expect(json<Customer>(cleared)).toMatchObject({ email: null, phone: '+32 470 00 00 01' });
    const last = await cli('edit', '1', '--phone', '');
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('customer 1 needs at least one of e-mail, phone, first name, last name or company');
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({ phone: '+32 470 00 00 01' });
  });

  it('--has-email and --no-email filter; together they are a usage error', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    await cli('add', '--phone', '+32 470 00 00 02');
    expect((await cli('list', '--no-email', '--format', 'ids')).stdout).toBe('2\n');
    expect((await cli('list', '--has-email', '--format', 'ids')).stdout).toBe('1\n');
    const both = await cli('list', '--has-email', '--no-email');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--has-email and --no-email contradict each other');
    expect((await cli('search', '0002', '--format', 'ids')).stdout).toBe('2\n');
    // Two characters are looked for row by row, in the same text: a customer without an e-mail has it too.
    expect((await cli('search', '02', '--format', 'ids')).stdout).toBe('2\n');
  });
});

describe('importing customers without an e-mail', () => {
  it('keeps phone-only and in-store customers, merges a repeated source id, rejects a row that says nobody', async () => {
    const { cli } = storeCli();
    const strict = await cli('import', fixture('shopify-no-email.csv'));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`line 7, column "Customer ID", value "7100000000005": the row has no e-mail, phone, first name, last name or company`);
    const r = await cli('import', fixture('shopify-no-email.csv'), '--skip-invalid', '--json');
    expect(json(r)).toMatchObject({ created: 4, duplicates: 1, rejected: 1, written: true });
    const list = json<Customer[]>(await cli('list', '--json', '--fields', 'id,email,name,phone,company,city,source_id'));
    expect(list).toEqual([
      { id: 1, email: 'camille.laurent@example.fr', name: 'Camille Laurent', phone: '+33 6 20 00 00 01', company: null, city: 'Lyon', source_id: '7100000000001' },
      { id: 2, email: null, name: 'Mateo García', phone: '+34 612 000 002', company: null, city: 'Sevilla', source_id: '7100000000002' },
      { id: 3, email: null, name: 'Sanne', phone: '030 200 0003', company: null, city: 'Utrecht', source_id: '7100000000003' },
      { id: 4, email: null, name: null, phone: null, company: 'Bakkerij Vos', city: 'Zwolle', source_id: '7100000000004' },
    ]);
    // Shopify's text mark is taken off codes kept as text, whatever follows it.
    expect(json<Customer>(await cli('show', '4', '--json'))).toMatchObject({ postal_code: '8011 AB' });
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('a row without e-mail finds its customer by source id, in a store that is not empty', async () => {
    const { cli, dir } = storeCli();
    await cli('import', fixture('shopify-no-email.csv'), '--skip-invalid');
    const file = join(dir, 'again.csv');
    writeFileSync(file, 'Customer ID,First Name,Email,Phone\n\'7100000000003,Sanne,,+31 6 2000 0003\n\'7100000000009,Joost,,+31 6 2000 0009\n');
    expect(json(await cli('import', file, '--json'))).toMatchObject({ created: 1, updated: 1, rejected: 0 });
    expect(json<Customer>(await cli('show', '3', '--json'))).toMatchObject({ phone: '+31 6 2000 0003', city: 'Utrecht' });
    // An empty e-mail cell never removes a stored e-mail.
    writeFileSync(file, 'Customer ID,First Name,Email\n\'7100000000001,Camille,\n');
    expect(json(await cli('import', file, '--json'))).toMatchObject({ unchanged: 1 });
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({ email: 'camille.laurent@example.fr' });
  });

  it('a native file finds a customer by id only with its creation time: never another store\'s customer', async () => {
    const a = storeCli();
    const b = storeCli();
    await a.cli('add', '--phone', '+32 470 000001', '--first-name', 'Alice', { now: new Date('2026-03-01T10:00:00Z') });
    await b.cli('add', '--phone', '+49 170 000009', '--first-name', 'Zed', '--note', 'VIP do not lose', { now: new Date('2026-03-02T09:00:00Z') });
    const file = join(a.dir, 'a.csv');
    await a.cli('export', file);
    expect(json(await b.cli('import', file, '--json'))).toMatchObject({ created: 1, updated: 0 });
    expect(json<Customer>(await b.cli('show', '1', '--json'))).toMatchObject({ first_name: 'Zed', note: 'VIP do not lose' });
    // In its own store, an e-mail written into the file reaches the phone-only customer.
    writeFileSync(file, readFileSync(file, 'utf8').replace('1,,Alice', '1,alice@example.com,Alice'));
    expect(json(await a.cli('import', file, '--json'))).toMatchObject({ created: 0, updated: 1 });
    expect(json<Customer>(await a.cli('show', '1', '--json'))).toMatchObject({ email: 'alice@example.com', first_name: 'Alice' });
  });

  it('a native export of customers without e-mail or source id imports back unchanged', async () => {
    const { cli, dir } = storeCli();
    await cli('add', '--phone', '+33 6 00 00 00 01', '--first-name', 'Zoé');
    await cli('add', '--company', 'Atelier Nord');
    const file = join(dir, 'native.csv');
    await cli('export', file);
    expect(json(await cli('import', file, '--json'))).toMatchObject({ created: 0, unchanged: 2, rejected: 0 });
    const again = join(dir, 'again.csv');
    await cli('export', again);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(file, 'utf8'));
  });
});

describe('exporting customers without an e-mail', () => {
  it('platforms that need an e-mail leave them out and say how many; Shopify keeps them', async () => {
    const { cli, dir } = storeCli();
    await cli('import', fixture('shopify-no-email.csv'), '--skip-invalid');
    const ecwid = join(dir, 'ecwid.csv');
    const r = await cli('export', '--preset', 'ecwid', ecwid);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Exported 1 customer to');
    expect(r.stderr).toContain('warning: left out 3 customers without an e-mail address: ecwid requires one (list them with: customers list --no-email).');
    expect(readFileSync(ecwid, 'utf8').trim().split('\r\n')).toHaveLength(2);
    const quiet = await cli('--quiet', 'export', '--preset', 'magento', '-');
    expect(quiet.stderr).toContain('left out 3 customers');
    const shopify = await cli('export', '--preset', 'shopify', '-');
    expect(shopify.stdout.trim().split('\r\n')).toHaveLength(5);
  });

  it('a customer a layout could not name (a company only, in Stripe\'s) is left out, and the file imports back', async () => {
    const { cli, dir } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    await cli('add', '--company', 'Atelier Nord');
    const file = join(dir, 'stripe.csv');
    const r = await cli('export', '--preset', 'stripe', file);
    expect(r.stderr).toContain('Exported 1 customer to');
    expect(r.stderr).toContain('warning: left out 1 customer whose row would name nobody: the stripe layout has no column for what they have (a company only, say).');
    expect(json(await cli('import', file, '--json'))).toMatchObject({ preset: 'stripe', unchanged: 1, rejected: 0 });
  });

  it('Shopify: Phone only when E.164 and unique in the export; the address phone always', async () => {
    const { cli, dir } = storeCli();
    await cli('add', '--email', 'a@example.com', '--phone', '+33 6 12 34 56 78');
    await cli('add', '--email', 'b@example.com', '--phone', '+33612345678');
    await cli('add', '--email', 'c@example.com', '--phone', '06 98 76 54 32');
    await cli('add', '--email', 'd@example.com', '--phone', '+1 (555) 010-0199');
    const file = join(dir, 'shopify.csv');
    await cli('export', '--preset', 'shopify', '--columns', 'Email,Default Address Phone,Phone', file);
    expect(readFileSync(file, 'utf8')).toBe(
      'Email,Default Address Phone,Phone\r\n' +
        'a@example.com,+33 6 12 34 56 78,\r\n' +
        'b@example.com,+33612345678,\r\n' +
        'c@example.com,06 98 76 54 32,\r\n' +
        'd@example.com,+1 (555) 010-0199,+1 (555) 010-0199\r\n',
    );
    // Read back: the customer Phone, else the address phone; nothing changes.
    const full = join(dir, 'full.csv');
    await cli('export', '--preset', 'shopify', full);
    expect(json(await cli('import', full, '--json'))).toMatchObject({ unchanged: 4, updated: 0 });
  });

  it('a Shopify export of customers without e-mail imports back unchanged, and exports byte for byte again', async () => {
    const { cli, dir } = storeCli();
    await cli('import', fixture('shopify-no-email.csv'), '--skip-invalid');
    const first = join(dir, 'first.csv');
    const second = join(dir, 'second.csv');
    await cli('export', '--preset', 'shopify', first);
    expect(json(await cli('import', first, '--json'))).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    await cli('export', '--preset', 'shopify', second);
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
  });
});

describe('login links for customers without an e-mail', () => {
  it('issue works; --send skips them and says so; a customer alone is an error', async () => {
    const smtp = await startSmtp();
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--tag', 'x');
    await cli('add', '--phone', '+32 470 00 00 03', '--tag', 'x');
    await cli('config', 'set', 'mail.smtp_url', smtp.url);
    await cli('config', 'set', 'mail.from', 'shop@example.com');
    const plain = await cli('login-link', 'issue', '2', '--url', 'https://shop.example.com/login?t={token}&e={email}');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^https:\/\/shop\.example\.com\/login\?t=[A-Za-z0-9_]\S*&e=\n$/);
    await cli('config', 'set', 'store.login_url', 'https://shop.example.com/login?t={token}');
    const alone = await cli('login-link', 'issue', '2', '--send');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('the customer has no e-mail address: no link can be e-mailed');
    const tagged = await cli('login-link', 'issue', '--tag', 'x', '--send', '--yes');
    expect(tagged.code).toBe(0);
    expect(tagged.stderr).toContain('1 customer without an e-mail address got no link (to give them one: the same command with --no-email instead of --send).');
    expect(smtp.messages).toHaveLength(1);
    // Following the hint leaves the link just e-mailed usable.
    const theirs = await cli('login-link', 'issue', '--tag', 'x', '--no-email', '--yes');
    expect(theirs.code).toBe(0);
    expect(json<Record<string, unknown>[]>(await cli('login-link', 'list', 'a@example.com', '--json')).map((l) => l.status)).toContain('active');
  });
});

describe('upgrading a store whose customers all had an e-mail', () => {
  it('makes the e-mail optional and keeps every customer, tag, link, id and the id sequence', async () => {
    const { cli, db } = storeCli();
    const raw = new Database(db);
    for (const sql of MIGRATIONS.slice(0, 4)) raw.exec(sql);
    raw.pragma('user_version = 4');
    raw.pragma('application_id = 0x43555354');
    const insert = raw.prepare("INSERT INTO customers (id, email, first_name, created_at, updated_at, source_id) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?)");
    insert.run(1, 'a@example.com', 'Ann', null);
    insert.run(7, 'b@example.com', 'Bo', 'S-7');
    raw.exec("INSERT INTO customer_tags VALUES (7, 'vip'); DELETE FROM customers WHERE id = 99; UPDATE sqlite_sequence SET seq = 12 WHERE name = 'customers'");
    raw.exec("INSERT INTO customers_search (rowid, name, email, phone, company) SELECT id, first_name, email, '', '' FROM customers");
    raw.exec("INSERT INTO login_links (customer_id, token_hash, created_at, expires_at) VALUES (7, 'h', '2026-01-01T00:00:00Z', '2026-12-01T00:00:00Z')");
    raw.close();
    const added = json<Customer>(await cli('add', '--phone', '+32 470 00 00 04', '--json'));
    expect(added).toMatchObject({ id: 13, email: null });
    expect(json<Customer[]>(await cli('list', '--json', '--fields', 'id,email,tags,source_id'))).toEqual([
      { id: 1, email: 'a@example.com', tags: [], source_id: null },
      { id: 7, email: 'b@example.com', tags: ['vip'], source_id: 'S-7' },
      { id: 13, email: null, tags: [], source_id: null },
    ]);
    expect((await cli('login-link', 'list', 'b@example.com', '--format', 'count')).stdout).toBe('1\n');
    // Migration 8: a customer who had a login link had an account; the others are contacts.
    expect((await cli('list', '--has-account', '--format', 'ids')).stdout).toBe('7\n13\n');
    expect((await cli('list', '--source-id', 'S-7', '--format', 'ids')).stdout).toBe('7\n');
    // Migration 9 built the search index again (it keeps which customers hold a trigram, not where).
    expect((await cli('search', 'b@exa', '--format', 'ids')).stdout).toBe('7\n');
    expect((await cli('search', 'ann', '--format', 'ids')).stdout).toBe('1\n');
    const check = await cli('db', 'check');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const after = new Database(db, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL ORDER BY name").pluck().all())
      .toEqual(['customers_country', 'customers_created_at', 'customers_first_order', 'customers_group', 'customers_last_order', 'customers_orders',
        'customers_source_id', 'customers_spent']);
    after.close();
  });
});
