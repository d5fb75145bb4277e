import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

type Customer = Record<string, unknown> & { id: number; email: string; tags: string[] };

describe('add', () => {
  it('stores every field, normalised, and prints the customer', async () => {
    const { cli } = storeCli();
    expect((await cli('groups', 'create', 'VIP')).code).toBe(0);
    const c = json<Customer>(
      await cli(
        'add', '--email', '  Hélène.Dupont@Example.COM ', '--first-name', 'Hélène', '--last-name', 'Dupont',
        '--phone', '+33 6 12 34 56 78', '--company', 'Dupont SARL', '--group', 'vip', '--tax-exempt', '--tax-id', 'FR40303265045',
        '--accepts-marketing', '--accepts-sms-marketing', '--lang', 'fr', '--note', 'prefers e-mail', '--tag', 'b2b', '--tag', 'B2B', '--tag', 'wholesale',
        '--street', '1 rue de la Paix', '--street2', 'Bât. B', '--city', 'Paris', '--region', 'IDF', '--postal-code', '01000',
        '--country', 'fr', '--source-id', ' 7012345678901 ', '--json',
      ),
    );
    expect(c).toEqual({
      id: 1, email: 'hélène.dupont@example.com', first_name: 'Hélène', last_name: 'Dupont', name: 'Hélène Dupont',
      phone: '+33 6 12 34 56 78', company: 'Dupont SARL', group: 'VIP', tax_exempt: true, tax_id: 'FR40303265045',
      accepts_marketing: true, accepts_sms_marketing: true, lang: 'fr', note: 'prefers e-mail', tags: ['b2b', 'wholesale'], street: '1 rue de la Paix',
      street2: 'Bât. B', city: 'Paris', region: 'IDF', postal_code: '01000', country: 'FR', source_id: '7012345678901', source: null, order_count: 0, first_order_at: null, last_order_at: null, has_account: true, last_login_at: null,
      total_spent: '0.00', created_at: '2026-03-01T10:00:00Z', updated_at: '2026-03-01T10:00:00Z',
    });
  });

  it('keeps names in any script and phones and postal codes exactly as typed', async () => {
    const { cli } = storeCli();
    const c = json<Customer>(await cli('add', '--email', 'yuki@example.jp', '--first-name', '雪', '--last-name', 'Ελένη', '--phone', '0044 20 7946 0958', '--postal-code', '00123', '--json'));
    expect([c.first_name, c.last_name, c.phone, c.postal_code]).toEqual(['雪', 'Ελένη', '0044 20 7946 0958', '00123']);
  });

  it('creates the store with mode 0600 and says where on stderr', async () => {
    const { cli, db } = storeCli();
    const r = await cli('add', '--email', 'a@example.com');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`Created a new store at ${db}\n`);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain('email\ta@example.com\n');
  });

  it('refuses a duplicate e-mail, whatever its case, with exit 1', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const r = await cli('add', '--email', 'A@Example.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a customer with e-mail a@example.com already exists (id 1)');
  });

  it.each([
    [['--email', 'not-an-email'], '"not-an-email" is not a valid e-mail address'],
    [['--email', 'a@b.com', '--country', 'France'], 'did you mean FR?'],
    [['--email', 'a@b.com', '--country', 'XX'], '"XX" is not an ISO 3166-1 alpha-2 country code'],
    [['--email', 'a@b.com', '--lang', 'french!'], '"french!" is not a language code'],
    [['--email', 'a@b.com', '--country', ''], '--country needs a value'],
    [['--email', 'a@b.com', '--group', ' '], '--group needs a value'],
    [['--email', 'a@b.com', '--tag', 'a,b'], 'contains a comma'],
  ])('rejects bad values with exit 2: %j', async (args, message) => {
    const { cli } = storeCli();
    const r = await cli('add', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('takes the e-mail as an argument; with --email too, the same address or a usage error', async () => {
    const { cli } = storeCli();
    expect(json<Customer>(await cli('add', 'Bob@Example.com', '--json')).email).toBe('bob@example.com');
    expect(json<Customer>(await cli('add', 'cy@example.com', '--email', 'CY@example.com', '--json')).email).toBe('cy@example.com');
    const both = await cli('add', 'x@example.com', '--email', 'y@example.com');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('two e-mail addresses given: x@example.com and --email y@example.com; give one of them');
    const bad = await cli('add', 'not-an-email');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"not-an-email" is not a valid e-mail address');
  });

  it('creates a group the store lacks and says so, as import does', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'Retail');
    const r = await cli('add', '--email', 'a@b.com', '--group', 'VIP', '--json');
    expect(json<Customer>(r).group).toBe('VIP');
    expect(r.stderr).toContain('Created group "VIP".');
    const again = await cli('add', '--email', 'c@b.com', '--group', 'vip', '--json');
    expect(json<Customer>(again).group).toBe('VIP');
    expect(again.stderr).not.toContain('Created group');
    expect(json<{ name: string }[]>(await cli('groups', 'list', '--json')).map((g) => g.name)).toEqual(['Retail', 'VIP']);
  });

  it.each([
    [['--email', 'a@b.com', '--group', 'Wholesale'], 1, 'already exists'],
    [['--email', 'new@b.com', '--group', 'Wholesale', '--country', 'XX'], 2, 'country code'],
    [['--group', 'Wholesale', '--tag', 'x'], 2, 'pass --email'],
  ])('leaves no group behind when the add fails: %j', async (args, code, message) => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@b.com');
    const r = await cli('add', ...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('Created group');
    expect(json(await cli('groups', 'list', '--json'))).toEqual([]);
  });

  it.each([['--phone', '4.41E+11'], ['--postal-code', "'1.2E+4"], ['--tax-id', '4,41e11']])('refuses %s %s in scientific notation, as import does', async (flag, value) => {
    const { cli } = storeCli();
    const r = await cli('add', '--email', 'a@b.com', flag, value);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a number in scientific notation: a spreadsheet turned the');
    await cli('add', '--email', 'b@b.com');
    const edit = await cli('edit', '1', flag, value);
    expect(edit.code).toBe(2);
    expect(edit.stderr).toContain('in scientific notation');
  });

  it('with nothing that says who the customer is, and no terminal, fails with exit 2 naming the flags', async () => {
    const { cli, db } = storeCli();
    const r = await cli('add', '--tag', 'vip', '--accepts-marketing');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --email');
    expect(() => statSync(db)).toThrow();
  });
});

