/** Values the store must refuse or bring to one form (issue 9: control characters, dates, durations, Unicode). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, runCli, storeCli, tempDir } from './helpers/run-cli.js';

type Customer = Record<string, unknown>;

/** Imports a native CSV file with this content into a fresh store. */
async function importNative(content: string) {
  const s = storeCli();
  const file = join(s.dir, 'customers.csv');
  writeFileSync(file, content);
  return { ...s, r: await s.cli('import', file, '--preset', 'native') };
}

describe('control characters (issue 9, point 11)', () => {
  it('a tag holding U+001F is refused, named with the character escaped', async () => {
    const { cli } = storeCli();
    const r = await cli('add', '--email', 'a@example.com', '--tag', 'alpha\u001fbeta');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tag "alpha\\x1fbeta" contains the control character \\x1f');
    expect(r.stderr).not.toContain('\u001f');
    expect((await cli('edit', 'a@example.com', '--add-tag', 'x\u0007')).code).toBe(2);
  });

  it('a tag with a control character that an older store holds can still be found and removed', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'a@example.com', '--tag', 'keep');
    // Written as a store from before this rule could hold them.
    const plantTag = (tag: string) => {
      const raw = new Database(db);
      raw.prepare('INSERT INTO customer_tags (customer_id, tag) VALUES (1, ?)').run(tag);
      raw.close();
    };
    plantTag('alpha\u001fbeta');
    expect((await cli('list', '--tag', 'alpha\u001fbeta', '--format', 'ids')).stdout).toBe('1\n');
    expect((await cli('edit', 'a@example.com', '--remove-tag', 'alpha\u001fbeta')).code).toBe(0);
    expect(json<Customer>(await cli('show', '1', '--json')).tags).toEqual(['keep']);
    plantTag('x\u0007');
    expect((await cli('update', '1', '--remove-tag', 'x\u0007')).code).toBe(0);
    expect(json<Customer>(await cli('show', '1', '--json')).tags).toEqual(['keep']);
  });

  it('an import cell "a<U+001F>b, c" rejects the row instead of making three tags', async () => {
    const { cli, r } = await importNative('email,tags\na@example.com,"a\u001fb, c"\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tag "a\\x1fb" contains the control character \\x1f');
    expect(r.stderr).not.toContain('\u001f');
    expect(json<Customer[]>(await cli('list', '--json'))).toEqual([]);
  });

  it('group names and one-line text fields refuse control characters; a note keeps line breaks only', async () => {
    const { cli } = storeCli();
    const group = await cli('groups', 'create', 'VIP\u001b[31m');
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('the group name "VIP\\x1b[31m" contains the control character \\x1b');
    const name = await cli('add', '--email', 'a@example.com', '--first-name', 'Ann\u0000e');
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('first name "Ann\\x00e" contains the control character \\x00');
    expect(name.stderr).not.toContain('\u0000');
    const tab = await cli('add', '--email', 'a@example.com', '--note', 'call\tafter 5pm');
    expect(tab.code).toBe(2);
    expect(tab.stderr).toContain('note "call\\tafter 5pm" contains the control character \\t (line breaks are the only ones allowed)');
    expect((await cli('add', '--email', 'a@example.com', '--note', 'call\r\nafter 5pm')).code).toBe(0);
    expect(json<Customer>(await cli('show', 'a@example.com', '--json')).note).toBe('call\r\nafter 5pm');
  });
});

describe('text that reorders itself on a terminal (issue 9, point 9)', () => {
  it('a bidirectional override in a name is stored as given and shown escaped in tables', async () => {
    const { cli } = storeCli();
    // Shown raw, "\u202e" makes "Ann<RLO>gpj.exe" read as "Annexe.jpg".
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann\u202egpj.exe', '--company', 'Isolated\u2066 Ltd');
    const atTerminal = { tty: true, env: { NO_COLOR: '1' } };
    const table = (await cli('list', '--fields', 'first_name,company', atTerminal)).stdout;
    expect(table).toContain('Ann\\u202egpj.exe');
    expect(table).toContain('Isolated\\u2066 Ltd');
    expect((await cli('show', 'a@example.com', atTerminal)).stdout).toContain('Ann\\u202egpj.exe');
    expect(json<Customer>(await cli('show', 'a@example.com', '--json')).first_name).toBe('Ann\u202egpj.exe');
  });
});

describe('file names in messages (issue 9, point 9)', () => {
  it('a store, export or backup path holding terminal escapes is shown escaped', async () => {
    const dir = tempDir();
    const db = join(dir, 'x\u001b]0;PWN\u0007.db');
    const created = await runCli(['--db', db, 'add', '--email', 'a@example.com']);
    expect(created.stderr).toBe(`Created a new store at ${join(dir, 'x\\x1b]0;PWN\\x07.db')}\n`);
    const exported = await runCli(['--db', db, 'export', join(dir, 'o\u001b[2J.csv')]);
    expect(exported.stderr).toContain(`to ${join(dir, 'o\\x1b[2J.csv')}`);
    const backup = await runCli(['--db', db, 'db', 'backup', join(dir, 'b\u001b[2J.db')]);
    expect(backup.stderr).toContain(`to ${join(dir, 'b\\x1b[2J.db')}`);
    for (const r of [created, exported, backup]) expect(r.stderr).not.toContain('\u001b');
  });
});

