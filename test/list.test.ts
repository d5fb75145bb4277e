import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

type Customer = Record<string, unknown> & { id: number; email: string };

/** Five customers covering every filter; created on different days. */
async function sampleStore() {
  const s = storeCli();
  const { cli } = s;
  await cli('groups', 'create', 'Wholesale');
  await cli('groups', 'create', 'VIP');
  const add = (day: string, ...args: string[]) => cli('add', ...args, { now: new Date(`2026-01-${day}T12:00:00Z`) });
  await add('01', '--email', 'helene@example.fr', '--first-name', 'Hélène', '--last-name', 'Dupont', '--country', 'FR', '--lang', 'fr', '--group', 'VIP', '--tag', 'b2b', '--tag', 'paris', '--phone', '+33 6 12 34 56 78');
  await add('02', '--email', 'jan@example.be', '--first-name', 'Jan', '--last-name', 'Peeters', '--country', 'BE', '--lang', 'nl', '--group', 'Wholesale', '--tax-exempt', '--tag', 'b2b', '--company', 'Peeters NV');
  await add('03', '--email', 'marie@example.be', '--first-name', 'Marie', '--last-name', 'Lambert', '--country', 'BE', '--lang', 'fr', '--accepts-marketing');
  await add('04', '--email', 'luca@example.it', '--first-name', 'Luca', '--last-name', 'Rossi', '--country', 'IT', '--lang', 'it', '--group', 'Wholesale', '--accepts-marketing', '--company', 'Rossi & Figli');
  await add('05', '--email', 'zoe@example.com', '--first-name', 'Zoë', '--last-name', 'Åberg', '--country', 'SE');
  // Order statistics arrive with imports; set them directly for the filters.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(s.db);
  const stats: [number, number, number][] = [[1, 7, 120050], [2, 12, 990000], [3, 1, 1999], [4, 5, 50000], [5, 0, 0]];
  for (const [id, orders, spent] of stats) db.prepare('UPDATE customers SET order_count = ?, total_spent_minor = ? WHERE id = ?').run(orders, spent, id);
  db.close();
  return s;
}

const ids = async (cli: ReturnType<typeof storeCli>['cli'], ...args: string[]) => {
  const r = await cli('list', ...args, '--format', 'ids');
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map(Number);
};

