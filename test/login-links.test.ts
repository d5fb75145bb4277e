import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { emlFileName } from '../src/mail/mail-dir.js';
import { newToken } from '../src/core/login-links.js';
import { json, storeCli, tempDir } from './helpers/run-cli.js';
import { closedPort, nonLoopbackAddress, startSmtp } from './helpers/smtp.js';
import { spawnCli } from './helpers/spawn-cli.js';

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (iso: string) => ({ now: new Date(iso) });

async function store() {
  const s = storeCli();
  await s.cli('add', '--email', 'alice@example.com', '--first-name', 'Alice', '--lang', 'fr', '--tag', 'migrated');
  await s.cli('add', '--email', 'bob@example.com', '--first-name', 'Bob', '--lang', 'nl', '--tag', 'migrated');
  await s.cli('add', '--email', 'carol@example.com', '--first-name', 'Carol', '--lang', 'de');
  await s.cli('config', 'set', 'store.login_url', 'http://localhost:3000/login?key={token}&u={email}');
  await s.cli('config', 'set', 'store.name', 'Chez Hélène');
  return s;
}

type Issued = { id: number; customer_id: number; email: string; url: string; expires_at: string; sent?: boolean; send_error?: string | null };
const tokenOf = (url: string) => new URL(url).searchParams.get('key')!;