describe('dates and durations stay within 1970-9999 (issue 9, point 12)', () => {
  it('an imported created_at that is past 9999 or before 1970 in UTC is rejected, naming the value', async () => {
    const { r } = await importNative('email,created_at\na@example.com,9999-12-31T23:59:59-01:00\nb@example.com,1970-01-01T00:30:00+01:00\nc@example.com,9999-12-31T23:59:59Z\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"9999-12-31T23:59:59-01:00" is +010000-01-01T00:59:59Z in UTC, outside the years 1970 to 9999');
    expect(r.stderr).toContain('"1970-01-01T00:30:00+01:00" is 1969-12-31T23:30:00Z in UTC, outside the years 1970 to 9999');
    expect(r.stderr).not.toContain('line 4');
  });

  it('a date filter past 9999 is a usage error', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const r = await cli('list', '--created-before', '9999-12-31T23:59:59-01:00');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('outside the years 1970 to 9999');
  });

  it('--ttl and --older-than longer than 10 years are usage errors, not expired links or "Invalid time value"', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const url = ['--url', 'https://shop.example.com/login?key={token}'];
    for (const ttl of ['3000000d', '99999999d', '3651d', '999999999999999999999s']) {
      const r = await cli('login-link', 'issue', '1', '--ttl', ttl, ...url);
      expect(r.code, ttl).toBe(2);
      expect(r.stderr).toContain(`"${ttl}" is longer than 10 years (3650d)`);
    }
    const purge = await cli('login-link', 'purge', '--older-than', '999999999d');
    expect(purge.code).toBe(2);
    expect(purge.stderr).toContain('"999999999d" is longer than 10 years (3650d)');
    const longest = await cli('login-link', 'issue', '1', '--ttl', '3650d', ...url);
    expect(longest.code).toBe(0);
    expect(longest.stderr).toContain('valid until 2036-02-27T10:00:00Z');
  });
});

describe('Unicode: one form for one value (issue 9, point 18)', () => {
  it('an e-mail typed decomposed (NFD) is valid and stored composed', async () => {
    const { cli } = storeCli();
    const r = await cli('add', '--email', 'he\u0301le\u0300ne@example.fr', '--first-name', 'He\u0301le\u0300ne', '--json');
    expect(json<Customer>(r)).toMatchObject({ email: 'h\u00e9l\u00e8ne@example.fr', first_name: 'H\u00e9l\u00e8ne' });
    expect(json<Customer>(await cli('show', 'h\u00e9l\u00e8ne@example.fr', '--json')).id).toBe(1);
  });

  it('a fullwidth e-mail is the same customer as its ASCII form (NFKC)', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'user@example.com');
    const r = await cli('add', '--email', '\uff55\uff53\uff45\uff52\uff20example.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('user@example.com');
  });

  it('an international domain is stored in one form, and found by either', async () => {
    const { cli } = storeCli();
    expect(json<Customer>(await cli('add', '--email', 'user@xn--bcher-kva.de', '--json')).email).toBe('user@b\u00fccher.de');
    expect((await cli('add', '--email', 'User@B\u00fccher.de')).code).toBe(1);
    expect(json<Customer>(await cli('show', 'user@xn--bcher-kva.de', '--json')).id).toBe(1);
    for (const text of ['b\u00fccher', 'xn--bcher-kva', 'user@xn--bcher-kva.de', 'bucher']) {
      expect((await cli('search', text, '--format', 'ids')).stdout, text).toBe('1\n');
    }
    expect((await cli('add', '--email', 'user@xn--zz.de')).code).toBe(2);
  });

  it('group names compare with full case folding', async () => {
    const { cli } = storeCli();
    expect((await cli('groups', 'create', '\u00c9quipe')).code).toBe(0);
    for (const name of ['\u00e9quipe', 'e\u0301quipe', '\u00c9QUIPE']) {
      const r = await cli('groups', 'create', name);
      expect(r.code, name).toBe(1);
      expect(r.stderr).toContain('a group named "\u00c9quipe" already exists');
    }
    expect((await cli('groups', 'create', 'Stra\u00dfe')).code).toBe(0);
    expect((await cli('groups', 'create', 'STRASSE')).code).toBe(1);
    await cli('add', '--email', 'a@example.com', '--group', 'e\u0301QUIPE');
    expect(json<Customer>(await cli('show', 'a@example.com', '--json')).group).toBe('\u00c9quipe');
    expect(json<{ name: string }[]>(await cli('groups', 'list', '--json')).map((g) => g.name).sort()).toEqual(['Stra\u00dfe', '\u00c9quipe']);
  });
});

