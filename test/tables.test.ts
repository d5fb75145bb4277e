/** Tables and records as a person at a terminal sees them: fitted to 80 and 200 columns, notes after them. */
import { strlen } from 'cli-table3/src/utils.js';
import { describe, expect, it } from 'vitest';
import { startPty } from './helpers/pty.js';
import { json, type RunOptions, storeCli } from './helpers/run-cli.js';

const LONG_NAME = ['--first-name', 'Maximiliane-Charlotte', '--last-name', 'von Hohenzollern-Sigmaringen'];

/** A store with short and long values, a CJK name, a tax-exempt customer, a note of several lines. */
async function store() {
  const s = storeCli();
  await s.cli('groups', 'create', 'VIP');
  await s.cli('add', '--email', 'ann@example.com', '--first-name', 'Ann', '--group', 'VIP', '--country', 'BE');
  await s.cli('add', '--email', 'maximiliane.charlotte.von.hohenzollern@sigmaringen-example.de', ...LONG_NAME, '--country', 'DE', '--tax-exempt', '--phone', '+49 30 1234567', '--company', 'Hohenzollern Handelsgesellschaft mbH', '--tag', 'wholesale', '--tag', 'priority');
  await s.cli('add', '--email', 'taro@example.jp', '--first-name', '太郎', '--last-name', '山田', '--country', 'JP');
  await s.cli('edit', '1', '--note', 'Leave parcels with the neighbour at number 12 when nobody answers the door, never in the garden shed.\nGate code 4411.');
  return s;
}

const atTerminal = (columns: number): RunOptions => ({ tty: true, columns, env: { NO_COLOR: '1' } });
const lines = (text: string) => text.replace(/\n$/, '').split('\n');

describe('a table on a terminal', () => {
  it('fits 80 columns: the default columns, long text cut with …, a heading rule and no row separators', async () => {
    const { cli } = await store();
    const r = await cli('list', atTerminal(80));
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^id +name +email +group +country +orders +spent$/);
    expect(out[1]).toMatch(/^─+( +─+){6}$/);
    expect(out).toHaveLength(2 + 3); // heading, rule, one line a customer
    for (const line of out) expect(strlen(line)).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain('…');
    expect(r.stdout).not.toContain('maximiliane.charlotte.von.hohenzollern@sigmaringen-example.de');
    // Numbers are never cut, and line up on the right.
    expect(out[3]).toMatch(/ DE +0 +0\.00$/);
    expect(out[4]).toContain('山田');
  });

  it('at 200 columns shows every value whole, and phone, company and tags where someone has them and they fit', async () => {
    const { cli } = await store();
    const r = await cli('list', atTerminal(200));
    // The company does not fit whole beside the others; the tags do.
    expect(lines(r.stdout)[0]).toMatch(/^id +name +email +phone +group +country +orders +spent +tags$/);
    expect(r.stdout).not.toContain('…');
    expect(r.stdout).toContain('maximiliane.charlotte.von.hohenzollern@sigmaringen-example.de');
    const wide = await cli('list', atTerminal(300));
    expect(lines(wide.stdout)[0]).toMatch(/^id +name +email +phone +company +group +country +orders +spent +tags$/);
    expect(wide.stdout).toContain('Hohenzollern Handelsgesellschaft mbH');
    // An optional column nobody in the page fills is left out.
    const twoShort = await cli('list', '--country', 'BE', atTerminal(200));
    expect(lines(twoShort.stdout)[0]).toMatch(/^id +name +email +group +country +orders +spent$/);
  });

  it('--fields wins: the columns asked for, fitted, and wider than the terminal when they cannot be cut', async () => {
    const { cli } = await store();
    const r = await cli('list', '--fields', 'id,note,tax_exempt', atTerminal(40));
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^id +note +tax_exempt$/);
    for (const line of out) expect(strlen(line)).toBeLessThanOrEqual(40);
    expect(out[2]).toMatch(/^ 1 +Leave parcels.*… +no$/);
    const wide = await cli('list', '--fields', 'id,created_at,updated_at,first_order_at', atTerminal(40));
    expect(lines(wide.stdout)[2]).toContain('2026-03-01T10:00:00Z');
  });

  it('shows yes and no for every yes/no field, blank only where there is no value', async () => {
    const { cli } = await store();
    const r = await cli('list', '--fields', 'id,tax_exempt,accepts_marketing', atTerminal(80));
    expect(lines(r.stdout).slice(2).map((l) => l.trim().split(/ +/))).toEqual([['1', 'no', 'no'], ['2', 'yes', 'no'], ['3', 'no', 'no']]);
  });

  it('has every row when written to a file with --format table (only a terminal gets a page of 50)', async () => {
    const s = storeCli();
    await s.cli('seed', '--count', '60', '--seed', '7');
    const piped = await s.cli('list', '--format', 'table', { env: { NO_COLOR: '1' } });
    expect(lines(piped.stdout)).toHaveLength(2 + 60);
    expect(piped.stderr).toBe('');
  });

  it('is not cut when written to a file with --format table, unless $COLUMNS says how wide', async () => {
    const { cli } = await store();
    const file = await cli('list', '--format', 'table', { env: { NO_COLOR: '1' } });
    expect(file.stdout).toContain('maximiliane.charlotte.von.hohenzollern@sigmaringen-example.de');
    const narrow = await cli('list', '--format', 'table', { env: { NO_COLOR: '1', COLUMNS: '60' } });
    for (const line of lines(narrow.stdout)) expect(strlen(line)).toBeLessThanOrEqual(60);
  });
});