describe('list filters', () => {
  it.each([
    [['--group', 'Wholesale'], [2, 4]],
    [['--group', 'wholesale', '--group', 'VIP'], [1, 2, 4]],
    [['--no-group'], [3, 5]],
    [['--tax-exempt'], [2]],
    [['--no-tax-exempt'], [1, 3, 4, 5]],
    [['--accepts-marketing'], [3, 4]],
    [['--no-accepts-marketing'], [1, 2, 5]],
    [['--min-orders', '5'], [1, 2, 4]],
    [['--max-orders', '5'], [3, 4, 5]],
    [['--min-spent', '500'], [1, 2, 4]],
    [['--max-spent', '19.99'], [3, 5]],
    [['--min-spent', '1200.50', '--max-spent', '1200.5'], [1]],
    [['--tag', 'b2b'], [1, 2]],
    [['--tag', 'B2B', '--tag', 'paris'], [1]],
    [['--country', 'be'], [2, 3]],
    [['--lang', 'fr'], [1, 3]],
    [['--created-after', '2026-01-03'], [3, 4, 5]],
    [['--created-before', '2026-01-03'], [1, 2]],
    [['--created-after', '2026-01-02T12:00:01Z', '--created-before', '2026-01-05'], [3, 4]],
    [['--country', 'BE', '--min-orders', '5', '--group', 'Wholesale'], [2]],
    [['--country', 'SE', '--tag', 'b2b'], []],
  ])('%j selects %j', async (args, expected) => {
    const { cli } = await sampleStore();
    expect(await ids(cli, ...args)).toEqual(expected);
  });

  it('rejects bad filter values with exit 2', async () => {
    const { cli } = await sampleStore();
    for (const [args, message] of [
      [['--min-orders', 'abc'], '--min-orders must be a whole number'],
      [['--min-spent', '12.345'], 'at most two decimals'],
      [['--created-after', '2026-02-31'], '"2026-02-31" is not a date'],
      [['--country', 'Belgium'], 'did you mean BE?'],
      [['--limit', '-3'], '--limit must be a whole number of 0 or more, not "-3"'],
    ] as const) {
      const r = await cli('list', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('an unknown group in a filter is an error listing the groups', async () => {
    const { cli } = await sampleStore();
    const r = await cli('list', '--group', 'Retail');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Existing groups: VIP, Wholesale.');
  });
});

describe('sorting and paging', () => {
  it('sorts by name as people read it: last name, else first name; customers without a value last, either way', async () => {
    const { cli } = storeCli();
    await cli('add', '--company', 'No Name Ltd');
    await cli('add', '--first-name', 'Carol');
    await cli('add', '--first-name', 'Zoë', '--last-name', 'Åberg');
    await cli('add', '--first-name', 'Giulia', '--last-name', 'Bianchi');
    expect(await ids(cli, '--sort', 'name')).toEqual([3, 4, 2, 1]);
    expect(await ids(cli, '--sort', 'name:desc')).toEqual([2, 4, 3, 1]);
    expect(await ids(cli, '--sort', 'phone')).toEqual([1, 2, 3, 4]);
    await cli('edit', '4', '--phone', '+39 06 1234 5678');
    expect(await ids(cli, '--sort', 'phone:desc')).toEqual([4, 3, 2, 1]); // ties by id, in the same direction
    // A sort key whose SQL holds commas (the earlier of two dates) sorts either way.
    expect(await ids(cli, '--sort', 'first_order_at:desc')).toEqual([4, 3, 2, 1]);
  });

  it('sorts e-mails and country codes as stored (their indexes give them in order), blanks last either way', async () => {
    const { cli } = storeCli();
    await cli('add', '--phone', '+32 470 00 00 01', '--country', 'be');
    await cli('add', '--email', 'Zoe@Example.com');
    await cli('add', '--email', 'anna@example.com', '--country', 'SE');
    await cli('add', '--email', 'bob@example.com', '--country', 'BE');
    expect(await ids(cli, '--sort', 'email')).toEqual([3, 4, 2, 1]);
    expect(await ids(cli, '--sort', 'email:desc')).toEqual([2, 4, 3, 1]);
    expect(await ids(cli, '--sort', 'country')).toEqual([1, 4, 3, 2]);
    expect(await ids(cli, '--sort', 'country:desc')).toEqual([3, 4, 1, 2]);
  });

  it('sorts by any field, ascending or :desc, with id breaking ties', async () => {
    const { cli } = await sampleStore();
    expect(await ids(cli, '--sort', 'total_spent:desc')).toEqual([2, 1, 4, 3, 5]);
    expect(await ids(cli, '--sort', 'name')).toEqual([5, 1, 3, 2, 4]);
    expect(await ids(cli, '--sort', 'country')).toEqual([2, 3, 1, 4, 5]);
    expect(await ids(cli, '--sort', 'id:desc', '--limit', '2', '--offset', '1')).toEqual([4, 3]);
  });

  it('rejects an unknown sort field with the valid ones', async () => {
    const { cli } = await sampleStore();
    const r = await cli('list', '--sort', 'tags');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Sort by one of id, email');
  });

  it('--limit and --offset page through; count respects them', async () => {
    const { cli } = await sampleStore();
    expect(await ids(cli, '--limit', '2')).toEqual([1, 2]);
    expect(await ids(cli, '--limit', '2', '--offset', '4')).toEqual([5]);
    expect(await ids(cli, '--limit', '0')).toEqual([]);
    expect((await cli('list', '--format', 'count')).stdout).toBe('5\n');
    expect((await cli('list', '--format', 'count', '--limit', '2', '--offset', '1')).stdout).toBe('2\n');
  });
});

describe('output formats', () => {
  it('csv and tsv mark a value a spreadsheet would run as a formula; --raw prints it as stored', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'f@example.com', '--company', '=HYPERLINK("http://evil.example")', '--note', "+cmd|' /C calc'!A0", '--phone', '+33 6 12 34 56 78');
    for (const format of ['csv', 'tsv']) {
      const out = (await cli('list', '--format', format, '--fields', 'company,note,phone')).stdout;
      expect(out, format).toContain("'=HYPERLINK");
      expect(out, format).toContain("'+cmd|");
      expect(out, format).toContain('+33 6 12 34 56 78');
      expect(out, format).not.toContain("'+33");
    }
    expect((await cli('list', '--format', 'tsv', '--fields', 'company', '--raw')).stdout).toBe('company\n=HYPERLINK("http://evil.example")\n');
  });

  it('tsv with a header when stdout is not a terminal, all fields, escaped', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'a@example.com', '--note', 'tab\nand a newline', '--tag', 'x', '--tag', 'y');
    // A note is refused a tab now (issue 9, point 11), but a store written before may hold one.
    const raw = new Database(db);
    raw.prepare("UPDATE customers SET note = 'tab\there\nand a newline'").run();
    raw.close();
    const lines = (await cli('list')).stdout.split('\n');
    expect(lines[0].split('\t')).toHaveLength(31);
    expect(lines[0]).toMatch(/^id\temail\tfirst_name\t/);
    const header = lines[0].split('\t');
    expect(lines[1].split('\t')[header.indexOf('note')]).toBe('tab\\there\\nand a newline');
    expect(lines[1].split('\t')[header.indexOf('tags')]).toBe('x, y');
    expect(lines).toHaveLength(3);
  });

  it('json uses the contract names and types; jsonl one object a line', async () => {
    const { cli } = await sampleStore();
    const all = json<Customer[]>(await cli('list', '--json', '--fields', 'id,tax_exempt,tags,total_spent,order_count,company'));
    expect(all[1]).toEqual({ id: 2, tax_exempt: true, tags: ['b2b'], total_spent: '9900.00', order_count: 12, company: 'Peeters NV' });
    expect(json<Customer[]>(await cli('list', '--format', 'json', '--country', 'SE', '--fields', 'id'))).toEqual([{ id: 5 }]);
    expect(json<Customer[]>(await cli('list', '--json', '--country', 'US'))).toEqual([]);
    const lines = (await cli('list', '--format', 'jsonl', '--fields', 'email', '--limit', '2')).stdout;
    expect(lines).toBe('{"email":"helene@example.fr"}\n{"email":"jan@example.be"}\n');
  });

  it('csv quotes what needs quoting', async () => {
    const { cli } = await sampleStore();
    const r = await cli('list', '--format', 'csv', '--fields', 'id,company,tags', '--min-orders', '5');
    expect(r.stdout).toBe('id,company,tags\n1,,"b2b, paris"\n2,Peeters NV,b2b\n4,Rossi & Figli,\n');
  });

  it('rejects an unknown field or format with exit 2, listing the valid ones', async () => {
    const { cli } = await sampleStore();
    const bad = await cli('list', '--fields', 'id,mail');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown field "mail" in --fields');
    expect(bad.stderr).toContain('Valid fields: id, email, first_name');
    const format = await cli('list', '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are table, json, jsonl, csv, tsv, ids, count');
  });

  it('a table on a terminal shows 50 rows and says how many more', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'seed@example.com');
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db);
    const insert = raw.prepare("INSERT INTO customers (email, first_name, created_at, updated_at) VALUES (?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    for (let i = 0; i < 59; i++) insert.run(`c${i}@example.com`, `Name${i}`);
    raw.close();
    const r = await cli('list', { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^ *id  name +email +group +country +orders +spent$/);
    expect(r.stdout).toContain('c48@example.com');
    expect(r.stdout).not.toContain('c49@example.com');
    expect(r.stderr).toBe('... and 10 more. Use --limit, --offset or --format tsv to see them.\n');
    expect(r.stdout).not.toContain('\u001b[');
    const all = await cli('list', '--limit', '60', { tty: true, env: { NO_COLOR: '1' } });
    expect(all.stdout).toContain('c58@example.com');
    expect(all.stderr).toBe('');
  });

  it('colours the table header on a terminal unless NO_COLOR or --no-color; FORCE_COLOR forces it', async () => {
    const { cli } = await sampleStore();
    const bold = '\u001b[1m';
    expect((await cli('list', { tty: true, env: {} })).stdout).toContain(bold);
    expect((await cli('list', { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(bold);
    expect((await cli('list', '--no-color', { tty: true, env: {} })).stdout).not.toContain(bold);
    expect((await cli('list', '--format', 'table', { env: {} })).stdout).not.toContain(bold);
    expect((await cli('list', '--format', 'table', { env: { FORCE_COLOR: '1' } })).stdout).toContain(bold);
  });

  it('says so on stderr when a table has no rows', async () => {
    const { cli } = await sampleStore();
    const r = await cli('list', '--country', 'US', { tty: true, env: { NO_COLOR: '1' } });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'No results.\n' });
  });

  it('fails on a missing store without creating it, saying where it looked', async () => {
    const { cli, db } = storeCli();
    const r = await cli('list');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: no store at ${db}`);
  });
});

describe('search', () => {
  it.each([
    ['helene', [1]],
    ['HÉLÈNE', [1]],
    ['dupont', [1]],
    ['lène dup', [1]],
    ['example.be', [2, 3]],
    ['+33 6 12', [1]],
    ['33612345', [1]],
    ['peeters nv', [2]],
    ['figli', [4]],
    ['zoe aberg', [5]],
    ['ro', [4]],
    ['oë', [5]],
    // Under three characters the index is not used, and rows are folded one by one: the text ("ö" is "o",
    // found in Dupont, Rossi and Zoë but not in Peeters or Lambert) and the customers ("ab" is in Åberg only).
    ['ö', [1, 4, 5]],
    ['ab', [5]],
    ['nobody-matches-this', []],
  ])('"%s" finds %j', async (text, expected) => {
    const { cli } = await sampleStore();
    const r = await cli('search', text, '--format', 'ids');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').filter(Boolean).map(Number)).toEqual(expected);
  });

  it('finds Korean names by syllables and Greek words typed in capitals (a final sigma is a sigma)', async () => {
    const { cli } = storeCli();
    await cli('add', '--first-name', '민준', '--last-name', '김');
    await cli('add', '--first-name', 'Οδυσσευς', '--last-name', 'Σισυφος');
    const found = async (text: string) => (await cli('search', text, '--format', 'ids')).stdout;
    expect(await found('민준')).toBe('1\n');
    expect(await found('민준 김')).toBe('1\n');
    expect(await found('ΟΔΥΣ')).toBe('2\n');
    expect(await found('σισυφος')).toBe('2\n');
  });

  it('finds phones whatever their punctuation, a "(0)" after the country code or slashes', async () => {
    const { cli } = storeCli();
    await cli('add', '--phone', '+44 (0)20 7946 0958');
    await cli('add', '--phone', '06/12/34/56/78');
    const found = async (text: string) => (await cli('search', text, '--format', 'ids')).stdout;
    expect(await found('+44 20 7946')).toBe('1\n');
    expect(await found('+44 (0)20 7946')).toBe('1\n');
    expect(await found('0612345678')).toBe('2\n');
    expect(await found('06/12/34')).toBe('2\n');
  });

  it('combines with filters, sorting and paging', async () => {
    const { cli } = await sampleStore();
    const r = await cli('search', 'example', '--country', 'BE', '--sort', 'id:desc', '--limit', '1', '--format', 'ids');
    expect(r.stdout).toBe('3\n');
  });

  it('follows edits and deletes', async () => {
    const { cli } = await sampleStore();
    await cli('edit', '1', '--last-name', 'Martin');
    expect((await cli('search', 'dupont', '--format', 'count')).stdout).toBe('0\n');
    expect((await cli('search', 'martin', '--format', 'ids')).stdout).toBe('1\n');
    await cli('delete', '1', '--yes');
    expect((await cli('search', 'martin', '--format', 'count')).stdout).toBe('0\n');
  });

  it('exits 0 with no results, and 2 on empty text', async () => {
    const { cli } = await sampleStore();
    expect(await cli('search', 'qqqqq')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^id\temail/) });
    expect((await cli('search', '  ')).code).toBe(2);
  });
});
