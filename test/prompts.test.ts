/** Prompt flows through a real pseudo-terminal. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY, startPty } from './helpers/pty.js';
import { json, runCli, tempDir } from './helpers/run-cli.js';

function store() {
  const db = join(tempDir(), 'store.db');
  return { db, cli: (...args: string[]) => runCli(['--db', db, ...args]) };
}

describe('on a terminal', () => {
  it('add asks for the e-mail (again when invalid) and the names', async () => {
    const { db, cli } = store();
    const s = startPty(['--db', db, 'add']);
    await s.waitFor('E-mail');
    s.type('not-an-email' + KEY.enter);
    await s.waitFor('Enter an e-mail address such as name@example.com');
    for (let i = 0; i < 'not-an-email'.length; i++) s.type(KEY.backspace);
    s.type('Zoë@Example.com' + KEY.enter);
    await s.waitFor('First name');
    s.type('Zoë' + KEY.enter);
    await s.waitFor('Last name');
    s.type('Åberg' + KEY.enter);
    expect(await s.exit).toBe(0);
    expect(s.output()).toMatch(/\nemail +zoë@example\.com\r?\n/);
    expect(json(await cli('show', '1', '--json'))).toMatchObject({ email: 'zoë@example.com', first_name: 'Zoë', last_name: 'Åberg' });
  });

  it('edit with no flags opens a prefilled form and changes only what was changed', async () => {
    const { db, cli } = store();
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'ann@example.com', '--first-name', 'Ann', '--phone', '0470 11 22 33', '--company', 'ACME');
    const s = startPty(['--db', db, 'edit', 'ann@example.com']);
    await s.waitFor('E-mail (ann@example.com)');
    s.type(KEY.enter);
    await s.waitFor('First name (Ann)');
    s.type(KEY.enter);
    await s.waitFor('Last name');
    s.type(KEY.enter);
    await s.waitFor('Phone (0470 11 22 33)');
    s.type('+32 470 11 22 33' + KEY.enter);
    for (const label of ['Company', 'Tax id', 'Language', 'Note', 'Street', 'Street, line 2', 'City', 'Region', 'Postal code', 'Country']) {
      await s.waitFor(`${label}`);
      s.type(label === 'Country' ? 'be' + KEY.enter : label === 'Company' ? '-' + KEY.enter : KEY.enter);
    }
    await s.waitFor('(no group)');
    s.type(KEY.down + KEY.enter);
    await s.waitFor('Tax-exempt?');
    s.type('y' + KEY.enter);
    await s.waitFor('Accepts marketing e-mails?');
    s.type(KEY.enter);
    await s.waitFor('Accepts marketing SMS?');
    s.type('y' + KEY.enter);
    await s.waitFor('Tags (comma-separated)');
    s.type('b2b, vip' + KEY.enter);
    expect(await s.exit).toBe(0);
    expect(s.output()).toContain('Editing customer 1. Enter keeps a value; - clears it.');
    expect(s.output()).toContain('Changed phone, company, country, group, tax_exempt, accepts_sms_marketing, tags.');
    expect(json(await cli('show', '1', '--json'))).toMatchObject({
      first_name: 'Ann', phone: '+32 470 11 22 33', company: null, country: 'BE', group: 'VIP', tax_exempt: true, accepts_marketing: false, accepts_sms_marketing: true, tags: ['b2b', 'vip'],
    });
  });

  it('delete asks naming the customers; declining exits 130 and deletes nothing', async () => {
    const { db, cli } = store();
    await cli('add', '--email', 'a@example.com', '--country', 'BE');
    await cli('add', '--email', 'b@example.com', '--country', 'BE');
    const s = startPty(['--db', db, 'delete', '--country', 'BE']);
    await s.waitFor('Delete 2 customers (1, a@example.com; 2, b@example.com)?');
    s.type('n' + KEY.enter);
    expect(await s.exit).toBe(130);
    expect((await cli('list', '--format', 'count')).stdout).toBe('2\n');

    const yes = startPty(['--db', db, 'delete', '--country', 'BE']);
    await yes.waitFor('Delete 2 customers (1, a@example.com; 2, b@example.com)?');
    yes.type('y' + KEY.enter);
    expect(await yes.exit).toBe(0);
    expect((await cli('list', '--format', 'count')).stdout).toBe('0\n');
  });

  it('Ctrl-C in a prompt exits 130 and writes nothing', async () => {
    const { db } = store();
    const s = startPty(['--db', db, 'add']);
    await s.waitFor('E-mail');
    s.type('half@exam');
    s.type(KEY.ctrlC);
    expect(await s.exit).toBe(130);
    const list = await runCli(['--db', db, 'list', '--format', 'count']);
    expect(list.stderr).toContain('no store at');
  });

  it('--no-input refuses to prompt even on a terminal', async () => {
    const { db } = store();
    const s = startPty(['--db', db, '--no-input', 'add']);
    expect(await s.exit).toBe(2);
    expect(s.output()).toContain('pass --email (or --phone, --first-name, --last-name or --company) (--no-input was given)');
  });
});