describe('show', () => {
  it('finds a customer by id or by e-mail in any case', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    expect(json<Customer>(await cli('show', '1', '--json')).first_name).toBe('Ann');
    expect(json<Customer>(await cli('show', 'A@EXAMPLE.COM', '--json')).id).toBe(1);
  });

  it('exits 1 on an unknown REF and 2 on a REF that is neither id nor e-mail', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const missing = await cli('show', 'b@example.com');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no customer with e-mail b@example.com');
    expect((await cli('show', '42')).stderr).toContain('no customer with id 42');
    const neither = await cli('show', 'bob');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('"bob" is neither a customer id nor an e-mail address');
    expect(neither.stderr).toContain('to find by name: customers search bob\n');
  });

  it.each([
    ['David Nguyen', "customers search 'David Nguyen'"],
    ["Dan O'Brien", "customers search 'Dan O'\\''Brien'"],
    ['$HOME `id`', "customers search '$HOME `id`'"],
  ])('a REF that is a name (%s) gets the search to run, quoted for a shell, on every REF command', async (ref, hint) => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    for (const args of [['show', ref], ['edit', ref, '--phone', '1']]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`to find by name: ${hint}\n`);
    }
    // delete and update report every unknown REF together (exit 1), each with its hint.
    const del = await cli('delete', ref, '--yes');
    expect(del.code).toBe(1);
    expect(del.stderr).toContain(`${ref}: "${ref}" is neither a customer id nor an e-mail address; to find by name: ${hint}\n`);
  });

  it.each([['a\nb'], ['  ']])('a REF with a line break or only spaces (%j) gets no search to copy, but says what a REF is', async (ref) => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const r = await cli('show', ref);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('customers search');
    expect(r.stderr).toContain('A REF is a customer id (42) or an e-mail address.');
  });

  it('prints field<TAB>value lines when not on a terminal', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--note', 'line one');
    const out = (await cli('show', '1')).stdout;
    expect(out.split('\n')).toContain('note\tline one');
    expect(out.split('\n')).toContain('tags\t');
  });
});

