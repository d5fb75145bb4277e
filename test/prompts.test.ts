/** Prompt flows through a real pseudo-terminal. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY, type PtySession, startPty } from './helpers/pty.js';
import { json, runCli, tempDir } from './helpers/run-cli.js';

function store() {
  const db = join(tempDir(), 'store.db');
  return { db, cli: (...args: string[]) => runCli(['--db', db, ...args]) };
}

/** Waits for each prompt in turn and types its keys. */
async function answer(s: PtySession, steps: [string, string][]): Promise<void> {
  for (const [prompt, keys] of steps) {
    await s.waitFor(prompt);
    s.type(keys);
  }
}

describe('on a terminal', () => {
  // The form's fields, in the order of its checklist (the first, the e-mail, is where the cursor starts).
  const EDIT_ORDER = ['email', 'first_name', 'last_name', 'phone', 'company', 'tax_id', 'lang', 'note', 'street', 'street2', 'city', 'region',
    'postal_code', 'country', 'group', 'tax_exempt', 'accepts_marketing', 'accepts_sms_marketing', 'tags'];
  /** Keys that tick the named fields of a checklist whose fields are `order`, from the top, and end it. */
  const tick = (order: string[], names: string[]) => {
    let keys = '';
    let at = 0;
    for (const name of names) {
      const to = order.indexOf(name);
      keys += KEY.down.repeat(to - at) + ' ';
      at = to;
    }
    return keys + KEY.enter;
  };
  const NOTE = 'Prefers deliveries after 18:00 on weekdays; the gate code changes monthly, so call ahead. Invoices go to the accounts department, not to her.';

  it.each([80, 200])('edit with no flags at %i columns: tick fields, answer only those, review, save', async (cols) => {
    const { db, cli } = store();
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'ann@example.com', '--first-name', 'Ann', '--phone', '0470 11 22 33', '--company', 'ACME', '--note', NOTE);
    const s = startPty(['--db', db, 'edit', 'ann@example.com'], {}, cols);
    await s.waitFor('which fields to change?');
    await s.waitFor('Tags: (empty)');
    // Each field with its value, cut to the terminal's width (the note only at 80 columns).
    const noteLine = s.output().split(/\r?\n/).find((l) => l.includes('Note: '))!;
    expect(noteLine.length).toBeLessThanOrEqual(cols);
    expect(noteLine.includes('…')).toBe(cols === 80);
    expect(s.output()).toContain('Phone: 0470 11 22 33');
    s.type(tick(EDIT_ORDER, ['phone', 'company', 'country', 'group', 'tax_exempt']));
    await answer(s, [
      ['Phone (0470 11 22 33)', '+32 470 11 22 33' + KEY.enter],
      ['Company (ACME)', '-' + KEY.enter],
      ['Country (ISO code', 'be' + KEY.enter],
      ['(no group)', KEY.down + KEY.enter],
      ['Tax-exempt?', 'y' + KEY.enter],
    ]);
    await s.waitFor('Save these changes?');
    for (const line of ['phone: 0470 11 22 33 → +32 470 11 22 33', 'company: ACME → (empty)', 'country: (empty) → BE', 'group: (empty) → VIP', 'tax_exempt: no → yes']) {
      expect(s.output()).toContain(line);
    }
    expect(s.output()).not.toContain('? First name');
    s.type(KEY.enter);
    expect(await s.exit).toBe(0);
    expect(s.output()).toContain('Changed phone, company, country, group, tax_exempt.');
    expect(json(await cli('show', '1', '--json'))).toMatchObject({
      first_name: 'Ann', phone: '+32 470 11 22 33', company: null, country: 'BE', group: 'VIP', tax_exempt: true, note: NOTE,
    });
  });

  it('edit form: a stored value with control characters is shown escaped, never sent raw, and Enter keeps it', async () => {
    const { db, cli } = store();
    await cli('add', '--email', 'ann@example.com', '--last-name', 'Smith');
    // Written by another program: the CLI refuses control characters in every way in.
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db);
    raw.prepare("UPDATE customers SET last_name = char(27) || ']0;pwned' || char(7) || 'Smith' WHERE id = 1").run();
    raw.close();
    const s = startPty(['--db', db, 'edit', '1'], {}, 80);
    await s.waitFor('which fields to change?');
    s.type(tick(EDIT_ORDER, ['last_name']));
    await s.waitFor('Enter keeps it)');
    expect(s.output()).toContain('(now \\x1b]0;pwned\\x07Smith; Enter keeps it)');
    s.type(KEY.enter);
    await s.waitFor('Nothing changed.');
    expect(await s.exit).toBe(0);
    expect(s.output()).not.toContain('\u001b]0;pwned');
  });

  it.each([
    ['Ctrl-C', KEY.ctrlC],
    ['no', 'n' + KEY.enter],
  ])('edit form: %s at the review exits 130 and changes nothing', async (_, keys) => {
    const { db, cli } = store();
    await cli('add', '--email', 'ann@example.com', '--tag', 'b2b');
    const before = (await cli('show', '1', '--json')).stdout;
    const s = startPty(['--db', db, 'edit', '1'], {}, 200);
    await answer(s, [
      ['which fields to change?', tick(EDIT_ORDER, ['accepts_marketing', 'tags'])],
      ['Accepts marketing e-mails?', 'y' + KEY.enter],
      ['Tags (comma-separated) (b2b)', 'b2b, vip' + KEY.enter],
    ]);
    await s.waitFor('Save these changes?');
    expect(s.output()).toContain('tags: b2b → b2b, vip');
    s.type(keys);
    expect(await s.exit).toBe(130);
    expect(s.output()).toContain('cancelled; nothing was changed');
    expect((await cli('show', '1', '--json')).stdout).toBe(before);
  });

  it('edit form: nothing ticked is "Nothing changed." and exit 0', async () => {
    const { db, cli } = store();
    await cli('add', '--email', 'ann@example.com');
    const s = startPty(['--db', db, 'edit', '1']);
    await s.waitFor('which fields to change?');
    s.type(KEY.enter);
    expect(await s.exit).toBe(0);
    expect(s.output()).toContain('Nothing changed.');
    expect(json<unknown[]>(await cli('history', '--json'))).toHaveLength(1);
  });

  const ADD_ORDER = EDIT_ORDER.slice(1);

  it.each([80, 200])('add with no flags at %i columns: e-mail (checked), fields ticked, a new group, review, add', async (cols) => {
    const { db, cli } = store();
    const s = startPty(['--db', db, 'add'], {}, cols);
    await answer(s, [
      ['E-mail', 'not-an-email' + KEY.enter],
      ['Enter an e-mail address such as name@example.com', KEY.backspace.repeat('not-an-email'.length) + 'Zoë@Example.com' + KEY.enter],
      ['Which other fields to fill?', tick(ADD_ORDER, ['first_name', 'last_name', 'group'])],
      ['? First name', 'Zoë' + KEY.enter],
      ['? Last name', 'Åberg' + KEY.enter],
      ['(a new group)', KEY.down + KEY.enter],
      ['Name of the new group', 'VIP' + KEY.enter],
    ]);
    await s.waitFor('Add this customer?');
    for (const line of ['email: zoë@example.com', 'first_name: Zoë', 'last_name: Åberg', 'group: VIP']) expect(s.output()).toContain(line);
    s.type(KEY.enter);
    expect(await s.exit).toBe(0);
    expect(s.output()).toContain('Created group "VIP".');
    expect(json(await cli('show', '1', '--json'))).toMatchObject({ email: 'zoë@example.com', first_name: 'Zoë', last_name: 'Åberg', group: 'VIP' });
  });

  it('add form without an e-mail asks for a field that says who the customer is', async () => {
    const { db, cli } = store();
    const s = startPty(['--db', db, 'add', '--tag', 'b2b']);
    await answer(s, [
      ['E-mail', KEY.enter],
      ['Which other fields to fill?', KEY.enter],
      ['Without an e-mail, tick a name, the phone or the company', tick(ADD_ORDER, ['company'])],
      ['? Company', 'ACME' + KEY.enter],
    ]);
    await s.waitFor('Add this customer?');
    expect(s.output()).toContain('tags: b2b');
    s.type('y' + KEY.enter);
    expect(await s.exit).toBe(0);
    expect(json(await cli('show', '1', '--json'))).toMatchObject({ email: null, company: 'ACME', tags: ['b2b'] });
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
