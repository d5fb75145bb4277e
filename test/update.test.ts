import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

type Customer = Record<string, unknown> & { id: number };

async function store() {
  const s = storeCli();
  await s.cli('groups', 'create', 'Retail');
  await s.cli('groups', 'create', 'Wholesale');
  await s.cli('add', '--email', 'a@example.com', '--country', 'BE', '--group', 'Retail', '--lang', 'fr', '--tag', 'old');
  await s.cli('add', '--email', 'b@example.com', '--country', 'BE', '--group', 'Retail');
  await s.cli('add', '--email', 'c@example.com', '--country', 'FR', '--group', 'Wholesale', '--tag', 'old');
  await s.cli('add', '--email', 'd@example.com', '--country', 'FR');
  return s;
}

const later = { now: new Date('2026-05-05T05:05:05Z') };

describe('update', () => {
  it('moves a group by filter, in one go, and says how many changed', async () => {
    const { cli } = await store();
    const r = await cli('update', '--group', 'Retail', '--set-group', 'Wholesale', '--yes', later);
    expect(r).toMatchObject({ code: 0, stderr: 'Changed 2 customers.\n' });
    const rows = json<Customer[]>(await cli('list', '--json', '--fields', 'id,group,updated_at'));
    expect(rows).toEqual([
      { id: 1, group: 'Wholesale', updated_at: '2026-05-05T05:05:05Z' },
      { id: 2, group: 'Wholesale', updated_at: '2026-05-05T05:05:05Z' },
      { id: 3, group: 'Wholesale', updated_at: '2026-03-01T10:00:00Z' },
      { id: 4, group: null, updated_at: '2026-03-01T10:00:00Z' },
    ]);
  });

  it('counts only the customers whose values really change', async () => {
    const { cli } = await store();
    const r = await cli('update', '--all', '--set-group', 'Wholesale', '--yes', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ selected: 4, changed: 3, dry_run: false });
    expect(r.stderr).toBe('Changed 3 customers (1 other already had these values).\n');
  });

  it('sets and clears every bulk field', async () => {
    const { cli } = await store();
    await cli('update', '1', '2', '--no-group', '--tax-exempt', '--tax-id', 'BE0123', '--accepts-marketing', '--lang', 'nl', '--add-tag', 'vip', '--remove-tag', 'OLD');
    let rows = json<Customer[]>(await cli('list', '--json', '--fields', 'id,group,tax_exempt,tax_id,accepts_marketing,lang,tags', '--limit', '2'));
    expect(rows).toEqual([
      { id: 1, group: null, tax_exempt: true, tax_id: 'BE0123', accepts_marketing: true, lang: 'nl', tags: ['vip'] },
      { id: 2, group: null, tax_exempt: true, tax_id: 'BE0123', accepts_marketing: true, lang: 'nl', tags: ['vip'] },
    ]);
    await cli('update', '1', '--no-tax-exempt', '--tax-id', '', '--no-accepts-marketing', '--lang', '');
    rows = json<Customer[]>(await cli('list', '--json', '--fields', 'tax_exempt,tax_id,accepts_marketing,lang', '--limit', '1'));
    expect(rows).toEqual([{ tax_exempt: false, tax_id: null, accepts_marketing: false, lang: null }]);
  });

  it('a dry run reports and changes nothing', async () => {
    const { cli } = await store();
    const r = await cli('update', '--country', 'FR', '--add-tag', 'fr', '--dry-run');
    expect(r.stderr).toBe('Would change 2 customers (dry run: nothing was changed).\n');
    expect((await cli('list', '--tag', 'fr', '--format', 'count')).stdout).toBe('0\n');
  });

  it('a selection by filters needs --yes without a terminal; REFs alone do not', async () => {
    const { cli } = await store();
    const r = await cli('update', '--country', 'FR', '--add-tag', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Update 2 customers: confirmation needed; pass --yes');
    expect((await cli('update', '3', '4', '--add-tag', 'x')).code).toBe(0);
  });

  it('reads REFs from a file or standard input, as list --format ids prints them', async () => {
    const { cli, dir } = await store();
    const file = join(dir, 'refs.txt');
    writeFileSync(file, 'a@example.com\n\n# a comment\n3\n');
    expect((await cli('update', '--from-file', file, '--add-tag', 'picked', '--yes')).stderr).toBe('Changed 2 customers.\n');
    const ids = (await cli('list', '--country', 'FR', '--format', 'ids')).stdout;
    expect(ids).toBe('3\n4\n');
    const r = await cli('update', '--from-file', '-', '--add-tag', 'fr', '--yes', { stdin: ids });
    expect(r.stderr).toBe('Changed 2 customers.\n');
    expect((await cli('list', '--tag', 'picked', '--format', 'ids')).stdout).toBe('1\n3\n');
    expect((await cli('list', '--tag', 'fr', '--format', 'ids')).stdout).toBe('3\n4\n');
  });

  it('reports every unknown REF of a file with its line, changing nothing', async () => {
    const { cli, dir } = await store();
    const file = join(dir, 'refs.txt');
    writeFileSync(file, '1\nghost@example.com\n2\n77\n');
    const r = await cli('update', '--from-file', file, '--add-tag', 'x', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} line 2: no customer with e-mail ghost@example.com`);
    expect(r.stderr).toContain(`${file} line 4: no customer with id 77`);
    expect((await cli('list', '--tag', 'x', '--format', 'count')).stdout).toBe('0\n');
  });

  it('refuses what it cannot do with exit 2', async () => {
    const { cli } = await store();
    for (const [args, message] of [
      [['--all'], 'nothing to change'],
      [['--add-tag', 'x'], 'no customers selected'],
      [['--all', '--set-group', 'Retail', '--no-group'], 'contradict'],
      [['--all', '--lang', 'not a lang!'], 'is not a language code'],
      [['--from-file', '/nonexistent/refs.txt', '--add-tag', 'x'], 'cannot read /nonexistent/refs.txt: no such file'],
    ] as const) {
      const r = await cli('update', ...args, '--yes');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('an unknown target group lists the existing ones and changes nothing', async () => {
    const { cli } = await store();
    const r = await cli('update', '--all', '--set-group', 'VIP', '--add-tag', 'x', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Existing groups: Retail, Wholesale.');
    expect((await cli('list', '--tag', 'x', '--format', 'count')).stdout).toBe('0\n');
  });
});
