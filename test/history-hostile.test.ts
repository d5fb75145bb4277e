/** History and undo under attack: secrets, stale images, read-only stores, sparse ids, login links. */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';
import { BIN } from './helpers/spawn-cli.js';

const at = (iso: string) => ({ now: new Date(iso) });

describe('history and undo: secrets in the history', () => {
  it('leaves out the password of an SMTP URL whose user name is an e-mail address', async () => {
    const { cli } = storeCli();
    const set = await cli('config', 'set', 'mail.smtp_url', 'smtps://shop@example.com:TopSecret1@mail.example.com');
    expect(set.code).toBe(0);
    const [entry] = json<{ command: string }[]>(await cli('history', '--json'));
    expect(entry.command).not.toContain('TopSecret1');
  });

  it('leaves out every part of a password with an unencoded @ (config set accepts it)', async () => {
    const { cli } = storeCli();
    expect((await cli('config', 'set', 'mail.smtp_url', 'smtps://shop:p@ssw0rd-Secret@mail.example.com')).code).toBe(0);
    const [entry] = json<{ command: string }[]>(await cli('history', '--json'));
    expect(entry.command).not.toContain('ssw0rd-Secret');
  });

  it('does not keep a login token given to redeem as a URL without a scheme, or as a query string', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'ann@example.com');
    const [link] = json<{ url: string }[]>(await cli('login-link', 'issue', 'ann@example.com', '--url', 'http://shop/login?key={token}', '--json'));
    const token = new URL(link.url).searchParams.get('key')!;
    expect((await cli('login-link', 'redeem', `?key=${token}`)).code).toBe(0);
    const [entry] = json<{ command: string }[]>(await cli('history', '--json'));
    expect(entry.command).not.toContain(token);
  });

  it('does not keep an SMTP password in the file once the setting is unset', async () => {
    const { cli, db } = storeCli();
    await cli('config', 'set', 'mail.smtp_url', 'smtps://shop:OldSecret9@mail.example.com');
    await cli('config', 'unset', 'mail.smtp_url');
    const store = new Database(db, { readonly: true });
    const kept = store.prepare("SELECT count(*) FROM history_settings WHERE before LIKE '%OldSecret9%'").pluck().get();
    store.close();
    expect(kept).toBe(0);
  });
});

describe('history and undo: undo', () => {
  it('undoes an operation older than history.keep that is still listed (nothing written since), or refuses it plainly', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'ann@example.com', at('2026-01-01T10:00:00Z'));
    const undo = await cli('undo', at('2026-06-01T10:00:00Z'));
    expect(undo.stderr).not.toContain('FOREIGN KEY constraint failed');
  });

  it('refuses to bring back a deleted customer whose source id another customer has now (db check would fail)', async () => {
    const { cli, dir } = storeCli();
    const file = join(dir, 'shopify.csv');
    writeFileSync(file, 'email,first_name,phone,source_id,source\n,Ann,+33611111111,S9,shopify\n');
    await cli('import', file, '-q');
    await cli('delete', '1', '--yes');
    await cli('import', file, '-q'); // the re-imported export brings her back as customer 2
    const undo = await cli('undo', '2');
    const check = await cli('db', 'check');
    expect({ undo: undo.code, check: check.code }).toEqual({ undo: 1, check: 0 });
  });

  it('dry-runs an undo on a store its owner made read-only (chmod 444)', async () => {
    const { cli, db, dir } = storeCli();
    await cli('add', '--email', 'ann@example.com');
    const root = process.getuid?.() === 0;
    // As root every file is writable: the store then belongs to nobody, who runs the command.
    if (root) for (const p of [dir, db]) chownSync(p, 65534, 65534);
    chmodSync(db, 0o444);
    const r = spawnSync(process.execPath, [BIN, '--db', db, 'undo', '--dry-run'], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent-home' },
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    chmodSync(db, 0o600);
    expect(r.stderr).toContain('Would undo');
    expect(r.status).toBe(0);
  });
});

describe('history and undo: output and scale', () => {
  it('does not print a raw escape character from a command line in the tab-separated history', async () => {
    const { cli, dir } = storeCli();
    const file = join(dir, 'list\u001b]0;owned\u0007\u001b[2J.csv');
    writeFileSync(file, 'email\nann@example.com\n');
    await cli('import', file, '-q');
    const tsv = await cli('history', '--format', 'tsv');
    expect(tsv.stdout).not.toContain('\u001b');
  });

  // The overlap check looked at every range for every row: 10,000 sparse ids took ~6 s, 20,000 ~25 s (bench, not here).
  it('undoes a native import with sparse ids (one id range per customer)', async () => {
    const { cli, dir } = storeCli();
    await cli('add', '--email', 'first@example.com');
    const file = join(dir, 'native.csv');
    let csv = 'id,email,first_name\n';
    for (let i = 1; i <= 10_000; i++) csv += `${10 + i * 2},n${i}@example.com,N${i}\n`; // ids with gaps: 10,000 ranges
    writeFileSync(file, csv);
    await cli('import', file, '-q');
    await cli('update', '--all', '--set', 'note=x', '--yes', '-q');
    await cli('undo', '-q');
    const dry = await cli('undo', '--dry-run');
    expect(dry.stderr).toMatch(/^Would undo operation 2 \(import, .*\): remove 10,000 customers it created/);
    await cli('undo');
    expect((await cli('list', '--format', 'ids')).stdout).toBe('1\n');
  }, 120_000);
});

describe('history and undo: login links and undo', () => {
  it('never makes a used login link usable again (delete, undo, redeem, undo the undo, undo the delete)', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'ann@example.com');
    const [link] = json<{ url: string }[]>(await cli('login-link', 'issue', 'ann@example.com', '--url', 'http://shop/login/{token}', '--json'));
    await cli('delete', 'ann@example.com', '--yes'); // op 3
    await cli('undo', '3'); // op 4: Ann and her unused link back
    expect((await cli('login-link', 'redeem', link.url)).code).toBe(0); // op 5: the link is used
    await cli('undo', '4'); // op 6: Ann deleted again (her image now has the link used)
    const again = await cli('undo', '3'); // allowed: 4 and 6 cancel out; restores the image of op 3 (link unused)
    expect(again.code).toBe(0);
    const replay = await cli('login-link', 'redeem', link.url);
    expect(replay.code).toBe(1); // was 0: the one-time link logs in a second time
  });
});
