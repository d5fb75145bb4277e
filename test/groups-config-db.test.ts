import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/store/migrations.js';
import { json, runCli, storeCli, tempDir } from './helpers/run-cli.js';

describe('groups', () => {
  it('lists groups with member counts', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'Wholesale');
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'a@example.com', '--group', 'VIP');
    expect(json(await cli('groups', 'list', '--json'))).toEqual([
      { name: 'VIP', customers: 1, created_at: '2026-03-01T10:00:00Z' },
      { name: 'Wholesale', customers: 0, created_at: '2026-03-01T10:00:00Z' },
    ]);
    expect((await cli('groups', 'list')).stdout).toBe('name\tcustomers\tcreated_at\nVIP\t1\t2026-03-01T10:00:00Z\nWholesale\t0\t2026-03-01T10:00:00Z\n');
  });

  it('keeps names unique ignoring case', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'VIP');
    const r = await cli('groups', 'create', 'vip');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a group named "VIP" already exists');
    const empty = await cli('groups', 'create', '  ');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('a group name cannot be empty');
  });

  it('renames, keeping members; a change of case is allowed, a clash is not', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'vip');
    await cli('groups', 'create', 'Retail');
    await cli('add', '--email', 'a@example.com', '--group', 'vip');
    expect((await cli('groups', 'rename', 'vip', 'VIP')).stderr).toBe('Renamed group "vip" to "VIP".\n');
    expect((await cli('groups', 'rename', 'VIP', 'retail')).stderr).toContain('a group named "Retail" already exists');
    await cli('groups', 'rename', 'VIP', 'Gold');
    expect(json<{ group: string }>(await cli('show', '1', '--json')).group).toBe('Gold');
    expect((await cli('groups', 'rename', 'Nope', 'X')).stderr).toContain('Existing groups: Gold, Retail.');
  });

  it('deletes a group after confirmation; members stay, without a group', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'a@example.com', '--group', 'VIP');
    const refused = await cli('groups', 'delete', 'VIP');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes');
    const r = await cli('groups', 'delete', 'vip', '--yes', { now: new Date('2026-06-01T00:00:00Z') });
    expect(r.stderr).toBe('Deleted group "VIP"; 1 customer now has no group.\n');
    expect(json(await cli('show', 'a@example.com', '--json'))).toMatchObject({ group: null, updated_at: '2026-06-01T00:00:00Z' });
    expect(json(await cli('groups', 'list', '--json'))).toEqual([]);
  });
});

describe('global options', () => {
  it('--quiet silences messages, before or after the command name', async () => {
    const { db } = storeCli();
    expect(await runCli(['--quiet', '--db', db, 'groups', 'create', 'A'])).toMatchObject({ code: 0, stderr: '' });
    expect(await runCli(['groups', 'create', 'B', '--db', db, '-q'])).toMatchObject({ code: 0, stderr: '' });
    expect((await runCli(['groups', 'list', '--db', db])).stdout).toContain('B\t0\t');
    // Errors are still said.
    expect((await runCli(['--quiet', '--db', db, 'groups', 'create', 'a'])).stderr).toContain('already exists');
  });
});

