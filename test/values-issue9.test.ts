/** Values the store must refuse or bring to one form (issue 9: control characters, dates, durations, Unicode). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

type Customer = Record<string, unknown>;

describe('control characters (issue 9, point 11)', () => {
  it('a tag holding U+001F is refused, named with the character escaped', async () => {
    const { cli } = storeCli();
    const r = await cli('add', '--email', 'a@example.com', '--tag', 'alpha\u001fbeta');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tag "alpha\\x1fbeta" contains the control character \\x1f');
    expect(r.stderr).not.toContain('\u001f');
    expect((await cli('edit', 'a@example.com', '--add-tag', 'x\u0007')).code).toBe(2);
  });

  it('an import cell "a<U+001F>b, c" rejects the row instead of making three tags', async () => {
    const { cli, dir } = storeCli();
    const file = join(dir, 'tags.csv');
    writeFileSync(file, 'email,tags\na@example.com,"a\u001fb, c"\n');
    const r = await cli('import', file, '--preset', 'native');
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
