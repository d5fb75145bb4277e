/**
 * One vocabulary across commands (issue 13): --fields on list and export, --sort ignoring case, delimiters by
 * name, durations with weeks and several units, groups create --json/--if-missing, --force for files that
 * exist, and the words of a few errors.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/core/values.js';
import { json, runCli, storeCli } from './helpers/run-cli.js';
import { BIN } from './helpers/spawn-cli.js';

describe('durations', () => {
  it('take weeks and several units, ignoring case and spaces between them', () => {
    expect(parseDuration('2w')).toBe(14 * 86400);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1w2d')).toBe(9 * 86400);
    expect(parseDuration('1h 30m')).toBe(5400);
    expect(parseDuration('14D')).toBe(14 * 86400);
    expect(parseDuration('30s')).toBe(30);
  });

  it('refuse a bare number with a hint to add a unit, and other text as before', () => {
    expect(() => parseDuration('1209600')).toThrow('"1209600" has no unit; add one, such as 1209600s, or 14d, if it is seconds (units: s, m, h, d, w)');
    expect(() => parseDuration('0')).toThrow('has no unit; add one, such as 14d');
    expect(() => parseDuration('14 days')).toThrow('"14 days" is not a duration (expected numbers with units, largest first: 30s, 15m, 2h, 14d, 2w, 1h30m)');
    expect(() => parseDuration('14')).toThrow('"14" has no unit; add one, such as 14s or 14d (units');
    expect(() => parseDuration('30m1h')).toThrow('largest first');
    expect(() => parseDuration('1h1h')).toThrow('largest first');
    expect(() => parseDuration('1h30')).toThrow('is not a duration');
    expect(() => parseDuration('0s')).toThrow('"0s" is no time at all; give a duration longer than 0');
    expect(parseDuration('0s', { zero: true })).toBe(0);
    expect(() => parseDuration('600w')).toThrow('longer than 10 years');
  });

  it('are written back in days, hours, minutes and seconds', () => {
    expect(formatDuration(14 * 86400)).toBe('14d');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(86400 + 61)).toBe('1d1m1s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('show their default as a duration in help, and are read the same way on every command', async () => {
    const help = await runCli(['login-link', 'issue', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(default: 14d)');
    expect(help.stdout).not.toContain('1209600');
    expect((await runCli(['login-link', 'purge', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('(default: any age)');

    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const issued = json<{ expires_at: string }[]>(await cli('login-link', 'issue', 'a@example.com', '--ttl', '1w2d', '--url', 'https://shop.example.com/login?key={token}', '--json'));
    expect(issued[0].expires_at).toBe('2026-03-10T10:00:00Z');
    const bare = await cli('login-link', 'issue', 'a@example.com', '--ttl', '1209600', '--url', 'https://shop.example.com/login?key={token}');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('"1209600" has no unit; add one, such as 1209600s, or 14d');
    expect((await cli('login-link', 'purge', '--older-than', '2w', '--dry-run')).code).toBe(0);
    expect((await cli('login-link', 'purge', '--older-than', '0s', '--dry-run')).code).toBe(0);
    expect((await cli('login-link', 'issue', 'a@example.com', '--ttl', '0s')).code).toBe(2);
    const prune = await cli('history', 'prune', '--older-than', '90');
    expect(prune.code).toBe(2);
    expect(prune.stderr).toContain('"90" has no unit');
    expect((await cli('history', 'prune', '--older-than', '1w1d')).code).toBe(0);
  });
});

describe('delimiters by name', () => {
  it('import and export take comma, semicolon, tab and pipe (any case) beside the symbols, and say them', async () => {
    const { cli, dir } = storeCli();
    const file = join(dir, 'in.csv');
    writeFileSync(file, 'email;first_name\na@example.com;Ann\n');
    const imported = await cli('import', file, '--delimiter', 'Semicolon');
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('delimiter semicolon');
    expect((await cli('export', '--fields', 'email,first_name', '--delimiter', 'pipe')).stdout).toBe('email|first_name\r\na@example.com|Ann\r\n');
    expect((await cli('export', '--fields', 'email,first_name', '--delimiter', 'TAB')).stdout).toBe('email\tfirst_name\r\na@example.com\tAnn\r\n');
    expect((await cli('export', '--fields', 'email,first_name', '--delimiter', ';')).stdout).toBe('email;first_name\r\na@example.com;Ann\r\n');
    const out = join(dir, 'out.csv');
    expect((await cli('export', out, '--delimiter', 'comma')).stderr).toContain('(native, delimiter comma)');
    const bad = await cli('export', '--delimiter', 'colon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown delimiter "colon" (expected comma, semicolon, tab or pipe, or ",", ";", "|")');
  });

  it('orders import takes them too', async () => {
    const { cli, dir } = storeCli();
    const file = join(dir, 'orders.csv');
    writeFileSync(file, 'number|email|total|currency|placed_at\n1001|a@example.com|10.00|EUR|2026-01-01T00:00:00Z\n');
    const r = await cli('orders', 'import', file, '--delimiter', 'pipe');
    expect(r.stderr).toContain('delimiter pipe');
    expect(r.code).toBe(0);
  });
});

describe('--fields, the one name for picking columns', () => {
  it('export takes --fields with every field list takes (name too), in the order given; --columns still works', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann', '--last-name', 'Lee');
    expect((await cli('export', '--fields', 'name,email,id')).stdout).toBe('name,email,id\r\nAnn Lee,a@example.com,1\r\n');
    expect((await cli('list', '--fields', 'name,email,id', '--format', 'csv')).stdout).toBe('name,email,id\nAnn Lee,a@example.com,1\n');
    expect((await cli('export', '--columns', 'email,name')).stdout).toBe('email,name\r\na@example.com,Ann Lee\r\n');
    // Without --fields, the native file stays what imports back: no name column.
    expect((await cli('export')).stdout.split('\r\n')[0]).not.toMatch(/(^|,)name(,|$)/);
    const both = await cli('export', '--fields', 'email', '--columns', 'email');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--columns is another name for --fields; give one of them');
    const bad = await cli('export', '--fields', 'email,mobile');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown field "mobile" for the native preset');
    expect(bad.stderr).toMatch(/Valid fields: id, .*, name\./);
  });

  it("a platform preset takes its own headers in --fields, ignoring case; help says so and hides --columns", async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    expect((await cli('export', '--preset', 'shopify', '--fields', 'email,first name')).stdout).toBe('Email,First Name\r\na@example.com,Ann\r\n');
    const bad = await cli('export', '--preset', 'shopify', '--fields', 'name');
    expect(bad.stderr).toContain('unknown column "name" for the shopify preset');
    const help = (await runCli(['export', '--help'])).stdout;
    expect(help).toContain('--fields <list>');
    expect(help.replace(/\s+/g, ' ')).toContain("with another, that platform's headers");
    expect(help).not.toContain('--columns');
  });
});

describe('--sort', () => {
  it('takes the field and direction in any case, on list and search; a bad one still lists the fields', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    await cli('add', '--email', 'b@example.com', '--first-name', 'Bob');
    expect((await cli('list', '--sort', 'First_Name:DESC', '--format', 'ids')).stdout).toBe('2\n1\n');
    expect((await cli('list', '--sort', 'EMAIL:Asc', '--format', 'ids')).stdout).toBe('1\n2\n');
    expect((await cli('search', 'example', '--sort', 'first_name:Desc', '--format', 'ids')).stdout).toBe('2\n1\n');
    const bad = await cli('list', '--sort', 'Total_Spent:down');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot sort by "Total_Spent:down"');
    expect(bad.stderr).toContain('Sort by one of id, email, first_name');
  });
});

describe('files that exist are replaced only with --force', () => {
  it('export and orders export refuse an existing file, naming it; --force replaces it; /dev/null is written to', async () => {
    const { cli, dir } = storeCli();
    await cli('add', '--email', 'a@example.com');
    await cli('orders', 'add', '--email', 'a@example.com', '--total', '10', '--currency', 'EUR');
    for (const command of [['export'], ['orders', 'export']]) {
      const file = join(dir, `${command.join('-')}.csv`);
      writeFileSync(file, 'old\n');
      const refused = await cli(...command, file);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: ${file} already exists\n  Pass --force to replace it, or name another file.\n`);
      expect(readFileSync(file, 'utf8')).toBe('old\n');
      expect((await cli(...command, file, '--force')).code).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain('a@example.com');
      expect((await cli(...command, '/dev/null')).code).toBe(0);
      // A folder is refused before any work, with or without --force.
      for (const force of [[], ['--force']]) {
        const folder = await cli(...command, dir, ...force);
        expect(folder.code).toBe(2);
        expect(folder.stderr).toBe(`error: cannot write ${dir}: it is a folder\n`);
      }
    }
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('an import refuses to replace its --errors file unless --force, and writes it whole', async () => {
    const { cli, dir } = storeCli();
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'email,country\na@example.com,ZZ\n');
    const errors = join(dir, 'errors.csv');
    writeFileSync(errors, 'old\n');
    const refused = await cli('import', input, '--errors', errors);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${errors} already exists`);
    expect(readFileSync(errors, 'utf8')).toBe('old\n');
    const forced = await cli('import', input, '--errors', errors, '--force');
    expect(forced.code).toBe(1); // the row is rejected
    expect(readFileSync(errors, 'utf8')).toContain('a@example.com,ZZ,2,country');
    expect((await cli('orders', 'import', input, '--errors', errors)).stderr).toContain('Pass --force to replace it');
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('db backup takes --force to replace a backup, refuses a device, and names a missing folder', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const copy = join(dir, 'copy.db');
    writeFileSync(copy, 'old');
    const refused = await cli('db', 'backup', copy);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`error: ${copy} already exists\n  Pass --force to replace it, or name another file.\n`);
    expect((await cli('db', 'backup', copy, '--force')).code).toBe(0);
    expect((await runCli(['--db', copy, 'list', '--format', 'ids'])).stdout).toBe('1\n');
    const device = await cli('db', 'backup', '/dev/null', '--force');
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('cannot write /dev/null: it is not a regular file');
    const self = await cli('db', 'backup', db, '--force');
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('it is the store');
    const missing = await cli('db', 'backup', join(dir, 'no', 'such', 'bk.db'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: cannot write ${join(dir, 'no', 'such', 'bk.db')}: the folder ${join(dir, 'no', 'such')} does not exist; create it first, or name a file in a folder that exists\n`);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});

describe('groups create', () => {
  it('--json prints the group as groups list --json does', async () => {
    const { cli } = storeCli();
    const r = await cli('groups', 'create', 'VIP', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'VIP', customers: 0, created_at: '2026-03-01T10:00:00Z' });
    expect(JSON.parse(r.stdout)).toEqual(json<object[]>(await cli('groups', 'list', '--json'))[0]);
    expect(r.stderr).toContain('Created group "VIP".\n');
  });

  it('--if-missing: an existing group is exit 0 and a note, and --json prints it as stored', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'VIP');
    await cli('add', '--email', 'a@example.com', '--group', 'VIP');
    const again = await cli('groups', 'create', 'vip', '--if-missing', '--json', { now: new Date('2026-04-01T00:00:00Z') });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('Group "VIP" exists already; nothing changed.\n');
    expect(JSON.parse(again.stdout)).toEqual({ name: 'VIP', customers: 1, created_at: '2026-03-01T10:00:00Z' });
    const plain = await cli('groups', 'create', 'VIP', '--if-missing');
    expect(plain).toMatchObject({ code: 0, stdout: '' });
    expect((await cli('groups', 'create', 'New', '--if-missing')).stderr).toBe('Created group "New".\n');
    expect((await cli('groups', 'create', 'VIP')).code).toBe(1);
  });
});

/**
 * Starts `customers ARGS` and sends it SIGINT once its writer's note (written when the import's transaction
 * begins) is there: a signal that the import is under way, whatever the machine's speed.
 */