describe('config', () => {
  it('sets, gets, lists and unsets settings, checking values', async () => {
    const { cli } = storeCli();
    expect((await cli('config', 'set', 'store.name', 'Chez Hélène')).code).toBe(0);
    await cli('config', 'set', 'store.currency', 'eur');
    await cli('config', 'set', 'store.login_url', 'https://shop.example.com/login?key={token}');
    await cli('config', 'set', 'mail.from', 'Shop <Hello@Shop.example>');
    expect((await cli('config', 'get', 'store.currency')).stdout).toBe('EUR\n');
    expect((await cli('config', 'get', 'mail.from')).stdout).toBe('Shop <hello@shop.example>\n');
    const list = json<{ key: string; value: string | null }[]>(await cli('config', 'list', '--json', '--fields', 'key,value'));
    expect(list).toContainEqual({ key: 'store.name', value: 'Chez Hélène' });
    expect(list).toContainEqual({ key: 'mail.smtp_url', value: null });
    expect((await cli('config', 'unset', 'store.name')).stderr).toBe('Removed store.name.\n');
    const unset = await cli('config', 'get', 'store.name');
    expect(unset).toMatchObject({ code: 1, stdout: '' });
    expect(unset.stderr).toContain('store.name is not set');
  });

  it.each([
    [['store.login_url', 'http://shop.example.com/?k={token}'], 'must use https'],
    [['store.login_url', 'https://shop.example.com/login'], 'has no {token} placeholder'],
    [['store.currency', 'euro'], 'not an ISO 4217 currency code'],
    [['mail.smtp_url', 'mail.example.com'], 'not a usable SMTP URL'],
    [['mail.from', 'nobody'], 'not a valid e-mail address'],
    [['store.colour', 'blue'], 'unknown setting "store.colour"'],
  ])('refuses %j with exit 2 and creates no store', async (args, message) => {
    const { cli, db } = storeCli();
    const r = await cli('config', 'set', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(db)).toBe(false);
  });

  it('never shows the SMTP password, except to config get --reveal (issue 9, point 6)', async () => {
    const { cli } = storeCli();
    const set = await cli('config', 'set', 'mail.smtp_url', 'smtp://user:secret@mail.example.com:587');
    expect(set).toMatchObject({ code: 0, stdout: '' });
    expect(set.stderr).toContain('\nmail.smtp_url = smtp://user:***@mail.example.com:587 (config get mail.smtp_url --reveal shows the password)\n');
    expect(set.stderr).not.toContain('secret');
    expect((await cli('config', 'get', 'mail.smtp_url')).stdout).toBe('smtp://user:***@mail.example.com:587\n');
    expect((await cli('config', 'get', 'mail.smtp_url', '--reveal')).stdout).toBe('smtp://user:secret@mail.example.com:587\n');
    expect((await cli('config', 'get', 'store.name', '--reveal')).code).toBe(1);
    const list = json<{ key: string; value: string | null }[]>(await cli('config', 'list', '--json', '--fields', 'key,value'));
    expect(list).toContainEqual({ key: 'mail.smtp_url', value: 'smtp://user:***@mail.example.com:587' });
    for (const format of ['tsv', 'csv', 'table', 'jsonl']) expect((await cli('config', 'list', '--format', format)).stdout).not.toContain('secret');
    const bad = await cli('config', 'set', 'mail.smtp_url', 'smtp://user:secret@mail.example.com:99999');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"smtp://user:***@mail.example.com:99999" is not a usable SMTP URL');
    expect(bad.stderr).not.toContain('secret');
    expect((await cli('config', 'get', 'mail.smtp_url', '--reveal')).stdout).toBe('smtp://user:secret@mail.example.com:587\n');
  });

  it('accepts a plain-http login URL for localhost', async () => {
    const { cli } = storeCli();
    expect((await cli('config', 'set', 'store.login_url', 'http://localhost:3000/login?key={token}&u={email}')).code).toBe(0);
  });
});

