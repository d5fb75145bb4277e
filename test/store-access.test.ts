/** The store when it cannot be used as usual: read-only for this user, damaged, or being written by another process. */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeCommand } from '../src/cli/context.js';
import { main } from '../src/cli/main.js';
import { openStore } from '../src/store/open.js';
import { BIN, spawnCli } from './helpers/spawn-cli.js';
import { storeCli, tempDir } from './helpers/run-cli.js';

/** A CSV of n customers. */
function customersCsv(dir: string, n: number, name = 'customers.csv'): string {
  const file = join(dir, name);
  const rows = Array.from({ length: n }, (_, i) => `person${i}@example.com,First${i},Last${i},Company number ${i}`);
  writeFileSync(file, 'email,first_name,last_name,company\n' + rows.join('\n') + '\n');
  return file;
}

describe('a store this user may only read (issue 9, point 14)', () => {
  // Root ignores file modes: as root the commands run as nobody, on a store root owns (0644 in a 0755 folder);
  // as anyone else they run as themselves on a store made read-only (0444 in a 0555 folder).
  const root = process.getuid?.() === 0;
  const asReader = (db: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent-home' },
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const lockDown = (dir: string, db: string) => {
    chmodSync(db, root ? 0o644 : 0o444);
    chmodSync(dir, root ? 0o755 : 0o555);
  };

  it('is read without creating -wal or -shm files; a write fails naming the path and what to do', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    lockDown(dir, db);
    try {
      const list = asReader(db, 'list', '--fields', 'email,first_name');
      expect(list).toMatchObject({ code: 0, stdout: 'email\tfirst_name\na@example.com\tAnn\n' });
      expect(asReader(db, 'db', 'check')).toMatchObject({ code: 0, stdout: 'ok: 1 customer, no problems found\n' });
      expect(readdirSync(dir)).toEqual(['store.db']);
      const add = asReader(db, 'add', '--email', 'b@example.com');
      expect(add.code).toBe(1);
      expect(add.stderr).toContain(`cannot change the store: ${db} is read-only for this user`);
      expect(add.stderr).toContain('Run the command as the owner of the store');
      expect(readdirSync(dir)).toEqual(['store.db']);
    } finally {
      chmodSync(dir, 0o700);
      chmodSync(db, 0o600);
    }
    // Its owner still writes to it: nothing of the reader's is left in the way.
    expect((await cli('add', '--email', 'c@example.com')).code).toBe(0);
    expect((await cli('list', '--format', 'count')).stdout).toBe('2\n');
  });

  it('dry runs of import, update and delete check everything against a private copy', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'email,first_name\na@example.com,Anna\nb@example.com,Bob\nnot-an-email,Eve\n');
    const before = readFileSync(db);
    lockDown(dir, db);
    try {
      const dryImport = asReader(db, 'import', input, '--dry-run', '--json');
      expect(dryImport.code).toBe(1); // one row rejected
      expect(JSON.parse(dryImport.stdout)).toMatchObject({ created: 1, updated: 1, rejected: 1 });
      const dryUpdate = asReader(db, 'update', '--all', '--add-tag', 'vip', '--dry-run', '--json');
      expect(dryUpdate.code).toBe(0);
      expect(JSON.parse(dryUpdate.stdout)).toMatchObject({ selected: 1, would_change: 1, dry_run: true });
      const dryDelete = asReader(db, 'delete', '--all', '--dry-run', '--json');
      expect(dryDelete.code).toBe(0);
      expect(JSON.parse(dryDelete.stdout)).toMatchObject({ selected: 1, would_delete: 1, dry_run: true });
      expect(readdirSync(dir).sort()).toEqual(['in.csv', 'store.db']);
    } finally {
      chmodSync(dir, 0o700);
      chmodSync(db, 0o600);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('reads the changes a -wal left without its -shm holds', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'a@example.com', '--first-name', 'Ann');
    // A committed change that is only in the -wal, as a crash of its last writer leaves it (the -shm removed).
    const main = readFileSync(db);
    const writer = new Database(db);
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare("UPDATE customers SET first_name = 'Annie'").run();
    const wal = readFileSync(`${db}-wal`);
    writer.close();
    writeFileSync(db, main);
    writeFileSync(`${db}-wal`, wal);
    lockDown(dir, db);
    try {
      expect(asReader(db, 'list', '--fields', 'first_name')).toMatchObject({ code: 0, stdout: 'first_name\nAnnie\n' });
      expect(readdirSync(dir).sort()).toEqual(['store.db', 'store.db-wal']);
    } finally {
      chmodSync(dir, 0o700);
      chmodSync(db, 0o600);
    }
  });

  it('a store this user may not read at all is refused naming the path and what to do', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'a@example.com');
    chmodSync(dir, 0o755);
    chmodSync(db, root ? 0o600 : 0o000);
    try {
      const list = asReader(db, 'list');
      expect(list.code).toBe(1);
      expect(list.stderr).toContain(`cannot open ${db}: permission denied`);
      expect(list.stderr).toContain('ask them for access to the file and its folder, or pass --db with a store of yours');
    } finally {
      chmodSync(db, 0o600);
    }
  });
});