describe('edit', () => {
  it('changes only the given fields and moves updated_at', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann', '--phone', '123', '--tag', 'old', '--tag', 'keep');
    const r = await cli('edit', 'a@example.com', '--phone', '+32 470 12 34 56', '--group', 'VIP', '--add-tag', 'new', '--remove-tag', 'OLD', '--json', { now: new Date('2026-04-01T00:00:00Z') });
    const c = json<Customer>(r);
    expect(c).toMatchObject({ first_name: 'Ann', phone: '+32 470 12 34 56', group: 'VIP', tags: ['keep', 'new'], updated_at: '2026-04-01T00:00:00Z', created_at: '2026-03-01T10:00:00Z' });
    expect(r.stderr).toBe('Changed phone, group, tags.\n');
  });

  it('clears fields with "" and the --no-* flags', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'a@example.com', '--company', 'ACME', '--group', 'VIP', '--tax-exempt', '--accepts-marketing', '--tag', 'x');
    const c = json<Customer>(await cli('edit', '1', '--company', '', '--no-group', '--no-tax-exempt', '--no-accepts-marketing', '--tag', 'only', '--json'));
    expect(c).toMatchObject({ company: null, group: null, tax_exempt: false, accepts_marketing: false, tags: ['only'] });
  });

  it('changes the e-mail, refusing one another customer has', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    await cli('add', '--email', 'b@example.com');
    const clash = await cli('edit', '1', '--email', 'B@example.com');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('already exists (id 2)');
    expect(json<Customer>(await cli('edit', '1', '--email', 'New@Example.com', '--json')).email).toBe('new@example.com');
  });

  it('leaves updated_at alone when nothing changes', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--phone', '1');
    const r = await cli('edit', '1', '--phone', '1', '--json', { now: new Date('2027-01-01T00:00:00Z') });
    expect(json<Customer>(r).updated_at).toBe('2026-03-01T10:00:00Z');
    expect(r.stderr).toBe('Nothing changed.\n');
  });

  it('with no flags and no terminal exits 2 instead of waiting for a form', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    for (const args of [['edit', '1'], ['--no-input', 'edit', '1']]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('nothing to change: pass the fields to change as flags, such as --phone, --group NAME, --add-tag T (customers edit --help lists them)');
    }
  });

  it('--group creates a group the store lacks, as add does; a failed edit leaves none', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    await cli('add', '--email', 'b@example.com');
    const taken = await cli('edit', '2', '--group', 'Wholesale', '--email', 'a@example.com');
    expect(taken.code).toBe(1);
    expect(json(await cli('groups', 'list', '--json'))).toEqual([]);
    const r = await cli('edit', '2', '--group', 'Wholesale', '--json');
    expect(json<Customer>(r).group).toBe('Wholesale');
    expect(r.stderr).toContain('Created group "Wholesale".');
    expect(r.stderr).toContain('Changed group.');
  });

  it('refuses an edit of a missing store without creating it', async () => {
    const { cli, db } = storeCli();
    const r = await cli('edit', '1', '--phone', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no store at ${db}`);
    expect(() => statSync(db)).toThrow();
  });
});

describe('delete', () => {
  async function threeCustomers() {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com', '--country', 'BE');
    await s.cli('add', '--email', 'b@example.com', '--country', 'BE', '--tag', 'test');
    await s.cli('add', '--email', 'c@example.com', '--country', 'FR');
    return s;
  }

  it('deletes by REF with --yes, and needs --yes without a terminal', async () => {
    const { cli } = await threeCustomers();
    const refused = await cli('delete', 'a@example.com');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Delete 1 customer (1, a@example.com): confirmation needed; pass --yes');
    const r = await cli('delete', 'a@example.com', '2', '--yes');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Deleted 2 customers.\n');
    expect((await cli('list', '--format', 'ids')).stdout).toBe('3\n');
  });

  it('deletes by filter; a dry run changes nothing', async () => {
    const { cli } = await threeCustomers();
    const dry = await cli('delete', '--country', 'BE', '--dry-run', '--json');
    const said = JSON.parse(dry.stdout);
    expect(said).toMatchObject({ selected: 2, would_delete: 2, dry_run: true });
    expect(said.customers.map((c: { email: string }) => c.email)).toEqual(['a@example.com', 'b@example.com']);
    expect(said).not.toHaveProperty('deleted');
    expect(dry.stderr).toBe('Would delete 2 customers (dry run: nothing was changed).\n');
    const listed = await cli('delete', '--country', 'BE', '--dry-run', '--fields', 'id,email,tags');
    expect(listed.stdout).toBe('id\temail\ttags\n1\ta@example.com\t\n2\tb@example.com\ttest\n');
    expect((await cli('delete', '--country', 'BE', '--dry-run', '--format', 'count')).stdout).toBe('2\n');
    expect((await cli('list', '--format', 'count')).stdout).toBe('3\n');
    expect((await cli('delete', '--country', 'BE', '--tag', 'test', '--yes')).stderr).toBe('Deleted 1 customer.\n');
    expect((await cli('list', '--format', 'ids')).stdout).toBe('1\n3\n');
  });

  it('needs REFs, a filter or --all', async () => {
    const { cli } = await threeCustomers();
    const r = await cli('delete', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no customers selected');
    expect((await cli('delete', '--all', '--yes')).stderr).toBe('Deleted 3 customers.\n');
  });

  it('changes nothing when one REF is unknown', async () => {
    const { cli } = await threeCustomers();
    const r = await cli('delete', '1', 'zed@example.com', '99', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 customer references not found; nothing was changed');
    expect(r.stderr).toContain('zed@example.com: no customer with e-mail zed@example.com');
    expect((await cli('list', '--format', 'count')).stdout).toBe('3\n');
  });

  it('ids are never reused after a delete', async () => {
    const { cli } = await threeCustomers();
    await cli('delete', '3', '--yes');
    expect(json<Customer>(await cli('add', '--email', 'd@example.com', '--json')).id).toBe(4);
  });
});