describe('JSON', () => {
  it('arrays are standard pretty JSON (2-space indent, commas at line ends)', async () => {
    const { cli } = await store();
    const r = await cli('list', '--json', '--fields', 'id,tags');
    expect(r.stdout).toBe(JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n');
    expect(r.stdout).not.toMatch(/^,/m);
    expect((await cli('list', '--json', '--country', 'US')).stdout).toBe('[]\n');
    const groups = await cli('groups', 'list', '--json');
    expect(groups.stdout).toBe(JSON.stringify(JSON.parse(groups.stdout), null, 2) + '\n');
  });
});

describe('show', () => {
  it('on a terminal prints a compact record: label and value, empty fields left out, a long note wrapped', async () => {
    const { cli } = await store();
    const r = await cli('show', '1', atTerminal(80));
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^id +1$/);
    expect(out).toContainEqual(expect.stringMatching(/^email +ann@example\.com$/));
    expect(out).toContainEqual(expect.stringMatching(/^tax_exempt +no$/));
    expect(r.stdout).not.toMatch(/^phone/m);
    expect(r.stdout).not.toMatch(/^company/m);
    for (const line of out) expect(strlen(line)).toBeLessThanOrEqual(80);
    const note = out.findIndex((l) => l.startsWith('note'));
    const indent = out[note].indexOf('Leave');
    expect(out[note + 1].slice(0, indent).trim()).toBe('');
    expect(out.slice(note, note + 4).join(' ')).toMatch(/Leave parcels .* shed\. +Gate code 4411\./);
    expect(out.length).toBeLessThan(25);
  });

  it('--all-fields shows empty ones too; --fields picks them, in that order', async () => {
    const { cli } = await store();
    expect((await cli('show', '1', '--all-fields', atTerminal(80))).stdout).toMatch(/^phone$/m);
    expect(lines((await cli('show', '1', '--fields', 'phone,email', atTerminal(80))).stdout)).toEqual(['phone', 'email  ann@example.com']);
    for (const command of [['show', '1'], ['list']]) {
      const both = await cli(...command, '--json', '--format', 'csv');
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('--json and --format csv contradict each other');
    }
    const twice = await cli('list', '--fields', 'email,id,email');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('"email" is given twice in --fields');
    const exported = await cli('export', '--fields', 'email,Email');
    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain('"Email" is given twice');
    const bad = await cli('show', '1', '--fields', 'phone,nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('nope');
  });

  it('--json, --format and --fields work as in listings; without a terminal field<TAB>value lines', async () => {
    const { cli } = await store();
    expect(json(await cli('show', '2', '--json', '--fields', 'id,tags'))).toEqual({ id: 2, tags: ['priority', 'wholesale'] });
    expect((await cli('show', '2', '--format', 'tsv', '--fields', 'id,tax_exempt')).stdout).toBe('id\ttax_exempt\n2\ttrue\n');
    expect((await cli('show', '2', '--format', 'csv', '--fields', 'id,name')).stdout).toBe('id,name\n2,Maximiliane-Charlotte von Hohenzollern-Sigmaringen\n');
    expect(JSON.parse((await cli('show', '2', '--format', 'jsonl', '--fields', 'id')).stdout)).toEqual({ id: 2 });
    const piped = await cli('show', '1');
    expect(piped.stdout).toMatch(/^id\t1\nemail\tann@example\.com\n/);
    expect(piped.stdout).toMatch(/^phone\t$/m);
    expect((await cli('show', '1', '--format', 'ids')).code).toBe(2);
  });
});

describe('through a real terminal', () => {
  it.each([80, 200])('list at %i columns: every line fits, the note about more rows comes after the table', async (cols) => {
    const s = storeCli();
    await s.cli('seed', '--count', '60', '--seed', '7', '--locale', 'mix');
    const pty = startPty(['--db', s.db, 'list'], {}, cols);
    await pty.waitFor('to see them.'); // the exit may be reported before the last output is read
    expect(await pty.exit).toBe(0);
    const screen = pty.output().replace(/\r/g, '').trimEnd().split('\n');
    expect(screen[0]).toMatch(/^id +name +email/);
    expect(screen.at(-1)).toBe('... and 10 more. Use --limit, --offset or --format tsv to see them.');
    expect(screen.at(-2)).toMatch(/^50 /);
    expect(screen).toHaveLength(2 + 50 + 1);
    for (const line of screen) expect(strlen(line)).toBeLessThanOrEqual(cols);
    if (cols === 200) expect(screen[0]).toContain('phone');
  });

  it('show at 80 columns', async () => {
    const { db } = await store();
    const pty = startPty(['--db', db, 'show', '2'], {}, 80);
    await pty.waitFor(/updated_at +\S+Z/);
    expect(await pty.exit).toBe(0);
    const screen = pty.output().replace(/\r/g, '').trimEnd().split('\n');
    expect(screen).toContainEqual(expect.stringMatching(/^tax_exempt +yes$/));
    expect(screen).toContainEqual(expect.stringMatching(/^tags +priority, wholesale$/));
    for (const line of screen) expect(strlen(line)).toBeLessThanOrEqual(80);
  });
});