describe('a damaged store (issue 9, point 16)', () => {
  it('db check lists the damage and says to restore a backup; db backup and import refuse it', async () => {
    const { cli, db, dir } = storeCli();
    expect((await cli('import', customersCsv(dir, 3000))).code).toBe(0);
    const raw = new Database(db);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    // Garbage over three pages in the middle of the file.
    const fd = openSync(db, 'r+');
    const middle = Math.floor(statSync(db).size / pageSize / 2) * pageSize;
    writeSync(fd, Buffer.alloc(3 * pageSize, 0x5a), 0, 3 * pageSize, middle);
    closeSync(fd);

    const check = await cli('db', 'check');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`error: ${db} is damaged: SQLite's integrity check reports\n`);
    expect(check.stderr).toMatch(/ {2}SQLite integrity check: Tree \d+ page \d+/);
    expect(check.stderr).toContain('  Restore the latest backup (customers db backup FILE makes one;');
    expect(check.stderr.split('\n').length).toBeLessThan(30);

    const backup = await cli('db', 'backup', join(dir, 'copy.db'));
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain(`${db} is damaged, so the backup was not done`);
    expect(existsSync(join(dir, 'copy.db'))).toBe(false);

    const more = await cli('import', customersCsv(dir, 5, 'more.csv'));
    expect(more.code).toBe(1);
    expect(more.stderr).toContain(`${db} is damaged, so the import was not done`);
    expect(more.stderr).toContain('Restore the latest backup');
  });
});

describe('a store damaged where only reading finds it', () => {
  it('an export that meets the damage says what it means and what to do, not a bare "malformed"', async () => {
    const { cli, db, dir } = storeCli();
    const file = join(dir, 'many.csv');
    writeFileSync(file, 'email,first_name,last_name,note\n' + Array.from({ length: 20000 }, (_, i) => `p${i}@example.com,F${i},L${i},${'x'.repeat(50)}`).join('\n') + '\n');
    expect((await cli('import', file, '-q')).code).toBe(0);
    // Page 200 of the customers table's pages, overwritten: the opening checks do not read it, an export does.
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.from('\xde\xad'.repeat(2048), 'latin1'), 0, 4096, 819200);
    closeSync(fd);
    const exported = await cli('export', '-');
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(`error: ${db} is damaged (SQLite: database disk image is malformed)\n  customers db check lists what is damaged.\n  Restore the latest backup`);
  });
});