describe('the store', () => {
  it('is found by --db, then CUSTOMERS_DB, then XDG_DATA_HOME, then ~/.local/share', async () => {
    const env = { CUSTOMERS_DB: '/tmp/from-env.db', XDG_DATA_HOME: '/tmp/xdg', HOME: '/home/merchant' };
    expect((await runCli(['db', 'path', '--db', 'rel/flag.db'], { env })).stdout).toBe(`${join(process.cwd(), 'rel/flag.db')}\n`);
    expect((await runCli(['db', 'path'], { env })).stdout).toBe('/tmp/from-env.db\n');
    expect((await runCli(['db', 'path'], { env: { ...env, CUSTOMERS_DB: undefined } })).stdout).toBe('/tmp/xdg/customers/customers.db\n');
    expect((await runCli(['db', 'path'], { env: { HOME: '/home/merchant' } })).stdout).toBe('/home/merchant/.local/share/customers/customers.db\n');
    // A relative XDG_DATA_HOME is ignored (the XDG specification says so); an empty --db is refused.
    expect((await runCli(['db', 'path'], { env: { HOME: '/home/merchant', XDG_DATA_HOME: 'rel' } })).stdout).toBe('/home/merchant/.local/share/customers/customers.db\n');
    const empty = await runCli(['list', '--db', ''], { env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("the store path is empty (--db '')");
  });

  it('creates its folder and file on first write, in WAL mode', async () => {
    const dir = tempDir();
    const xdg = join(dir, 'data');
    const r = await runCli(['groups', 'create', 'VIP'], { env: { XDG_DATA_HOME: xdg } });
    expect(r.code).toBe(0);
    const file = join(xdg, 'customers', 'customers.db');
    expect(r.stderr).toContain(`Created a new store at ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a file that is not SQLite, and another program\'s database, without touching them', async () => {
    const dir = tempDir();
    const text = join(dir, 'notes.db');
    writeFileSync(text, 'just some text, not a database\n'.repeat(10));
    const r = await runCli(['--db', text, 'add', '--email', 'a@example.com']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${text} is not a customers store: it is not an SQLite database`);
    expect(readFileSync(text, 'utf8')).toBe('just some text, not a database\n'.repeat(10));

    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    const before = readFileSync(other);
    const r2 = await runCli(['--db', other, 'list']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('is an SQLite database of another program, not a customers store');
    expect(readFileSync(other)).toEqual(before);
  });

  it('migrates a store written by an older version when it opens it', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const raw = new Database(db);
    // As schema 1 was: no login links, no SMS consent, no source id, no history, no orders or accounts.
    raw.exec('DROP TRIGGER customers_account_closed; DROP TABLE history_orders; DROP TABLE orders; DROP INDEX customers_orders');
    raw.exec('DROP INDEX customers_spent; DROP INDEX customers_first_order; DROP INDEX customers_last_order');
    for (const c of ['first_order_at', 'last_order_at', 'ledger_orders', 'ledger_spent_minor', 'ledger_first_at', 'ledger_last_at', 'has_account', 'last_login_at']) {
      raw.exec(`ALTER TABLE customers DROP COLUMN ${c}`);
    }
    raw.exec('CREATE INDEX customers_order_count ON customers (order_count)');
    raw.exec('DROP TABLE login_links');
    raw.exec('ALTER TABLE customers DROP COLUMN accepts_sms_marketing');
    raw.exec('DROP INDEX customers_source_id');
    raw.exec('ALTER TABLE customers DROP COLUMN source_id');
    raw.exec('ALTER TABLE customers DROP COLUMN source');
    raw.exec('DROP TABLE history_customers; DROP TABLE history_created; DROP TABLE history_groups; DROP TABLE history_settings; DROP TABLE history');
    raw.pragma('user_version = 1');
    raw.close();
    expect((await cli('login-link', 'list', '--format', 'count')).stdout).toBe('0\n');
    const after = new Database(db, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    after.close();
    expect(json(await cli('show', '1', '--json'))).toMatchObject({ email: 'a@example.com', accepts_sms_marketing: false, source_id: null, has_account: false, order_count: 0 });
  });

  it('refuses a store written by a newer version, unchanged', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const raw = new Database(db);
    raw.pragma('user_version = 99');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = readFileSync(db);
    const r = await cli('add', '--email', 'b@example.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`was written by a newer version of customers (schema 99; this version reads up to ${SCHEMA_VERSION})`);
    expect(r.stderr).toContain('Upgrade customers');
    expect(readFileSync(db)).toEqual(before);
  });
});

describe('settings with control characters', () => {
  it('are refused, so that no setting carries an escape sequence into a terminal or an e-mail', async () => {
    const { cli } = storeCli();
    const name = await cli('config', 'set', 'store.name', 'Shop\u001b[2J');
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('\\x1b');
    expect(name.stderr).not.toContain('\u001b');
    expect((await cli('config', 'set', 'store.name', 'Shop\nBcc: x')).code).toBe(2);
    expect((await cli('config', 'set', 'store.login_url', 'https://shop.example.com/l?key={token}&x=\u001b]0;T')).code).toBe(2);
    expect((await cli('config', 'get', 'store.name')).stdout).toBe('');
  });
});

describe('db check and backup', () => {
  it('reports a sound store, and the broken invariants of a tampered one', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    expect((await cli('db', 'check')).stdout).toBe('ok: 1 customer, no problems found\n');
    const raw = new Database(db);
    raw.exec("UPDATE customers SET email = ' A@Example.com', country = 'fr', city = ''");
    raw.exec("INSERT INTO customers_search (customers_search) VALUES ('delete-all')");
    raw.close();
    const r = await cli('db', 'check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has 4 problems');
    expect(r.stderr).toContain('1 empty text stored instead of no value');
    expect(r.stderr).toContain('1 e-mail addresses not trimmed and lower-cased');
    expect(r.stderr).toContain('1 country codes that are not two upper-case letters');
    expect(r.stderr).toContain('the search index has 0 entries for 1 customers (customers db reindex rebuilds it)');
    expect((await cli('search', 'ann', '--format', 'count')).stdout).toBe('0\n');
    expect((await cli('db', 'reindex')).stderr).toBe('Rebuilt the search index of 1 customer.\n');
    expect((await cli('search', 'ann', '--format', 'ids')).stdout).toBe('1\n');
  });

  it('finds a search index that holds customers otherwise than the table (a racing writer, a write around it)', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'alpha@example.com', '--first-name', 'Alpha15000');
    await cli('add', '--email', 'bravo@example.com', '--first-name', 'Bravo15000');
    expect((await cli('db', 'check')).code).toBe(0);
    const raw = new Database(db);
    raw.exec("UPDATE customers SET first_name = CASE id WHEN 1 THEN 'Bravo15000' ELSE 'Alpha15000' END");
    raw.close();
    // A search checks the rows the index gives it: a stale index misses customers, never shows the wrong ones.
    expect((await cli('search', 'Alpha15000', '--format', 'ids')).stdout).toBe('');
    const r = await cli('db', 'check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the search index holds 2 customers otherwise than the table says (customers db reindex rebuilds it)');
    await cli('db', 'reindex');
    expect((await cli('db', 'check')).code).toBe(0);
    expect((await cli('search', 'Alpha15000', '--format', 'ids')).stdout).toBe('2\n');
  });

  it('writes a consistent copy with mode 0600, and never over an existing file', async () => {
    const { cli, dir } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const copy = join(dir, 'copy.db');
    expect((await cli('db', 'backup', copy)).code).toBe(0);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect((await runCli(['--db', copy, 'list', '--format', 'ids'])).stdout).toBe('1\n');
    const again = await cli('db', 'backup', copy);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });
});