describe('tags and group names that look the same (issue 9, point 18)', () => {
  // Each with how a message shows it.
  const invisible = [
    ['\u200b', '\\u200b'], ['\u200c', '\\u200c'], ['\u200d', '\\u200d'], ['\u2060', '\\u2060'], ['\ufeff', '\\ufeff'],
    ['\u00ad', '\\xad'], ['\u202e', '\\u202e'], ['\u2066', '\\u2066'],
  ];

  it('a tag or group name holding a character that shows as nothing is refused, named escaped; names and notes keep them', async () => {
    const { cli, dir } = storeCli();
    expect((await cli('groups', 'create', 'vip')).code).toBe(0);
    for (const [char, escaped] of invisible) {
      const group = await cli('groups', 'create', `vi${char}p`);
      expect(group.code, escaped).toBe(2);
      expect(group.stderr).toContain(`the group name "vi${escaped}p" contains the invisible character ${escaped}`);
      expect(group.stderr).not.toContain(char);
      const tag = await cli('add', '--email', 'a@example.com', '--tag', 'vip', '--tag', `vi${char}p`);
      expect(tag.code, escaped).toBe(2);
      expect(tag.stderr).toContain(`tag "vi${escaped}p" contains the invisible character ${escaped}`);
      expect(tag.stderr).not.toContain(char);
    }
    const file = join(dir, 'tags.csv');
    writeFileSync(file, 'email,tags,group\na@example.com,"vip, vi\u200bp",\nb@example.com,,vi\u200dp\n');
    const imported = await cli('import', file, '--preset', 'native');
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('tag "vi\\u200bp" contains the invisible character \\u200b');
    expect(imported.stderr).toContain('the group name "vi\\u200dp" contains the invisible character \\u200d');
    expect(json<Customer[]>(await cli('list', '--json'))).toEqual([]);
    // Joiners are part of writing in some scripts (Persian "mikhaham" needs the non-joiner).
    const added = await cli('add', '--email', 'a@example.com', '--first-name', '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645', '--note', 'a\u200db', '--json');
    expect(json<Customer>(added)).toMatchObject({ first_name: '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645', note: 'a\u200db' });
  });

  it('a fullwidth tag or group name is the same as its plain form (NFKC, then case folding)', async () => {
    const { cli } = storeCli();
    const fullwidth = '\uff36\uff49\uff50'; // "Vip"
    expect((await cli('groups', 'create', 'vip')).code).toBe(0);
    const group = await cli('groups', 'create', fullwidth);
    expect(group.code).toBe(1);
    expect(group.stderr).toContain('a group named "vip" already exists');
    await cli('add', '--email', 'a@example.com', '--group', fullwidth, '--tag', 'vip', '--tag', fullwidth);
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({ group: 'vip', tags: ['vip'] });
    await cli('edit', '1', '--add-tag', '\uff36\uff29\uff30');
    await cli('update', '1', '--add-tag', fullwidth, '--yes');
    expect(json<Customer>(await cli('show', '1', '--json')).tags).toEqual(['vip']);
    await cli('add', '--email', 'b@example.com', '--tag', fullwidth);
    expect(json<Customer>(await cli('show', '2', '--json')).tags).toEqual(['Vip']);
    expect((await cli('list', '--tag', fullwidth, '--format', 'ids')).stdout).toBe('1\n2\n');
    expect((await cli('list', '--group', fullwidth, '--format', 'ids')).stdout).toBe('1\n');
  });
});

describe('a header giving one field twice (issue 9, point 18)', () => {
  it('"email,email" is refused instead of reading the first column', async () => {
    const { r } = await importNative('email,email\na@example.com,b@example.com\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 1: column 1 "email" and column 2 "email" both give the email; only one of them would be read');
    expect(r.stderr).toContain('Rename or remove one of the two columns');
  });

  it('two columns mapped to one field are refused; ranked alternatives and a --map over the preset are not', async () => {
    const { cli, dir } = storeCli();
    const file = join(dir, 'customers.csv');
    writeFileSync(file, 'email,phone,Mobile\na@example.com,+32 2 123 45 67,+32 470 12 34 56\n');
    const mapped = await cli('import', file, '--map', 'phone=phone', '--map', 'Mobile=phone');
    expect(mapped.code).toBe(1);
    expect(mapped.stderr).toContain('column 2 "phone" and column 3 "Mobile" both give the phone');
    expect(mapped.stderr).toContain("--map 'Mobile=' ignores the second, --map 'phone=' the first");
    expect((await cli('import', file, '--map', 'Mobile=phone')).code).toBe(0);
    expect(json<Customer>(await cli('show', 'a@example.com', '--json')).phone).toBe('+32 470 12 34 56');
    // The generic preset reads Phone and Telephone alike (a clash), Mobile only when Phone is empty.
    writeFileSync(file, 'Email,Phone,Telephone\nb@example.com,+32 2 123 45 67,+32 2 765 43 21\n');
    expect((await cli('import', file)).stderr).toContain('column 2 "Phone" and column 3 "Telephone" both give the phone');
    writeFileSync(file, 'Email,Phone,Mobile\nb@example.com,,+32 470 12 34 56\n');
    expect((await cli('import', file)).code).toBe(0);
    expect(json<Customer>(await cli('show', 'b@example.com', '--json')).phone).toBe('+32 470 12 34 56');
  });
});