describe('paths that are not a store file', () => {
  it('a device or a pipe given as the store is refused, and nothing is created beside it', async () => {
    for (const device of ['/dev/null', '/dev/zero']) {
      const r = await spawnCli(['--db', device, 'list']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${device} is not a store file: it is a device or a pipe`);
      expect(existsSync(`${device}-journal`)).toBe(false);
    }
  });
});

describe('a store being written by another process (issue 9, point 13)', () => {
  it('a write that waits in vain says which customers command holds the store, and what to do', async () => {
    const { cli, db } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const holder = openStore(db, { create: false, command: 'customers import --json' });
    try {
      await holder.writeAsync(async () => {
        holder.write(() => undefined); // a nested write keeps the note of the outer one
        const r = await cli('add', '--email', 'b@example.com', { env: { CUSTOMERS_TEST_BUSY_TIMEOUT_MS: '50' } });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(
          new RegExp(`^error: ${db} is being written by another customers process \\(pid ${process.pid}, \`customers import --json\`, since \\d\\d:\\d\\d:\\d\\d\\); gave up after waiting 50 ms\n`),
        );
        expect(r.stderr).toContain('  Wait for it to finish and run the command again.\n');
      });
    } finally {
      holder.close();
    }
    expect(existsSync(`${db}-writer`)).toBe(false);
    expect((await cli('add', '--email', 'b@example.com')).code).toBe(0);
  });

  it('the note never writes through a symlink planted under its name', async () => {
    const { cli, db, dir } = storeCli();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, `${db}-writer`);
    expect((await cli('add', '--email', 'a@example.com')).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('the note names the command and its flags, never a value', async () => {
    const dir = tempDir();
    const db = join(dir, 'store.db');
    // Killed inside its transaction, the import leaves its note behind (ignored: its process is gone).
    const killed = await spawnCli(['--db', db, 'import', customersCsv(dir, 10), '--json'], { env: { CUSTOMERS_TEST_CRASH_AFTER_ROWS: '1' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(JSON.parse(readFileSync(`${db}-writer`, 'utf8'))).toMatchObject({ command: 'customers import --db --json', pid: expect.any(Number) });
    const argv = ['--db', db, 'config', 'set', 'mail.smtp_url', 'smtp://user:secret@mail.example.com', '--quiet', '--name=secret'];
    expect(describeCommand(['config', 'set'], argv)).toBe('customers config set --db --quiet --name');
  });
});

describe('an import of plain-text passwords beside another writer (issue 9, point 13)', () => {
  /** Runs an import in this process, its stderr a terminal; `onFirstProgress` runs as its first progress line is written. */
  async function importShowingProgress(db: string, file: string, onFirstProgress: (line: string) => void): Promise<{ code: number; stdout: string }> {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    const write = stderr.write.bind(stderr) as (chunk: unknown) => boolean;
    let seen = false;
    stderr.write = ((chunk: unknown) => {
      if (!seen && String(chunk).includes('\r')) {
        seen = true;
        onFirstProgress(String(chunk));
      }
      return write(chunk);
    }) as typeof stderr.write;
    stderr.resume();
    const stdout = Object.assign(new PassThrough(), { isTTY: false });
    const out: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    const stdin = Object.assign(Readable.from([]), { isTTY: false });
    const code = await main(['--db', db, 'import', file, '--json'], { stdin, stdout, stderr, env: { HOME: '/nonexistent-home' }, now: () => new Date('2026-03-01T10:00:00Z') });
    return { code, stdout: out.join('') };
  }

  it('hashes the passwords before taking the write lock: another writer goes through while they are hashed', async () => {
    const { cli, db, dir } = storeCli();
    expect((await cli('add', '--email', 'first@example.com')).code).toBe(0);
    const file = join(dir, 'ecwid.csv');
    const rows = Array.from({ length: 24 }, (_, i) => `Person ${i},person${i}@example.com,password-${i}`);
    writeFileSync(file, 'name,email,password\n' + rows.join('\n') + '\n');
    // Another process writes as the import shows its first progress line. Hashing inside the transaction,
    // the import's first line came from inside it, with the lock held: the other writer gave up after 200 ms.
    const other: { code: number | null; stderr: string; line: string }[] = [];
    const addOther = (line: string) => {
      const r = spawnSync(process.execPath, [BIN, '--db', db, 'add', '--email', 'other@example.com'], {
        env: { PATH: process.env.PATH, HOME: '/nonexistent-home', CUSTOMERS_TEST_BUSY_TIMEOUT_MS: '200' },
        encoding: 'utf8',
      });
      other.push({ code: r.status, stderr: r.stderr, line });
    };
    const imported = await importShowingProgress(db, file, addOther);
    expect(other).toEqual([{ code: 0, stderr: '', line: '\r\u001b[2Khashing passwords 0/24' }]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ created: 24, updated: 0, unchanged: 0 });
    expect((await cli('list', '--format', 'count')).stdout).toBe('26\n');
    // Imported again, the stored hashes are checked ahead the same way, and kept.
    const again = await importShowingProgress(db, file, () => undefined);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 24 });
  }, 30_000);
});
