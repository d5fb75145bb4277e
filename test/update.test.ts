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
    const r = await cli('update', '--group', 'Retail', '--set', 'group=Wholesale', '--yes', later);
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
    const dry = await cli('update', '--all', '--set', 'group=Wholesale', '--dry-run', '--format', 'count');
    expect(dry).toMatchObject({ stdout: '3\n', stderr: 'Would change 3 customers (1 other already had these values; dry run: nothing was changed).\n' });
    const r = await cli('update', '--all', '--set', 'group=Wholesale', '--yes', '--json');
    expect(JSON.parse(r.stdout)).toEqual({ selected: 4, changed: 3, dry_run: false });
    expect(r.stderr).toBe('Changed 3 customers (1 other already had these values).\n');
  });

  it('filters only filter: --accepts-marketing selects those who consented and gives nobody consent', async () => {
    const { cli } = await store();
    await cli('edit', '1', '--accepts-marketing');
    const r = await cli('update', '--country', 'BE', '--accepts-marketing', '--add-tag', 'newsletter', '--yes');
    expect(r.stderr).toBe('Changed 1 customer.\n');
    const rows = json<Customer[]>(await cli('list', '--json', '--fields', 'id,accepts_marketing,tags', '--country', 'BE'));
    expect(rows).toEqual([
      { id: 1, accepts_marketing: true, tags: ['newsletter', 'old'] },
      { id: 2, accepts_marketing: false, tags: [] },
    ]);
    // The other filters that used to set values select, as in list.
    expect((await cli('update', '--no-group', '--add-tag', 'loose', '--yes')).stderr).toBe('Changed 1 customer.\n');
    expect((await cli('update', '--lang', 'fr', '--add-tag', 'fr', '--yes')).stderr).toBe('Changed 1 customer.\n');
    expect((await cli('update', '--tax-exempt', '--add-tag', 'exempt', '--yes')).stderr).toBe('No customers match; nothing was changed.\n');
    expect((await cli('list', '--tag', 'loose', '--format', 'ids')).stdout).toBe('4\n');
    expect((await cli('list', '--tag', 'fr', '--format', 'ids')).stdout).toBe('1\n');
  });

  it('--set sets and clears any editable field; booleans read yes/no, true/false, 1/0', async () => {
    const { cli } = await store();
    const set = ['group=', 'tax_exempt=yes', 'tax_id=BE0123', 'accepts_marketing=true', 'accepts_sms_marketing=1', 'lang=nl', 'city=Gent', 'phone=+32 470 12 34 56', 'note=Called twice'];
    await cli('update', '1', '2', ...set.flatMap((s) => ['--set', s]), '--add-tag', 'vip', '--remove-tag', 'OLD');
    let rows = json<Customer[]>(await cli('list', '--json', '--fields', 'id,group,tax_exempt,tax_id,accepts_marketing,accepts_sms_marketing,lang,city,phone,note,tags', '--limit', '2'));
    const expected = {
      group: null, tax_exempt: true, tax_id: 'BE0123', accepts_marketing: true, accepts_sms_marketing: true, lang: 'nl', city: 'Gent', phone: '+32 470 12 34 56', note: 'Called twice', tags: ['vip'],
    };
    expect(rows).toEqual([{ id: 1, ...expected }, { id: 2, ...expected }]);
    await cli('update', '1', '--set', 'tax_exempt=no', '--set', 'tax_id=', '--set', 'accepts_marketing=0', '--set', 'lang=', '--set', 'city=');
    rows = json<Customer[]>(await cli('list', '--json', '--fields', 'tax_exempt,tax_id,accepts_marketing,lang,city', '--limit', '1'));
    expect(rows).toEqual([{ tax_exempt: false, tax_id: null, accepts_marketing: false, lang: null, city: null }]);
    // A name or phone set in bulk is found by search.
    await cli('update', '3', '4', '--set', 'company=Acme Wholesale');
    expect((await cli('search', 'acme', '--format', 'ids')).stdout).toBe('3\n4\n');
  });

  it('an e-mail goes to one customer, and a change never leaves a customer unidentified', async () => {
    const { cli } = await store();
    const many = await cli('update', '--country', 'FR', '--set', 'email=x@example.com', '--yes');
    expect(many.code).toBe(1);
    expect(many.stderr).toContain('an e-mail address belongs to one customer; 2 are selected');
    const taken = await cli('update', '4', '--set', 'email=c@example.com');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('a customer with e-mail c@example.com already exists (id 3)');
    expect((await cli('update', '4', '--set', 'email=D2@Example.com')).code).toBe(0);
    expect(json<Customer>(await cli('show', '4', '--json')).email).toBe('d2@example.com');
    const anonymous = await cli('update', '--all', '--set', 'email=', '--yes');
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('would leave 4 customers with neither e-mail, phone, name nor company (id 1, 2, 3, 4); nothing was changed');
    expect((await cli('update', '--all', '--set', 'email=', '--set', 'company=Walk-in', '--yes')).code).toBe(0);
    expect((await cli('list', '--no-email', '--format', 'count')).stdout).toBe('4\n');
  });

  it('a dry run lists each change (id, email, field, before, after) and changes nothing', async () => {
    const { cli } = await store();
    const r = await cli('update', '--country', 'BE', '--set', 'group=Wholesale', '--set', 'lang=fr', '--add-tag', 'be', '--dry-run');
    expect(r.stdout).toBe(
      'id\temail\tfield\tbefore\tafter\n' +
        '1\ta@example.com\tgroup\tRetail\tWholesale\n1\ta@example.com\ttags\told\tbe, old\n' +
        '2\ta@example.com\t'.replace('a@', 'b@') + 'group\tRetail\tWholesale\n2\tb@example.com\tlang\t\tfr\n2\tb@example.com\ttags\t\tbe\n',
    );
    expect(r.stderr).toBe('Would change 2 customers (dry run: nothing was changed).\n');
    expect((await cli('list', '--group', 'Wholesale', '--format', 'count')).stdout).toBe('1\n');
    expect((await cli('update', '--country', 'BE', '--add-tag', 'be', '--dry-run', '--format', 'count')).stdout).toBe('2\n');
    const asJson = JSON.parse((await cli('update', '1', '--set', 'tax_exempt=yes', '--dry-run', '--json')).stdout);
    expect(asJson).toEqual({ selected: 1, would_change: 1, dry_run: true, changes: [{ id: 1, email: 'a@example.com', field: 'tax_exempt', before: false, after: true }] });
    expect(JSON.stringify(asJson)).not.toContain('"changed"');
  });

  it('a change that changes nobody says so, and does not ask', async () => {
    const { cli } = await store();
    const r = await cli('update', '--country', 'FR', '--remove-tag', 'gone', '--set', 'country=FR');
    expect(r).toMatchObject({ code: 0, stderr: 'No change: the 2 customers selected already have these values.\n' });
  });

  it('a selection by filters needs --yes without a terminal, and the question says what will change; REFs alone do not', async () => {
    const { cli } = await store();
    const r = await cli('update', '--country', 'FR', '--set', 'group=Retail', '--add-tag', 'x', '--set', 'tax_exempt=yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Set group to "Retail", set tax_exempt to yes and add tag "x" on 2 customers: confirmation needed; pass --yes');
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

  it('a REF file that never ends (/dev/zero) is refused once past 64 MB, not read into memory', async () => {
    const { cli } = await store();
    const r = await cli('update', '--from-file', '/dev/zero', '--add-tag', 'x', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from-file: /dev/zero holds more than 64 MB; a REF file is one id or e-mail a line');
    const folder = await cli('update', '--from-file', '/tmp', '--add-tag', 'x', '--yes');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('cannot read /tmp: ');
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

  it('refuses what it cannot do with exit 2, before asking anything', async () => {
    const { cli } = await store();
    for (const [args, message] of [
      [['--all'], 'nothing to change: give --set FIELD=VALUE, --add-tag TAG or --remove-tag TAG'],
      [['--all', '--accepts-marketing'], 'Filters such as --accepts-marketing only select customers here'],
      [['--add-tag', 'x'], 'no customers selected'],
      [['--all', '--set', 'lang=not a lang!'], 'is not a language code'],
      [['--all', '--set', 'lang'], '--set takes FIELD=VALUE'],
      [['--all', '--set', 'tags=a'], 'use --add-tag TAG and --remove-tag TAG'],
      [['--all', '--set', 'order_count=3'], '"order_count" is set by imports, not by hand'],
      [['--all', '--set', 'colour=red'], 'unknown field "colour"; --set takes one of: email, first_name'],
      [['--all', '--set', 'tax_exempt=maybe'], '"maybe" is not a yes/no value'],
      [['--all', '--set', 'lang=fr', '--set', 'lang=nl'], '--set lang=... is given twice'],
      [['--all', '--add-tag', 'x', '--remove-tag', 'X'], 'tag "x" is both added and removed'],
      [['--all', '--add-tag', 'x', '--format', 'csv'], '--format lists what a dry run would do; add --dry-run'],
      [['--group', 'Retail', '--no-group', '--add-tag', 'x'], '--group and --no-group contradict each other'],
      [['--from-file', '/nonexistent/refs.txt', '--add-tag', 'x'], 'cannot read /nonexistent/refs.txt: no such file'],
    ] as const) {
      const r = await cli('update', ...args, '--yes');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('an unknown target group is refused before the question, listing the existing ones', async () => {
    const { cli } = await store();
    const r = await cli('update', '--all', '--set', 'group=VIP', '--add-tag', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no customer group named "VIP"');
    expect(r.stderr).toContain('Existing groups: Retail, Wholesale.');
    expect(r.stderr).not.toContain('confirmation');
    expect((await cli('list', '--tag', 'x', '--format', 'count')).stdout).toBe('0\n');
  });
});

describe('filters that contradict each other', () => {
  it('are a usage error on every command that filters, instead of the last one winning', async () => {
    const { cli } = await store();
    for (const [command, extra] of [['list', []], ['delete', ['--yes']], ['export', ['-']], ['update', ['--add-tag', 'x', '--yes']]] as const) {
      for (const [args, message] of [
        [['--group', 'Retail', '--no-group'], '--group and --no-group contradict each other'],
        [['--no-group', '--group', 'Retail'], '--no-group and --group contradict each other'],
        [['--tax-exempt', '--no-tax-exempt'], '--tax-exempt and --no-tax-exempt contradict each other'],
        [['--no-accepts-marketing', '--accepts-marketing'], '--no-accepts-marketing and --accepts-marketing contradict each other'],
        [['--accepts-sms-marketing', '--no-accepts-sms-marketing'], 'contradict each other'],
        [['--has-email', '--no-email'], 'contradict each other'],
        [['--min-orders', '5', '--max-orders', '2'], '--min-orders 5 is more than --max-orders 2: no customer can match'],
        [['--min-spent', '100', '--max-spent', '10'], '--min-spent 100.00 is more than --max-spent 10.00'],
        [['--created-after', '2026-02-01', '--created-before', '2026-01-01'], 'is not before --created-before'],
      ] as const) {
        const r = await cli(command, ...args, ...extra);
        expect(r.code, `${command} ${args.join(' ')}`).toBe(2);
        expect(r.stderr).toContain(message);
      }
    }
    expect((await cli('list', '--format', 'count')).stdout).toBe('4\n');
  });
});
