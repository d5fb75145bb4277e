/**
 * Files the tool writes hold customer data: only their owner can read them, from the first byte; nothing
 * half written is left behind by a full disk or an interrupted command; a full disk is a message.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeCli } from './helpers/run-cli.js';
import { BIN } from './helpers/spawn-cli.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('files written', () => {
  it('a backup is 0600 and complete, or not there at all', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const target = join(s.dir, 'backup.db');
    expect((await s.cli('db', 'backup', target)).code).toBe(0);
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(s.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('an export never writes through a file or symlink planted under its temporary name', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const victim = join(s.dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const target = join(s.dir, 'x.csv');
    // The temporary name holds the process id: in-process runs share the test's.
    symlinkSync(victim, `${target}.partial-${process.pid}`);
    const r = await s.cli('export', target);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${target}: ${target}.partial-${process.pid} is already there`);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('an export through a symlink updates the file it leads to and keeps the link', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    mkdirSync(join(s.dir, 'target'));
    const real = join(s.dir, 'target', 'real.csv');
    writeFileSync(real, 'old\n');
    const link = join(s.dir, 'link.csv');
    symlinkSync(real, link);
    expect((await s.cli('export', link, '--force')).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('a@example.com');
    expect(mode(real)).toBe(0o600);
    expect(readdirSync(join(s.dir, 'target'))).toEqual(['real.csv']);
  });

  it('an --errors file that existed readable by all becomes readable by its owner only', async () => {
    const s = storeCli();
    const errors = join(s.dir, 'errors.csv');
    writeFileSync(errors, 'old\n');
    chmodSync(errors, 0o644);
    const input = join(s.dir, 'in.csv');
    writeFileSync(input, 'email\nnot-an-email\n');
    await s.cli('import', input, '--errors', errors, '--force');
    expect(mode(errors)).toBe(0o600);
  });

  it('a full disk is a message and exit 1, with no stack trace and nothing half written', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const r = await s.cli('export', '/dev/full');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write \/dev\/full: [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/Unhandled|\n\s+at /);
    const input = join(s.dir, 'in.csv');
    writeFileSync(input, 'email\nnot-an-email\n');
    const errors = await s.cli('import', input, '--errors', '/dev/full');
    expect(errors.stderr).toContain('error: cannot write /dev/full: ');
    expect(errors.stderr).not.toMatch(/Unhandled|\n\s+at /);
    expect(existsSync('/dev/full')).toBe(true);
  });

  it('a full disk under the store: the import is a message, exit 1, and the store is as it was', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'before@example.com');
    const before = readFileSync(s.db);
    const input = join(s.dir, 'many.csv');
    writeFileSync(input, 'email,note\n' + Array.from({ length: 20_000 }, (_, i) => `c${i}@example.com,${'n'.repeat(200)}`).join('\n') + '\n');
    // A file size limit of 200 blocks of 512 bytes: the store's write-ahead log cannot grow past it, as on a full disk.
    const child = spawn('sh', ['-c', 'ulimit -f 200; exec "$0" "$@"', process.execPath, BIN, '--db', s.db, 'import', input], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^error: cannot write ${s.db}: a read or write of the disk failed [^\n]+; this command changed nothing\n  Free space`));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect((await s.cli('db', 'check')).stdout).toBe('ok: 1 customer, no problems found\n');
    expect((await s.cli('list', '--format', 'ids')).stdout).toBe('1\n');
    expect(readFileSync(s.db).equals(before)).toBe(true);
  });

  it('a full disk on standard output is one line and exit 1; a change already made is kept and said so', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const full = openSync('/dev/full', 'w');
    try {
      const run = (...args: string[]) => spawnSync(process.execPath, [BIN, '--db', s.db, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      for (const args of [['list', '--format', 'csv'], ['export', '-'], ['show', '1'], ['add', '--email', 'b@example.com']]) {
        const r = run(...args);
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr).toBe('error: cannot write the output: the disk is full; anything the command changed in the store is kept\n');
      }
    } finally {
      closeSync(full);
    }
    expect((await s.cli('list', '--format', 'ids')).stdout).toBe('1\n2\n');
  });

  it('Ctrl-C during an export leaves no partial file', async () => {
    const s = storeCli();
    const input = join(s.dir, 'many.csv');
    writeFileSync(input, 'email,note\n' + Array.from({ length: 40_000 }, (_, i) => `c${i}@example.com,${'n'.repeat(200)}`).join('\n') + '\n');
    expect((await s.cli('import', input)).code).toBe(0);
    const target = join(s.dir, 'out.csv');
    const child = spawn(process.execPath, [BIN, '--db', s.db, 'export', target], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Interrupt once the partial file is there (the export is under way).
    const started = Date.now();
    while (!readdirSync(s.dir).some((f) => f.includes('.partial-')) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(readdirSync(s.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(existsSync(target)).toBe(false);
  });
});
