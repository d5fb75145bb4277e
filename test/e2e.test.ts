/** The CLI as a separate process: no terminal, pipes, concurrent writers, exit codes. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { rebuildSearchIndex } from '../src/store/search-index.js';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/run-cli.js';
import { BIN, spawnCli } from './helpers/spawn-cli.js';

/** Adds n bare customers straight into an existing store, as another program might, then reindexes them. */
function seedCustomers(db: string, n: number): void {
  const raw = new Database(db);
  raw.prepare(
    `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
     INSERT INTO customers (email, created_at, updated_at) SELECT 'c' || i || '@example.com', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM seq`,
  ).run(n);
  rebuildSearchIndex(raw);
  raw.close();
}

function storePath(): string {
  return join(tempDir(), 'store.db');
}

describe('as a process', () => {
  it('prints its version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await spawnCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('exits 2 on an unknown command or flag, with a hint', async () => {
    const r = await spawnCli(['lsit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'lsit'");
    expect(r.stderr).toContain('(Did you mean list?)');
    expect((await spawnCli(['list', '--colour'])).code).toBe(2);
  });

  it('twenty processes creating the same new store at once all succeed', async () => {
    for (let round = 0; round < 2; round++) {
      const db = storePath();
      const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => spawnCli(['--db', db, 'add', '--email', `u${i}@example.com`], { timeoutMs: 60_000 })));
      expect(runs.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
      expect((await spawnCli(['--db', db, 'list', '--format', 'count'])).stdout).toBe('20\n');
    }
  });

  it('a process reading a new store while another creates it sees all of the store or none of it', async () => {
    // The first pauses between reading the store's application id and its tables; the second creates the
    // store meanwhile. Read apart, the two look like tables without our id: another program's database.
    const db = storePath();
    const first = spawnCli(['--db', db, 'add', '--email', 'first@example.com'], { env: { CUSTOMERS_TEST_PAUSE_IN_IDENTITY_MS: '2000' } });
    const started = Date.now();
    while (!existsSync(db) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    const second = await spawnCli(['--db', db, 'add', '--email', 'second@example.com']);
    expect([(await first).stderr, second.stderr]).toEqual([`Created a new store at ${db}\n`, '']);
    expect((await spawnCli(['--db', db, 'list', '--format', 'count'])).stdout).toBe('2\n');
  });

  it('never waits for a terminal when stdin is closed', async () => {
    const db = storePath();
    const add = await spawnCli(['--db', db, 'add', '--tag', 'vip']);
    expect(add.code).toBe(2);
    expect(add.stderr).toContain('pass --email');
    await spawnCli(['--db', db, 'add', '--email', 'a@example.com']);
    for (const args of [['edit', '1'], ['delete', '1'], ['update', '--all', '--add-tag', 'x'], ['groups', 'delete', 'x']]) {
      const r = await spawnCli(['--db', db, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.signal).toBeNull();
    }
  });

  it('works in a pipeline: list --format ids | update --from-file -', async () => {
    const db = storePath();
    for (const email of ['a@example.be', 'b@example.be', 'c@example.fr']) {
      await spawnCli(['--db', db, 'add', '--email', email, '--country', email.endsWith('.be') ? 'BE' : 'FR']);
    }
    const out = execFileSync('sh', ['-c', `"${process.execPath}" "${BIN}" --db "${db}" list --country BE --format ids | "${process.execPath}" "${BIN}" --db "${db}" update --from-file - --add-tag belgian --yes 2>&1`], { encoding: 'utf8' });
    expect(out).toBe('Changed 2 customers.\n');
    const listed = await spawnCli(['--db', db, 'list', '--tag', 'belgian', '--format', 'csv', '--fields', 'email']);
    expect(listed.stdout).toBe('email\na@example.be\nb@example.be\n');
  });

  it('stops quietly when the reader of its output goes away', async () => {
    const db = storePath();
    await spawnCli(['--db', db, 'add', '--email', 'seed@example.com']);
    seedCustomers(db, 20000);
    const out = execFileSync('sh', ['-c', `"${process.execPath}" "${BIN}" --db "${db}" list 2>&1 | head -n 2`], { encoding: 'utf8' });
    expect(out.split('\n')[1]).toMatch(/^1\tseed@example.com\t/);
    expect(out).not.toContain('EPIPE');
    expect(out.split('\n')).toHaveLength(3);
  });

  it('imports running at once, all creating one group, each get their own customers and a sound index', async () => {
    const db = storePath();
    await spawnCli(['--db', db, 'add', '--email', 'seed@example.com']);
    const dir = tempDir();
    const files = ['Alpha', 'Bravo', 'Charlie', 'Delta'].map((name) => {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, 'email,first_name\n' + Array.from({ length: 2000 }, (_, i) => `${name.toLowerCase()}${i}@example.com,${name}${i}`).join('\n') + '\n');
      return file;
    });
    const runs = await Promise.all(files.map((file) => spawnCli(['--db', db, 'import', file, '--group', 'G1'], { timeoutMs: 60_000 })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect((await spawnCli(['--db', db, 'list', '--group', 'G1', '--format', 'count'])).stdout).toBe('8000\n');
    expect((await spawnCli(['--db', db, 'search', 'Bravo1500', '--format', 'csv', '--fields', 'first_name'])).stdout).toBe('first_name\nBravo1500\n');
    expect((await spawnCli(['--db', db, 'db', 'check'])).code).toBe(0);
  });

  it('a second writer waits for the first instead of failing', async () => {
    const db = storePath();
    expect((await spawnCli(['--db', db, 'add', '--email', 'first@example.com'])).code).toBe(0);
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare("UPDATE customers SET note = 'held' WHERE id = 1").run();
    const waiting = spawnCli(['--db', db, 'add', '--email', 'second@example.com']);
    await new Promise((r) => setTimeout(r, 800));
    holder.exec('COMMIT');
    holder.close();
    const r = await waiting;
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(700);
    const check = await spawnCli(['--db', db, 'list', '--format', 'jsonl', '--fields', 'email,note']);
    expect(check.stdout).toBe('{"email":"first@example.com","note":"held"}\n{"email":"second@example.com","note":null}\n');
  });

  it('eight different writers at once all succeed, and the store holds every change', async () => {
    const db = storePath();
    await spawnCli(['--db', db, 'groups', 'create', 'Wholesale']);
    seedCustomers(db, 3000);
    const dir = tempDir();
    const file = join(dir, 'new.csv');
    writeFileSync(file, 'email,first_name\n' + Array.from({ length: 3000 }, (_, i) => `new${i}@example.com,New${i}`).join('\n') + '\n');
    const runs = await Promise.all([
      ['import', file],
      ['update', '--all', '--add-tag', 'seen', '--yes'],
      ['add', '--email', 'added@example.com'],
      ['edit', '1', '--first-name', 'Edited'],
      ['delete', '2', '--yes'],
      ['groups', 'create', 'Retail'],
      ['login-link', 'issue', '3', '--create-account', '--url', 'https://shop.example.com/login?token={token}'],
      ['config', 'set', 'store.name', 'Example Shop'],
    ].map((args) => spawnCli(['--db', db, ...args], { timeoutMs: 60_000 })));
    expect(runs.map((r) => [r.code, r.stderr.match(/error.*/)?.[0] ?? ''])).toEqual(runs.map(() => [0, '']));
    const count = (...args: string[]) => spawnCli(['--db', db, 'list', ...args, '--format', 'count']).then((r) => r.stdout);
    expect(await count()).toBe('6000\n'); // 3,000 + 3,000 imported + 1 added - 1 deleted
    expect((await spawnCli(['--db', db, 'search', 'New2999', '--format', 'count'])).stdout).toBe('1\n');
    expect(JSON.parse((await spawnCli(['--db', db, 'show', '1', '--json'])).stdout).first_name).toBe('Edited');
    expect(JSON.parse((await spawnCli(['--db', db, 'groups', 'list', '--json'])).stdout).map((g: { name: string }) => g.name).sort()).toEqual(['Retail', 'Wholesale']);
    expect((await spawnCli(['--db', db, 'login-link', 'list', '3', '--format', 'count'])).stdout).toBe('1\n');
    expect((await spawnCli(['--db', db, 'db', 'check'])).code).toBe(0);
  });

  // Crashes at a chosen write, not at a chosen time: CUSTOMERS_TEST_CRASH_AFTER_ROWS makes the process SIGKILL
  // itself once that many rows are written, inside the transaction.
  const crashAfter = (rows: number) => ({ env: { CUSTOMERS_TEST_CRASH_AFTER_ROWS: String(rows) } });

  it('a bulk update or delete killed mid-write leaves the store as it was', async () => {
    const db = storePath();
    await spawnCli(['--db', db, 'groups', 'create', 'G']);
    seedCustomers(db, 5000);
    const update = await spawnCli(['--db', db, 'update', '--all', '--set', 'group=G', '--add-tag', 'a', '--add-tag', 'b', '--yes'], crashAfter(5000));
    expect(update.signal).toBe('SIGKILL');
    const deletion = await spawnCli(['--db', db, 'delete', '--all', '--yes'], crashAfter(1));
    expect(deletion.signal).toBe('SIGKILL');
    expect((await spawnCli(['--db', db, 'db', 'check'])).stdout).toBe('ok: 5,000 customers, no problems found\n');
    const grouped = (await spawnCli(['--db', db, 'list', '--group', 'G', '--format', 'count'])).stdout;
    const tagged = (await spawnCli(['--db', db, 'list', '--tag', 'b', '--format', 'count'])).stdout;
    expect([grouped, tagged]).toEqual(['0\n', '0\n']);
    // The same commands, not killed, do the whole change; a killed one left no operation in the history.
    const kinds = async () => (await spawnCli(['--db', db, 'history', '--format', 'tsv', '--fields', 'kind'])).stdout;
    expect(await kinds()).toBe('kind\ngroups create\n');
    await spawnCli(['--db', db, 'update', '--all', '--set', 'group=G', '--add-tag', 'b', '--yes']);
    expect((await spawnCli(['--db', db, 'list', '--tag', 'b', '--format', 'count'])).stdout).toBe('5000\n');
    // An undo killed mid-way leaves the change in place, and the history as it was.
    expect((await spawnCli(['--db', db, 'undo'], crashAfter(1))).signal).toBe('SIGKILL');
    expect((await spawnCli(['--db', db, 'list', '--tag', 'b', '--format', 'count'])).stdout).toBe('5000\n');
    expect(await kinds()).toBe('kind\nupdate\ngroups create\n');
    expect((await spawnCli(['--db', db, 'db', 'check'])).code).toBe(0);
  });

  it('two processes undoing the same operation at once: one undoes it, the other says it is already undone', async () => {
    const db = storePath();
    await spawnCli(['--db', db, 'groups', 'create', 'G']);
    seedCustomers(db, 2000);
    await spawnCli(['--db', db, 'update', '--all', '--add-tag', 'x', '--yes']);
    const runs = await Promise.all([0, 1].map(() => spawnCli(['--db', db, 'undo', '2'])));
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(runs.find((r) => r.code === 1)!.stderr).toContain('operation 2 (update, ');
    expect(runs.find((r) => r.code === 1)!.stderr).toContain('is already undone, by operation 3');
    expect((await spawnCli(['--db', db, 'list', '--tag', 'x', '--format', 'count'])).stdout).toBe('0\n');
    expect((await spawnCli(['--db', db, 'db', 'check'])).code).toBe(0);
  });

  it('an import killed mid-file leaves the store as it was, into a store with customers or an empty one', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.csv');
    const rows = Array.from({ length: 20000 }, (_, i) => `person${i}@example.com,First${i},Last${i},+32 470 ${String(i).padStart(6, '0')}`);
    writeFileSync(file, 'email,first_name,last_name,phone\n' + rows.join('\n') + '\n');
    const db = join(dir, 'store.db');
    await spawnCli(['--db', db, 'add', '--email', 'before@example.com']);
    for (const env of [{}, { CUSTOMERS_NO_WORKER: '1' }]) {
      const r = await spawnCli(['--db', db, 'import', file], { env: { ...env, ...crashAfter(15000).env } });
      expect(r.signal).toBe('SIGKILL');
    }
    expect((await spawnCli(['--db', db, 'db', 'check'])).stdout).toBe('ok: 1 customer, no problems found\n');
    expect((await spawnCli(['--db', db, 'list', '--format', 'ids'])).stdout).toBe('1\n');
    // Into an empty store the import drops and rebuilds the secondary indexes: a crash must bring them back too.
    const fresh = join(dir, 'fresh.db');
    expect((await spawnCli(['--db', fresh, 'import', file], crashAfter(15000))).signal).toBe('SIGKILL');
    expect((await spawnCli(['--db', fresh, 'db', 'check'])).stdout).toBe('ok: 0 customers, no problems found\n');
    const raw = new Database(fresh, { readonly: true });
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL").pluck().get()).toBe(14);
    raw.close();
    const done = await spawnCli(['--db', fresh, 'import', file, '--json']);
    expect(JSON.parse(done.stdout)).toMatchObject({ created: 20000, rejected: 0 });
  });

  it('parses files in a worker thread with the same results as on the main thread', async () => {
    const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
    for (const name of ['excel-semicolon-windows1252.csv', 'excel-utf16le-tab.csv', 'pipe-quoted-multiline.csv', 'invalid-rows.csv', 'duplicates.csv']) {
      const runs = [];
      for (const env of [{}, { CUSTOMERS_NO_WORKER: '1' }]) {
        const db = storePath();
        const r = await spawnCli(['--db', db, 'import', fixture(name), '--skip-invalid', '--json'], { env });
        const exported = await spawnCli(['--db', db, 'export'], { env });
        runs.push({ code: r.code, stdout: r.stdout, stderr: r.stderr.replace(db, 'DB'), exported: exported.stdout.replace(/\d{4}-\d\d-\d\dT[\d:]+Z/g, 'T') });
      }
      expect(runs[0], name).toEqual(runs[1]);
      expect(runs[0].code, name).toBe(0);
    }
    const bad = await spawnCli(['--db', storePath(), 'import', fixture('invalid-rows.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 6, column "phone", value "4.41E+11"');
    const noHeader = join(tempDir(), 'empty.csv');
    writeFileSync(noHeader, '');
    const empty = await spawnCli(['--db', storePath(), 'import', noHeader]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('the file is empty: no header line');
  });
});