function interruptOnceWriting(db: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; sawNote: boolean }> {
  const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let running = true;
  let sawNote = false;
  const watch = async () => {
    while (running && !existsSync(`${db}-writer`)) await new Promise((r) => setTimeout(r, 2));
    if (!running) return;
    sawNote = true;
    child.kill('SIGINT');
  };
  void watch();
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      running = false;
      resolve({ code, signal, stderr, sawNote });
    });
  });
}

describe('Ctrl-C during an import', () => {
  const rows = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n') + '\n';

  it('says nothing was imported, exits 130 and leaves the store as it was', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'kept@example.com');
    const file = join(dir, 'big.csv');
    writeFileSync(file, 'email,first_name,last_name,city\n' + rows(60_000, (i) => `user${i}@example.com,First${i},Last${i},City ${i % 97}`));
    const r = await interruptOnceWriting(db, ['import', file, '--errors', join(dir, 'errors.csv')]);
    expect(r.sawNote).toBe(true);
    expect(r.stderr).toBe('cancelled; nothing was imported\n');
    expect(r.code).toBe(130);
    expect((await cli('list', '--format', 'csv', '--fields', 'email')).stdout).toBe('email\nkept@example.com\n');
    expect(existsSync(`${db}-writer`)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('errors.csv'))).toEqual([]);
  }, 60_000);

  it('orders import too', async () => {
    const { cli, db, dir } = storeCli();
    await cli('orders', 'add', '--email', 'kept@example.com', '--total', '1', '--currency', 'EUR', '--number', '1');
    const file = join(dir, 'orders.csv');
    writeFileSync(file, 'number,email,total,currency,placed_at\n' + rows(60_000, (i) => `${i + 10},u${i % 500}@example.com,10.00,EUR,2026-01-01T00:00:00Z`));
    const r = await interruptOnceWriting(db, ['orders', 'import', file]);
    expect(r.sawNote).toBe(true);
    expect(r.stderr).toBe('cancelled; nothing was imported\n');
    expect(r.code).toBe(130);
    expect((await cli('orders', 'list', '--format', 'count')).stdout).toBe('1\n');
  }, 60_000);
});