describe('issue', () => {
  it('prints a URL with a 256-bit token per customer; only the hash is stored', async () => {
    const { cli, db } = await store();
    const r = await cli('login-link', 'issue', 'alice@example.com', '--json', { now: T0 });
    const [link] = json<Issued[]>(r);
    expect(link).toMatchObject({ id: 1, customer_id: 1, email: 'alice@example.com', expires_at: '2026-03-15T10:00:00Z' });
    expect(link.url).toMatch(/^http:\/\/localhost:3000\/login\?key=[A-Za-z0-9_-]{43}&u=alice%40example\.com$/);
    const token = tokenOf(link.url);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const raw = new Database(db, { readonly: true });
    const stored = raw.prepare('SELECT * FROM login_links').all() as Record<string, unknown>[];
    raw.close();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    const plain = await cli('login-link', 'issue', '2', '--ttl', '2h', '--url', 'https://shop.example.com/a/{id}/{token}', { now: T0 });
    expect(plain.stdout).toMatch(/^https:\/\/shop\.example\.com\/a\/2\/[A-Za-z0-9_-]{43}\n$/);
    expect(plain.stderr).toBe('Issued 1 login link, valid until 2026-03-01T12:00:00Z.\n');
  });

  it('selects by filters, needs a selection, and checks the template and the ttl', async () => {
    const { cli } = await store();
    expect(json<Issued[]>(await cli('login-link', 'issue', '--tag', 'migrated', '--yes', '--json')).map((l) => l.email)).toEqual(['alice@example.com', 'bob@example.com']);
    for (const [args, message] of [
      [[], 'no customers selected'],
      [['1', '--url', 'http://shop.example.com/?k={token}'], 'must use https'],
      [['1', '--url', 'https://shop.example.com/login'], 'has no {token} placeholder'],
      [['1', '--ttl', '14 days'], 'is not a duration'],
    ] as const) {
      const r = await cli('login-link', 'issue', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('prints whose link is whose: email and url a row, in any listing format; one REF alone prints the bare URL', async () => {
    const { cli } = await store();
    const url = /http:\/\/localhost:3000\/login\?key=[A-Za-z0-9_-]{43}&u=/.source;
    const two = await cli('login-link', 'issue', '1', '2', { now: T0 });
    expect(two.stdout).toMatch(new RegExp(`^email\turl\nalice@example\.com\t${url}alice%40example\.com\nbob@example\.com\t${url}bob%40example\.com\n$`));
    // A filter that finds one customer still prints a listing: the shape follows the command line, not the data.
    const one = await cli('login-link', 'issue', '--tag', 'migrated', '--lang', 'fr', '--yes', { now: T0 });
    expect(one.stdout).toMatch(new RegExp(`^email\turl\nalice@example\.com\t${url}alice%40example\.com\n$`));
    expect((await cli('login-link', 'issue', 'bob@example.com', { now: T0 })).stdout).toMatch(new RegExp(`^${url}bob%40example\.com\n$`));
    expect((await cli('login-link', 'issue', '1', '--format', 'tsv', { now: T0 })).stdout).toMatch(new RegExp(`^email\turl\nalice@example\.com\t${url}`));
    const csv = await cli('login-link', 'issue', '1', '2', '--format', 'csv', '--fields', 'customer_id,url', { now: T0 });
    expect(csv.stdout).toMatch(new RegExp(`^customer_id,url\n1,${url}alice%40example\.com\n2,${url}bob%40example\.com\n$`));
    const jsonl = (await cli('login-link', 'issue', '1', '2', '--format', 'jsonl', { now: T0 })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl.map((l) => Object.keys(l))).toEqual([['id', 'customer_id', 'email', 'url', 'expires_at'], ['id', 'customer_id', 'email', 'url', 'expires_at']]);
    const table = await cli('login-link', 'issue', '1', '2', { now: T0, tty: true, env: { NO_COLOR: '1' } });
    expect(table.stdout).toMatch(/^email +url\n/);
    expect(table.stdout).toMatch(new RegExp(`\nbob@example\.com +${url}bob%40example\.com\n`));
    const bad = await cli('login-link', 'issue', '1', '2', '--fields', 'token');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('token');
  });

  it.each([
    'https://shop.example.com/a-{token}',
    'https://shop.example.com/login/{id}{token}',
    'https://shop.example.com/login?key=k{token}',
    'https://shop.example.com/login?key={token}.html',
    'https://shop.example.com/login?{token}',
    'https://shop.example.com/login#{token}',
    'https://{token}.shop.example.com/login',
  ])('refuses the template %s, whose token could not be read back (issue 9, point 15)', async (template) => {
    const { cli, db } = await store();
    const r = await cli('login-link', 'issue', '1', '--url', template);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('{token} must be a whole query value (?key={token}) or a whole path segment (/login/{token})');
    const set = await cli('--db', db, 'config', 'set', 'store.login_url', template);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('{token} must be a whole query value');
    expect((await cli('login-link', 'list', '--format', 'count')).stdout).toBe('0\n');
  });

  it.each([
    'https://shop.example.com/login?key={token}',
    'https://shop.example.com/login?u={email}&t={token}',
    'https://shop.example.com/login/{token}',
    'https://shop.example.com/login/{token}/',
    'https://shop.example.com/c/{id}/{token}?from=mail',
  ])('a link of the template %s verifies and redeems by its URL (issue 9, point 15)', async (template) => {
    const { cli } = await store();
    const [link] = json<Issued[]>(await cli('login-link', 'issue', '1', '--url', template, '--json', { now: T0 }));
    expect((await cli('login-link', 'verify', link.url, at('2026-03-02T00:00:00Z'))).code).toBe(0);
    expect((await cli('login-link', 'redeem', link.url, at('2026-03-02T00:00:00Z'))).code).toBe(0);
  });

  it('plain http is for the test hosts only: localhost, *.localhost, *.test, *.internal, single-label names, 127.0.0.0/8, [::1]', async () => {
    const { cli, db } = await store();
    for (const template of [
      'http://localhost/?k={token}', 'http://x.localhost/?k={token}', 'http://shop.test/?k={token}', 'http://a.internal/login/{token}',
      'http://shop/?k={token}', 'http://shop:8080/?k={token}', 'http://web:3000/login/{token}', 'http://app.shop.localhost:5173/?k={token}', 'http://127.0.0.1/?k={token}', 'http://127.5.5.5/?k={token}', 'http://[::1]:3000/?k={token}',
    ]) {
      expect((await cli('login-link', 'issue', '1', '--url', template)).code, template).toBe(0);
      expect((await cli('--db', db, 'config', 'set', 'store.login_url', template)).code, template).toBe(0);
    }
    for (const template of [
      'http://shop.example.com/?k={token}', 'http://test.example.com/?k={token}', 'http://localhost.example.com/?k={token}',
      'http://shop.testing/?k={token}', 'http://128.0.0.1/?k={token}', 'http://10.0.0.1/?k={token}', 'http://[::2]/?k={token}',
      'http://shop.test.example.com/?k={token}', 'http://10.0.0.5:3000/?k={token}', 'http://shop.internal.example.com/?k={token}', 'http://192.168.1.10/?k={token}',
    ]) {
      for (const r of [await cli('login-link', 'issue', '1', '--url', template), await cli('--db', db, 'config', 'set', 'store.login_url', template)]) {
        expect(r.code, template).toBe(2);
        expect(r.stderr).toContain('must use https (plain http only for test hosts: localhost, *.localhost, *.test, *.internal, single-label names such as http://shop/, 127.0.0.0/8 and [::1])');
      }
    }
  });

  it('without a template anywhere, says how to set one', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const r = await s.cli('login-link', 'issue', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("customers config set store.login_url 'https://shop.example.com/account/login?key={token}'");
  });
});

describe('tokens on a command line', () => {
  it('never start with "-", which a command line would read as an option', () => {
    // Without the redraw, one token in 64 starts with "-": 4,000 draws would all but surely show one.
    const tokens = Array.from({ length: 4000 }, newToken);
    expect(tokens.filter((t) => t.startsWith('-'))).toEqual([]);
    expect(new Set(tokens.map((t) => t[0])).size).toBe(63);
    expect(tokens.every((t) => /^[A-Za-z0-9_-]{43}$/.test(t))).toBe(true);
  });

  it('are taken after --, with options before it (a token from an older version may start with "-")', async () => {
    const { cli, db } = await store();
    const token = '-' + 'E9Tz'.repeat(10) + 'ab';
    const raw = new Database(db);
    raw.prepare("INSERT INTO login_links (customer_id, token_hash, created_at, expires_at) VALUES (1, ?, '2026-03-01T10:00:00Z', '2026-03-15T10:00:00Z')")
      .run(createHash('sha256').update(token).digest('hex'));
    raw.close();
    expect((await cli('login-link', 'verify', token)).code).toBe(2);
    const verified = await cli('login-link', 'verify', '--', token, at('2026-03-02T00:00:00Z'));
    expect(verified.code).toBe(0);
    const redeemed = await cli('login-link', 'redeem', '--json', '--', token, at('2026-03-02T00:00:00Z'));
    expect(json(redeemed)).toMatchObject({ ok: true, customer: { email: 'alice@example.com' } });
    const again = await cli('--db', db, 'login-link', 'redeem', '--json', '--', token, at('2026-03-02T00:00:00Z'));
    expect(again).toMatchObject({ code: 1, stdout: '{"ok":false,"reason":"used"}\n' });
  });
});

describe('the life of a link', () => {
  it('redeems once; the second time it is used', async () => {
    const { cli } = await store();
    const [link] = json<Issued[]>(await cli('login-link', 'issue', '1', '--json', { now: T0 }));
    const verify = await cli('login-link', 'verify', link.url, '--json', at('2026-03-02T00:00:00Z'));
    expect(json(verify)).toMatchObject({ ok: true, link: { id: 1, expires_at: '2026-03-15T10:00:00Z' }, customer: { id: 1, email: 'alice@example.com' } });
    const first = await cli('login-link', 'redeem', tokenOf(link.url), at('2026-03-02T00:00:00Z'));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('email\talice@example.com\n');
    const second = await cli('login-link', 'redeem', link.url, '--json', at('2026-03-02T00:01:00Z'));
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toEqual({ ok: false, reason: 'used' });
    expect(second.stderr).toBe('error: used: this login link was already used, at 2026-03-02T00:00:00Z\n');
    expect(second.stderr).not.toContain(tokenOf(link.url));
  });

  it('matches a token exactly: junk before or after it is an unknown link (issue 9, point 15)', async () => {
    const { cli } = await store();
    const [link] = json<Issued[]>(await cli('login-link', 'issue', '1', '--json', { now: T0 }));
    const token = tokenOf(link.url);
    for (const input of [token + 'junk', 'x' + token, token + '-', link.url.replace(token, token + 'A'), link.url.replace(token, `${token}%20`)]) {
      const r = await cli('login-link', 'verify', '--json', '--', input, at('2026-03-02T00:00:00Z'));
      expect(r, input).toMatchObject({ code: 1, stdout: '{"ok":false,"reason":"unknown"}\n' });
    }
    // The token alone, with spaces around it, or the URL without its scheme still work.
    expect((await cli('login-link', 'verify', ` ${token}\n`, at('2026-03-02T00:00:00Z'))).code).toBe(0);
    expect((await cli('login-link', 'verify', link.url.replace('http://', ''), at('2026-03-02T00:00:00Z'))).code).toBe(0);
  });

  it('expires (the clock is the injected one)', async () => {
    const { cli } = await store();
    const [link] = json<Issued[]>(await cli('login-link', 'issue', '1', '--ttl', '15m', '--json', { now: T0 }));
    expect((await cli('login-link', 'verify', link.url, at('2026-03-01T10:14:59Z'))).code).toBe(0);
    const late = await cli('login-link', 'redeem', link.url, at('2026-03-01T10:15:00Z'));
    expect(late.code).toBe(1);
    expect(late.stderr).toBe('error: expired: this login link expired at 2026-03-01T10:15:00Z\n');
  });

  it('a new link revokes the older unused one, unless --keep-others', async () => {
    const { cli } = await store();
    const [old] = json<Issued[]>(await cli('login-link', 'issue', '1', '--json', { now: T0 }));
    const [kept] = json<Issued[]>(await cli('login-link', 'issue', '1', '--json', at('2026-03-01T11:00:00Z')));
    expect((await cli('login-link', 'verify', old.url, at('2026-03-01T12:00:00Z'))).stderr).toBe('error: revoked: this login link was revoked at 2026-03-01T11:00:00Z\n');
    const [another] = json<Issued[]>(await cli('login-link', 'issue', '1', '--keep-others', '--json', at('2026-03-01T12:00:00Z')));
    expect((await cli('login-link', 'verify', kept.url, at('2026-03-01T12:30:00Z'))).code).toBe(0);
    expect((await cli('login-link', 'verify', another.url, at('2026-03-01T12:30:00Z'))).code).toBe(0);
  });

  it('revoke by id or by customer; unknown tokens are "unknown"', async () => {
    const { cli } = await store();
    const links = json<Issued[]>(await cli('login-link', 'issue', '1', '2', '--json', { now: T0 }));
    expect((await cli('login-link', 'revoke', String(links[0].id), { now: T0 })).stderr).toBe('Revoked 1 login link.\n');
    expect((await cli('login-link', 'revoke', '--customer', 'bob@example.com', { now: T0 })).stderr).toBe('Revoked 1 login link.\n');
    expect((await cli('login-link', 'verify', links[1].url)).stderr).toContain('error: revoked:');
    const again = await cli('login-link', 'revoke', String(links[0].id));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('cannot be revoked: revoked:');
    expect((await cli('login-link', 'revoke', '99')).stderr).toContain('no login link with id 99');
    expect((await cli('login-link', 'revoke')).code).toBe(2);
    const unknown = await cli('login-link', 'redeem', 'A'.repeat(43), '--json');
    expect(unknown).toMatchObject({ code: 1, stdout: '{"ok":false,"reason":"unknown"}\n' });
    expect((await cli('login-link', 'verify', 'nonsense')).stderr).toContain('error: unknown:');
  });

  it("revoke takes a customer's e-mail as well as a link id; anything else is refused, saying what it takes", async () => {
    const { cli } = await store();
    const links = json<Issued[]>(await cli('login-link', 'issue', '1', '2', '--json', { now: T0 }));
    const byEmail = await cli('login-link', 'revoke', 'Bob@Example.com', { now: T0 });
    expect(byEmail).toMatchObject({ code: 0, stderr: 'Revoked 1 login link.\n' });
    expect((await cli('login-link', 'verify', links[1].url)).stderr).toContain('error: revoked:');
    expect((await cli('login-link', 'verify', links[0].url)).code).toBe(0);
    // A number is a link id, as documented: link 1 is Alice's, whatever customer 1 is.
    expect((await cli('login-link', 'revoke', ' 1 ', { now: T0 })).stderr).toBe('Revoked 1 login link.\n');
    const neither = await cli('login-link', 'revoke', 'alice');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toBe('error: "alice" is neither a login link id (a whole number) nor a customer\'s e-mail\n  Pass a link id (see customers login-link list), an e-mail, or --customer ID for a customer by its id.\n');
    const unknown = await cli('login-link', 'revoke', 'nobody@example.com');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('nobody@example.com');
    const both = await cli('login-link', 'revoke', 'alice@example.com', '--customer', '2');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('contradict each other');
  });

  it('list shows each link and its status, never a token or hash; purge deletes the ended ones', async () => {
    const { cli } = await store();
    const links = json<Issued[]>(await cli('login-link', 'issue', '--all', '--ttl', '1d', '--yes', '--json', { now: T0 }));
    await cli('login-link', 'redeem', links[0].url, { now: T0 });
    await cli('login-link', 'revoke', String(links[1].id), { now: T0 });
    const list = json<Record<string, unknown>[]>(await cli('login-link', 'list', '--json', at('2026-03-01T12:00:00Z')));
    expect(list.map((l) => [l.id, l.email, l.status])).toEqual([[1, 'alice@example.com', 'used'], [2, 'bob@example.com', 'revoked'], [3, 'carol@example.com', 'active']]);
    const text = JSON.stringify(list) + (await cli('login-link', 'list', '--format', 'tsv')).stdout;
    for (const l of links) expect(text).not.toContain(tokenOf(l.url));
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(json(await cli('login-link', 'list', 'carol@example.com', '--json', '--fields', 'id,status', at('2026-03-03T00:00:00Z')))).toEqual([{ id: 3, status: 'expired' }]);
    expect((await cli('login-link', 'list', '--status', 'active', '--format', 'count', at('2026-03-01T12:00:00Z'))).stdout).toBe('1\n');
    expect((await cli('login-link', 'purge', '--older-than', '30d', at('2026-03-05T00:00:00Z'))).stderr).toBe('No used, expired or revoked login links to purge.\n');
    expect((await cli('login-link', 'purge', '--yes', at('2026-03-05T00:00:00Z'))).stderr).toBe('Purged 3 login links.\n');
    expect((await cli('login-link', 'redeem', links[2].url)).stderr).toContain('error: unknown:');
  });

  it('two processes redeeming the same token at once: exactly one succeeds', async () => {
    const { cli, db } = await store();
    for (let round = 0; round < 3; round++) {
      // The processes below use the real clock, so the link is issued on it too.
      const [link] = json<Issued[]>(await cli('login-link', 'issue', '1', '--json', { now: new Date() }));
      const results = await Promise.all([0, 1, 2].map(() => spawnCli(['--db', db, 'login-link', 'redeem', link.url, '--json'])));
      expect(results.map((r) => r.code).sort()).toEqual([0, 1, 1]);
      expect(results.filter((r) => r.code === 1).map((r) => JSON.parse(r.stdout))).toEqual([{ ok: false, reason: 'used' }, { ok: false, reason: 'used' }]);
    }
  });
});

describe('--send, through a real SMTP server', () => {
  it("e-mails each link in the customer's language, text and HTML carrying the same URL", async () => {
    const smtp = await startSmtp();
    const { cli } = await store();
    const r = await cli('login-link', 'issue', '--all', '--yes', '--send', '--smtp', smtp.url, '--from', 'Chez Hélène <shop@example.com>', '--json', { now: T0 });
    expect(r.code).toBe(0);
    const links = json<Issued[]>(r);
    expect(links.map((l) => l.sent)).toEqual([true, true, true]);
    expect(smtp.messages).toHaveLength(3);
    const byTo = new Map(smtp.messages.map((m) => [(m.to as { text: string }).text, m]));
    const fr = byTo.get('alice@example.com')!;
    expect(fr.subject).toBe('Votre lien de connexion à Chez Hélène');
    expect(fr.from?.value[0]).toMatchObject({ name: 'Chez Hélène', address: 'shop@example.com' });
    expect(fr.text).toContain(links[0].url);
    expect(fr.text).toContain('Le lien ne fonctionne qu’une seule fois. Il expire le 15 mars 2026 à 10:00 UTC.');
    expect(fr.html).toContain(`href="${links[0].url.replace(/&/g, '&amp;')}"`);
    expect(byTo.get('bob@example.com')!.subject).toBe('Je inloglink voor Chez Hélène');
    expect(byTo.get('bob@example.com')!.text).toContain('De link werkt één keer.');
    expect(byTo.get('carol@example.com')!.subject).toBe('Your login link for Chez Hélène'); // German: English
    expect(r.stderr).toContain('E-mailed 3 links.');
    const onTerminal = await cli('login-link', 'issue', '1', '--send', '--smtp', smtp.url, '--from', 'shop@example.com', { now: T0, tty: true, env: { NO_COLOR: '1' } });
    expect(onTerminal.stderr).toMatch(/\r\u001b\[2K1 e-mails {2}0\.0 MB {2}\d+\/s/);
    const list = json<Record<string, unknown>[]>(await cli('login-link', 'list', '--json', { now: T0 }));
    expect(list.every((l) => l.sent_at === '2026-03-01T10:00:00Z')).toBe(true);
  });

  it('issue by filters or --all confirms, saying how many links and e-mails; a dry run lists who would get what', async () => {
    const smtp = await startSmtp();
    const { cli } = await store();
    await cli('add', '--phone', '+32 470 00 00 00', '--tag', 'migrated');
    const send = ['--send', '--smtp', smtp.url, '--from', 'shop@example.com'];
    const asked = await cli('login-link', 'issue', '--all', ...send, { now: T0 });
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('Issue 3 login links and e-mail them (1, alice@example.com; 2, bob@example.com; 3, carol@example.com): confirmation needed; pass --yes');
    const dry = await cli('login-link', 'issue', '--tag', 'migrated', ...send, '--dry-run', { now: T0 });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('customer_id\temail\twould\n1\talice@example.com\tissue a link and e-mail it\n2\tbob@example.com\tissue a link and e-mail it\n4\t\tnothing: no e-mail address\n');
    expect(dry.stderr).toBe('Would issue 2 login links and e-mail 2; 1 customer would get none (dry run: nothing was issued or sent).\n');
    const asJson = JSON.parse((await cli('login-link', 'issue', '--all', '--dry-run', '--json', { now: T0 })).stdout);
    expect(asJson).toMatchObject({ would_issue: 4, would_email: 0, dry_run: true });
    expect(JSON.stringify(asJson)).not.toMatch(/token|https?:/);
    expect(smtp.messages).toHaveLength(0);
    expect(json<unknown[]>(await cli('login-link', 'list', '--json', { now: T0 }))).toEqual([]);
    // REFs alone need no confirmation, as with update.
    expect((await cli('login-link', 'issue', '1', { now: T0 })).code).toBe(0);
  });

  it('purge confirms, and its dry run lists the links it would delete', async () => {
    const { cli } = await store();
    const [link] = json<Issued[]>(await cli('login-link', 'issue', '1', '--json', { now: T0 }));
    await cli('login-link', 'revoke', String(link.id), { now: T0 });
    const later = at('2026-03-05T00:00:00Z');
    const asked = await cli('login-link', 'purge', later);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('Delete 1 used, expired or revoked login link: confirmation needed; pass --yes');
    const dry = await cli('login-link', 'purge', '--dry-run', later);
    expect(dry.stdout.split('\n').slice(0, 2).map((l) => l.split('\t').slice(0, 4).join(','))).toEqual(['id,customer_id,email,status', `${link.id},1,alice@example.com,revoked`]);
    expect(dry.stderr).toBe('Would purge 1 login link (dry run: nothing was deleted).\n');
    expect(json<unknown[]>(await cli('login-link', 'list', '--json', later))).toHaveLength(1);
  });

  it("reports a refused recipient with the server's answer; --unsent then sends only to it, a new link in place of the unsent one", async () => {
    const smtp = await startSmtp({ reject: ['bob@example.com'] });
    const { cli } = await store();
    await cli('add', '--email', 'dan@example.com', '--tag', 'migrated');
    await cli('config', 'set', 'mail.smtp_url', smtp.url);
    await cli('config', 'set', 'mail.from', 'shop@example.com');
    const r = await cli('login-link', 'issue', '--tag', 'migrated', '--send', '--yes', '--json', { now: T0 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not sent to bob@example.com (link 2): 550 5.1.1 Mailbox unavailable\n');
    expect(r.stderr).toContain('E-mailed 2 links; 1 failed (to retry only those: the same command with --unsent).');
    const first = JSON.parse(r.stdout) as Issued[];
    expect(first.map((l) => [l.email, l.sent, l.send_error])).toEqual([
      ['alice@example.com', true, null], ['bob@example.com', false, '550 5.1.1 Mailbox unavailable'], ['dan@example.com', true, null],
    ]);
    expect(smtp.messages).toHaveLength(2);
    const failed = json<Record<string, unknown>[]>(await cli('login-link', 'list', 'bob@example.com', '--json', { now: T0 }));
    expect(failed[0]).toMatchObject({ sent_at: null, send_error: '550 5.1.1 Mailbox unavailable' });
    // The server now accepts Bob: --unsent e-mails him a new link, and nobody else gets anything.
    const smtp2 = await startSmtp();
    const dry = await cli('login-link', 'issue', '--tag', 'migrated', '--send', '--unsent', '--smtp', smtp2.url, '--dry-run', { now: T0 });
    expect(dry.stdout).toBe('customer_id\temail\twould\n1\talice@example.com\tnothing: its latest link was e-mailed\n2\tbob@example.com\tissue a new link in place of the unsent one and e-mail it\n4\tdan@example.com\tnothing: its latest link was e-mailed\n');
    const again = await cli('login-link', 'issue', '--tag', 'migrated', '--yes', '--send', '--unsent', '--smtp', smtp2.url, { now: at('2026-03-01T10:05:00Z').now });
    expect(again.code).toBe(0);
    expect(smtp2.messages.map((m) => (m.to as { text: string }).text)).toEqual(['bob@example.com']);
    expect(again.stderr).toContain('2 customers had no link left unsent; nothing was issued or e-mailed to them.');
    const [bobsNew] = again.stdout.trim().split('\n').slice(1).map((line) => line.split('\t'));
    expect(bobsNew[0]).toBe('bob@example.com');
    expect(smtp2.messages[0].text).toContain(bobsNew[1]);
    expect((await cli('login-link', 'verify', first[1].url, at('2026-03-01T10:06:00Z'))).stderr).toBe('error: revoked: this login link was revoked at 2026-03-01T10:05:00Z\n');
    expect((await cli('login-link', 'verify', first[0].url, at('2026-03-01T10:06:00Z'))).code).toBe(0);
    expect((await cli('login-link', 'verify', bobsNew[1], at('2026-03-01T10:06:00Z'))).code).toBe(0);
    // Nothing left unsent: a third run does nothing; without --send, --unsent is refused.
    const third = await cli('login-link', 'issue', '--tag', 'migrated', '--yes', '--send', '--unsent', '--smtp', smtp2.url, { now: T0 });
    expect(third).toMatchObject({ code: 0, stdout: 'email\turl\n' });
    expect(smtp2.messages).toHaveLength(1);
    const noSend = await cli('login-link', 'issue', '--tag', 'migrated', '--unsent', '--yes');
    expect(noSend).toMatchObject({ code: 2, stderr: 'error: --unsent e-mails the links not e-mailed yet: pass --send with it\n' });
  });

  it('a customer named again gets a new link and a new e-mail, even when the last one was e-mailed and is unused; so does a bulk re-run', async () => {
    const smtp = await startSmtp();
    const { cli } = await store();
    const send = ['--send', '--smtp', smtp.url, '--from', 'shop@example.com'];
    const first = await cli('login-link', 'issue', 'alice@example.com', ...send, { now: T0 });
    const second = await cli('login-link', 'issue', 'alice@example.com', ...send, at('2026-03-01T11:00:00Z'));
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^http:\/\/localhost:3000\/login\?key=[A-Za-z0-9_-]{43}&u=alice%40example\.com\n$/);
    expect(second.stdout).not.toBe(first.stdout);
    expect(second.stderr).toContain('E-mailed 1 link.');
    expect(smtp.messages.map((m) => m.text!.includes(second.stdout.trim()))).toEqual([false, true]);
    expect((await cli('login-link', 'verify', first.stdout.trim(), at('2026-03-01T12:00:00Z'))).stderr).toContain('error: revoked:');
    const bulk = ['login-link', 'issue', '--tag', 'migrated', ...send, '--yes'];
    await cli(...bulk, { now: T0 });
    expect((await cli(...bulk, { now: T0 })).stderr).toContain('E-mailed 2 links.');
    expect(smtp.messages).toHaveLength(6);
  });

  it('stores and prints the reply of a server that repeats its code in the text with the code once', async () => {
    const smtp = await startSmtp({ reject: ['alice@example.com'], rejectText: '550 5.1.1 <alice@example.com>: Recipient address rejected' });
    const { cli } = await store();
    const r = await cli('login-link', 'issue', '1', '--send', '--smtp', smtp.url, '--from', 'shop@example.com', { now: T0 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not sent to alice@example.com (link 1): 550 5.1.1 <alice@example.com>: Recipient address rejected\n');
    expect(r.stderr).not.toContain('550 550');
    const [link] = json<Record<string, unknown>[]>(await cli('login-link', 'list', '--json', { now: T0 }));
    expect(link.send_error).toBe('550 5.1.1 <alice@example.com>: Recipient address rejected');
  });

  it('a server that is down is one clear error, and no link is issued', async () => {
    const { cli } = await store();
    const port = await closedPort();
    const r = await cli('login-link', 'issue', '1', '--send', '--smtp', `smtp://user:secret@127.0.0.1:${port}`, '--from', 'shop@example.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot use smtp://user:***@127.0.0.1:${port}: connection refused (is the server running, and is the port right?)\n  No login link was issued. Check --smtp (or CUSTOMERS_SMTP_URL, mail.smtp_url) and try again.\n`);
    expect((await cli('login-link', 'list', '--format', 'count')).stdout).toBe('0\n');
  });

  it('never quotes the password of --smtp or CUSTOMERS_SMTP_URL in an error (issue 9, point 6)', async () => {
    const { cli } = await store();
    const flag = await cli('login-link', 'issue', '1', '--send', '--smtp', 'smtp://user:secret@mail.example.com:99999', '--from', 'shop@example.com');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('"smtp://user:***@mail.example.com:99999" is not a usable SMTP URL');
    const env = await cli('login-link', 'issue', '1', '--send', '--from', 'shop@example.com', { env: { CUSTOMERS_SMTP_URL: 'smtp://user:p/ss@mail.example.com' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('"smtp://user:***@mail.example.com" is not a usable SMTP URL');
    for (const r of [flag, env]) expect(r.stderr).not.toMatch(/secret|p\/ss/);
  });

  it('logs in with a user and password on this machine without TLS (issue 9, point 6)', async () => {
    const smtp = await startSmtp({ auth: { user: 'shop', pass: 'p@ss:word' } });
    const { cli } = await store();
    const url = smtp.url.replace('smtp://', 'smtp://shop:p%40ss%3Aword@');
    const r = await cli('login-link', 'issue', '1', '--send', '--smtp', url, '--from', 'shop@example.com', { now: T0 });
    expect(r.stderr).toContain('E-mailed 1 link.');
    expect(r.code).toBe(0);
    expect(smtp.logins).toContain('shop:p@ss:word');
    expect(smtp.messages).toHaveLength(1);
  });

  it('refuses to send a password in clear to another machine that offers no STARTTLS (issue 9, point 6)', async (t) => {
    const address = await nonLoopbackAddress();
    if (!address) t.skip(); // only loopback here: the rule itself is tested in mail.test.ts
    const smtp = await startSmtp({ auth: { user: 'shop', pass: 'secret' }, host: address });
    const { cli } = await store();
    const url = smtp.url.replace('smtp://', 'smtp://shop:secret@');
    const r = await cli('login-link', 'issue', '1', '--send', '--smtp', url, '--from', 'shop@example.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: cannot use ${url.replace(':secret@', ':***@')}: the server offers no STARTTLS, and the password would go over the network in clear`);
    expect(r.stderr).toContain('Use smtps:// (TLS from the start, usually port 465) or a server that offers STARTTLS');
    expect(r.stderr).not.toContain('secret');
    expect(smtp.logins).toEqual([]);
    expect((await cli('login-link', 'list', '--format', 'count')).stdout).toBe('0\n');
    // Without a password there is nothing to protect: the same server is used.
    const plain = await cli('login-link', 'issue', '1', '--send', '--smtp', smtp.url, '--from', 'shop@example.com');
    expect(plain.code).toBe(0);
    expect(smtp.messages).toHaveLength(1);
  });

  it('needs a server and a sender', async () => {
    const { cli } = await store();
    expect((await cli('login-link', 'issue', '1', '--send', '--from', 'a@b.com')).stderr).toContain('--send needs an SMTP server');
    const r = await cli('login-link', 'issue', '1', '--send', '--smtp', 'smtp://127.0.0.1:1', { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--send needs a sender');
  });
});

describe('--send to a folder of .eml files, no SMTP server', () => {
  it('writes each message as an .eml file, atomically, named by time, link and customer; the link in it redeems', async () => {
    const { cli } = await store();
    const dir = join(tempDir(), 'mails', 'out');
    const r = await cli('login-link', 'issue', '--all', '--yes', '--send', '--mail-dir', dir, '--from', 'Chez Hélène <shop@example.com>', { now: T0 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Created the folder ${dir} for the e-mails.\n`);
    expect(r.stderr).toContain(`E-mailed 3 links (as .eml files in ${dir}).`);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['20260301T100000Z-000001-alice_example.com.eml', '20260301T100000Z-000002-bob_example.com.eml', '20260301T100000Z-000003-carol_example.com.eml']);
    const raw = readFileSync(join(dir, names[0]));
    expect(raw.toString('latin1')).toContain('\r\nSubject: ');
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Votre lien de connexion à Chez Hélène');
    expect((mail.to as { text: string }).text).toBe('alice@example.com');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Chez Hélène', address: 'shop@example.com' });
    expect(mail.date?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    const url = /http:\/\/localhost:3000\/\S+/.exec(mail.text!)![0];
    expect(r.stdout).toContain(`alice@example.com\t${url}\n`);
    const redeemed = await cli('login-link', 'redeem', url, '--json', at('2026-03-02T00:00:00Z'));
    expect(json(redeemed)).toMatchObject({ ok: true, customer: { email: 'alice@example.com' } });
    const list = json<Record<string, unknown>[]>(await cli('login-link', 'list', '--json', { now: T0 }));
    expect(list.map((l) => l.sent_at)).toEqual(['2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z']);
    // The same second again: new files beside the old ones, none overwritten, no temporary file left.
    await cli('login-link', 'issue', '--all', '--yes', '--send', '--mail-dir', dir, '--from', 'shop@example.com', { now: T0 });
    expect(readdirSync(dir).filter((n) => n.endsWith('.eml'))).toHaveLength(6);
    expect(readdirSync(dir).filter((n) => !/^20260301T100000Z-\d{6}-[a-z]+_example\.com\.eml$/.test(n))).toEqual([]);
  });

  it('takes mail.smtp_url (or --smtp, CUSTOMERS_SMTP_URL) as file:///DIR', async () => {
    const { cli } = await store();
    const dir = tempDir();
    expect((await cli('config', 'set', 'mail.smtp_url', pathToFileURL(dir).href)).code).toBe(0);
    await cli('config', 'set', 'mail.from', 'shop@example.com');
    const r = await cli('login-link', 'issue', 'bob@example.com', '--send', { now: T0 });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Created the folder');
    expect(readdirSync(dir)).toEqual(['20260301T100000Z-000001-bob_example.com.eml']);
    const mail = await simpleParser(readFileSync(join(dir, readdirSync(dir)[0])));
    expect(mail.text).toContain(r.stdout.trim());
    const viaFlag = tempDir();
    expect((await cli('login-link', 'issue', '1', '--send', '--smtp', pathToFileURL(viaFlag).href, { now: T0 })).code).toBe(0);
    expect(readdirSync(viaFlag)).toEqual(['20260301T100000Z-000002-alice_example.com.eml']);
    const bad = await cli('config', 'set', 'mail.smtp_url', 'file://mailhost/var/mail');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"file://mailhost/var/mail" is not a usable folder URL');
  });

  it('refuses a folder that is a file, flags that contradict each other, and --mail-dir without --send; issues nothing', async () => {
    const { cli } = await store();
    const file = join(tempDir(), 'mails');
    writeFileSync(file, 'not a folder');
    const from = ['--from', 'shop@example.com'];
    const isFile = await cli('login-link', 'issue', '1', '--send', '--mail-dir', file, ...from);
    expect(isFile).toMatchObject({ code: 2, stderr: `error: cannot write e-mails to ${file}: it is a file, not a folder\n  No login link was issued. Give --mail-dir (or file:///DIR) a folder this user can write to; it is created if missing.\n` });
    const under = await cli('login-link', 'issue', '1', '--send', '--mail-dir', join(file, 'sub'), ...from);
    expect(under.code).toBe(1);
    expect(under.stderr).toContain(`error: cannot write e-mails to ${join(file, 'sub')}: a part of the path is a file, not a folder`);
    const both = await cli('login-link', 'issue', '1', '--send', '--mail-dir', tempDir(), '--smtp', 'smtp://127.0.0.1:25', ...from);
    expect(both).toMatchObject({ code: 2, stderr: 'error: --mail-dir and --smtp contradict each other; give one of them\n' });
    const noSend = await cli('login-link', 'issue', '1', '--mail-dir', tempDir());
    expect(noSend).toMatchObject({ code: 2, stderr: 'error: --mail-dir is where --send writes the e-mails: pass --send with it\n' });
    expect((await cli('login-link', 'list', '--format', 'count')).stdout).toBe('0\n');
  });

  it('names files with no character of the address that a file system or shell would mind', () => {
    expect(emlFileName(new Date('2026-03-01T10:00:00.123Z'), 42, 'Élise+shop/../x:y*?@Example.COM')).toBe('20260301T100000Z-000042-_lise_shop_.._x_y___example.com.eml');
    expect(emlFileName(new Date('2026-12-31T23:59:59Z'), 1234567, '.hidden@example.com')).toBe('20261231T235959Z-1234567-hidden_example.com.eml');
  });
});
