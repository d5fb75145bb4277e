/** The CLI as a separate process: no terminal, pipes, concurrent writers, exit codes. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

  it('never waits for a terminal when stdin is closed', async () => {
    const db = storePath();
    const add = await spawnCli(['--db', db, 'add', '--first-name', 'Ann']);
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

  it('a killed bulk update leaves the store as it was', async () => {
    const db = storePath();
    await spawnCli(['--db', db, 'groups', 'create', 'G']);
    seedCustomers(db, 100000);
    const run = spawnCli(['--db', db, 'update', '--all', '--set-group', 'G', '--add-tag', 'a', '--add-tag', 'b', '--yes'], { timeoutMs: 300 });
    const r = await run;
    const check = await spawnCli(['--db', db, 'db', 'check']);
    expect(check.code).toBe(0);
    const grouped = (await spawnCli(['--db', db, 'list', '--group', 'G', '--format', 'count'])).stdout;
    const tagged = (await spawnCli(['--db', db, 'list', '--tag', 'b', '--format', 'count'])).stdout;
    // Either the whole update landed or none of it did.
    if (r.signal === 'SIGKILL') expect([grouped, tagged]).toEqual(['0\n', '0\n']);
    else expect([grouped, tagged]).toEqual(['100000\n', '100000\n']);
  });

  it('a killed import leaves the store as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'store.db');
    await spawnCli(['--db', db, 'add', '--email', 'before@example.com']);
    const file = join(dir, 'big.csv');
    const rows = Array.from({ length: 200000 }, (_, i) => `person${i}@example.com,First${i},Last${i},+32 470 ${String(i).padStart(6, '0')}`);
    writeFileSync(file, 'email,first_name,last_name,phone\n' + rows.join('\n') + '\n');
    const r = await spawnCli(['--db', db, 'import', file], { timeoutMs: 1200 });
    expect(r.signal).toBe('SIGKILL');
    const check = await spawnCli(['--db', db, 'db', 'check']);
    expect(check.stdout).toBe('ok: 1 customer, no problems found\n');
    expect((await spawnCli(['--db', db, 'list', '--format', 'ids'])).stdout).toBe('1\n');
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
