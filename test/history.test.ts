/** History and undo: what each writing command records, and undo putting the store back as it was. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';
import { startSmtp } from './helpers/smtp.js';

type Entry = { op: number; kind: string; customers: number; command: string; undoes: number | null; undone_by: number | null; reversible: boolean; at: string };

const at = (iso: string) => ({ now: new Date(iso) });

async function history(cli: ReturnType<typeof storeCli>['cli']): Promise<Entry[]> {
  return json<Entry[]>(await cli('history', '--json'));
}

/** A store with three customers in two groups, tags and a login link; and its native export. */
async function shop() {
  const s = storeCli();
  await s.cli('groups', 'create', 'Retail');
  await s.cli('add', '--email', 'ann@example.com', '--first-name', 'Ann', '--group', 'Retail', '--tag', 'vip', '--tag', 'b2b', '--country', 'BE');
  await s.cli('add', '--email', 'bob@example.com', '--first-name', 'Bob', '--group', 'Retail', '--phone', '+32 470 12 34 56');
  await s.cli('add', '--email', 'cat@example.com', '--first-name', 'Cat', '--country', 'FR');
  const exported = async () => (await s.cli('export')).stdout;
  return { ...s, exported };
}

describe('history', () => {
  it('records every command that writes, latest first, with its command line and how many customers it touched', async () => {
    const { cli, dir } = await shop();
    const file = join(dir, 'more.csv');
    writeFileSync(file, 'email,first_name\nann@example.com,Annie\nnew@example.com,New\n');
    await cli('edit', '2', '--last-name', 'Builder');
    await cli('update', '--group', 'Retail', '--set', 'note=Met at the fair', '--add-tag', 'fair', '--yes');
    await cli('import', file, '-q');
    await cli('groups', 'rename', 'Retail', 'Shops');
    await cli('config', 'set', 'store.name', 'Example Shop');
    await cli('delete', '3', '--yes');
    const kinds = (await history(cli)).map((e) => [e.kind, e.customers]);
    expect(kinds).toEqual([
      ['delete', 1], ['config set', 0], ['groups rename', 0], ['import', 2], ['update', 2], ['edit', 1], ['add', 1], ['add', 1], ['add', 1], ['groups create', 0],
    ]);
    const [latest] = await history(cli);
    expect(latest.command).toMatch(/^customers --db \S+ delete 3 --yes$/);
    expect((await history(cli)).find((e) => e.kind === 'update')!.command).toContain("update --group Retail --set 'note=Met at the fair' --add-tag fair --yes");
    expect((await cli('history', '--limit', '2', '--format', 'count')).stdout).toBe('2\n');
  });

  it('keeps no operation for a command that changed nothing', async () => {
    const { cli } = await shop();
    const before = (await history(cli)).length;
    await cli('edit', '1', '--first-name', 'Ann');
    await cli('update', '--all', '--set', 'first_name=Ann', '--dry-run');
    await cli('update', '1', '--set', 'first_name=Ann', '--yes');
    expect((await history(cli)).length).toBe(before);
  });

  it('leaves passwords and login tokens out of the command lines it keeps', async () => {
    const smtp = await startSmtp({ auth: { user: 'shop', pass: 's3cret-pass' } });
    const port = new URL(smtp.url).port;
    {
      const { cli } = await shop();
      const url = 'http://shop.test/login?key={token}';
      const sent = await cli('login-link', 'issue', '1', '--url', url, '--send', '--smtp', `smtp://shop:s3cret-pass@127.0.0.1:${port}`, '--from', 'shop@example.com', '--json');
      expect(sent.code, sent.stderr).toBe(0);
      const link = json<{ url: string }[]>(await cli('login-link', 'issue', '2', '--url', url, '--json'))[0].url;
      await cli('login-link', 'redeem', link);
      await cli('config', 'set', 'mail.smtp_url', 'smtp://shop:other-secret@mail.example.com:587');
      const lines = (await history(cli)).map((e) => e.command).join('\n');
      expect(lines).not.toMatch(/s3cret-pass|other-secret/);
      expect(lines).not.toContain(new URL(link).searchParams.get('key')!);
      expect(lines).toContain(`smtp://shop:***@127.0.0.1:${port}`);
      expect(lines).toContain("login-link redeem 'http://shop.test/login?key=***'");
    }
  });

  it('shows the customers an operation created, changed or deleted', async () => {
    const { cli, dir } = await shop();
    const file = join(dir, 'more.csv');
    writeFileSync(file, 'email,first_name\nann@example.com,Annie\nnew@example.com,New\n');
    await cli('import', file, '-q');
    await cli('delete', '2', '--yes');
    const [del, imp] = await history(cli);
    expect(json(await cli('history', 'show', String(imp.op), '--json'))).toEqual([
      { customer_id: 1, action: 'changed', email: 'ann@example.com' },
      { customer_id: 4, action: 'created', email: 'new@example.com' },
    ]);
    expect(json(await cli('history', 'show', String(del.op), '--json'))).toEqual([{ customer_id: 2, action: 'deleted', email: 'bob@example.com' }]);
    const missing = await cli('history', 'show', '99');
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no operation 99 in the history') });
    expect((await cli('history', 'show', 'x')).code).toBe(2);
  });
});

describe('undo', () => {
  it('reverses an update, values, tags and updated_at alike; the undo of the undo does it again', async () => {
    const { cli, exported } = await shop();
    const before = await exported();
    await cli('update', '--all', '--set', 'country=NL', '--remove-tag', 'vip', '--add-tag', 'new', '--yes', at('2026-04-01T00:00:00Z'));
    const after = await exported();
    const undone = await cli('undo', at('2026-04-02T00:00:00Z'));
    expect(undone.stderr).toMatch(/^Undid operation 5 \(update, 2026-04-01T00:00:00Z\): changed 3 customers back\. Recorded as operation 6: customers undo 6 does it again\.\n$/);
    expect(await exported()).toBe(before);
    await cli('undo', '6');
    expect(await exported()).toBe(after);
    expect((await history(cli)).slice(0, 3).map((e) => [e.op, e.kind, e.undoes, e.undone_by])).toEqual([
      [7, 'undo', 6, null], [6, 'undo', 5, 7], [5, 'update', null, 6],
    ]);
  });

  it('brings deleted customers back with their ids, tags, group, statistics and login links', async () => {
    const { cli, db, exported } = await shop();
    await cli('login-link', 'issue', '1', '--url', 'https://shop.example.com/login?key={token}', '-q');
    const raw = new Database(db);
    raw.exec("UPDATE customers SET order_count = 7, total_spent_minor = 12345, source_id = '9001', source = 'shopify' WHERE id = 1");
    raw.close();
    const before = await exported();
    const links = (await cli('login-link', 'list', '--json')).stdout;
    await cli('delete', '--group', 'Retail', '--yes');
    expect((await cli('list', '--format', 'ids')).stdout).toBe('3\n');
    expect((await cli('undo')).stderr).toContain('restored 2 customers it deleted');
    expect(await exported()).toBe(before);
    expect((await cli('login-link', 'list', '--json')).stdout).toBe(links);
    expect((await cli('search', 'bob', '--format', 'ids')).stdout).toBe('2\n');
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('reverses an import: the customers it created go, those it updated come back as they were', async () => {
    const { cli, dir, exported } = await shop();
    const before = await exported();
    const file = join(dir, 'more.csv');
    writeFileSync(file, 'email,first_name,tags,group\nann@example.com,Annie,imported,Wholesale\nnew@example.com,New,imported,Wholesale\n');
    await cli('import', file, '-q');
    expect(json<unknown[]>(await cli('groups', 'list', '--json')).length).toBe(2);
    const r = await cli('undo');
    expect(r.stderr).toContain('removed 1 customer it created, changed 1 customer back, put 1 group back as it was');
    expect(await exported()).toBe(before);
    expect(json<{ name: string }[]>(await cli('groups', 'list', '--json')).map((g) => g.name)).toEqual(['Retail']);
    expect((await cli('search', 'new', '--format', 'count')).stdout).toBe('0\n');
  });

  it('keeps a group an import created when customers are in it now', async () => {
    const { cli, dir } = await shop();
    const file = join(dir, 'more.csv');
    writeFileSync(file, 'email,group\nnew@example.com,Wholesale\n');
    await cli('import', file, '-q');
    await cli('update', '3', '--set', 'group=Wholesale', '--yes');
    const r = await cli('undo', '5');
    expect(r).toMatchObject({ code: 0 });
    expect(r.stderr).toContain('group "Wholesale" it created stayed: customers are in it now');
    expect(json<{ name: string; customers: number }[]>(await cli('groups', 'list', '--json')).map((g) => [g.name, g.customers])).toEqual([['Retail', 2], ['Wholesale', 1]]);
  });

  it('reverses a group rename, a group delete and a setting', async () => {
    const { cli, exported } = await shop();
    const before = await exported();
    await cli('groups', 'rename', 'Retail', 'Shops');
    await cli('undo');
    expect(json<{ name: string }[]>(await cli('groups', 'list', '--json')).map((g) => g.name)).toEqual(['Retail']);
    await cli('groups', 'delete', 'Retail', '--yes');
    expect((await cli('list', '--group', 'Retail', '--format', 'count')).code).not.toBe(0);
    await cli('undo');
    expect(await exported()).toBe(before);
    await cli('config', 'set', 'store.name', 'Old');
    await cli('config', 'set', 'store.name', 'New');
    await cli('undo');
    expect((await cli('config', 'get', 'store.name')).stdout).toBe('Old\n');
    await cli('undo');
    expect((await cli('config', 'get', 'store.name')).code).toBe(1);
  });

  it('refuses while a later operation touched the same customers, naming it and the overlap, and changes nothing', async () => {
    const { cli, exported } = await shop();
    await cli('update', '--all', '--add-tag', 'first', '--yes');
    await cli('update', '--group', 'Retail', '--set', 'note=later', '--yes', at('2026-03-02T00:00:00Z'));
    const now = await exported();
    const r = await cli('undo', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot undo operation 5 (update, 2026-03-01T10:00:00Z): operation 6 (update, 2026-03-02T00:00:00Z) changed 2 of the same customers since; nothing was changed');
    expect(r.stderr).toContain('customers undo 6');
    expect(await exported()).toBe(now);
    expect((await cli('undo', '5', '--force')).code).toBe(2);
    // Once the later one is undone, the earlier one can be.
    await cli('undo', '6');
    expect((await cli('undo', '5')).code).toBe(0);
  });

  it('undoes the latest operation still in effect, stepping back one at a time', async () => {
    const { cli, exported } = await shop();
    const start = await exported();
    await cli('update', '1', '--set', 'note=one', '--yes');
    await cli('update', '1', '--set', 'note=two', '--yes');
    await cli('undo');
    expect((await cli('show', '1', '--json')).stdout).toContain('"note": "one"');
    await cli('undo');
    expect(await exported()).toBe(start);
    const dry = await cli('undo', '--dry-run');
    expect(dry.stderr).toMatch(/^Would undo operation 4 \(add, .*\): remove 1 customer it created \(dry run: nothing was changed\)\.\n$/);
    expect(await exported()).toBe(start);
  });

  it('refuses an operation already undone, one that cannot be undone, and an empty history', async () => {
    const { cli } = await shop();
    await cli('update', '1', '--set', 'note=one', '--yes');
    await cli('undo');
    const again = await cli('undo', '5');
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('operation 5 (update, 2026-03-01T10:00:00Z) is already undone, by operation 6') });
    await cli('login-link', 'issue', '1', '--url', 'https://shop.example.com/login?key={token}', '-q');
    const link = await cli('undo', '7');
    expect(link).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot be undone') });
    const empty = storeCli();
    await empty.cli('config', 'set', 'store.name', 'x');
    await empty.cli('undo');
    expect(await empty.cli('undo')).toMatchObject({ code: 1, stderr: expect.stringContaining('nothing to undo') });
  });

  it('refuses to give back an e-mail another customer has now, or a group deleted since', async () => {
    const { cli } = await shop();
    await cli('update', '1', '--set', 'email=ann.new@example.com', '--yes');
    await cli('add', '--email', 'ann@example.com');
    const r = await cli('undo', '5');
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('customer 1 had the e-mail ann@example.com, which customer 4 has now') });
    await cli('update', '2', '--set', 'group=', '--yes');
    await cli('groups', 'delete', 'Retail', '--yes');
    const g = await cli('undo', '7');
    expect(g).toMatchObject({ code: 1, stderr: expect.stringContaining('group "Retail", which operation 8 (groups delete') });
  });
});

describe('keeping the history small', () => {
  it('prunes operations older than history.keep as new ones are recorded, and on demand', async () => {
    const { cli } = await shop();
    expect((await cli('config', 'set', 'history.keep', 'soon')).code).toBe(2);
    await cli('config', 'set', 'history.keep', '30d', at('2026-03-01T10:00:00Z'));
    await cli('update', '1', '--set', 'note=later', '--yes', at('2026-03-20T00:00:00Z'));
    expect((await history(cli)).length).toBe(6);
    await cli('update', '1', '--set', 'note=much later', '--yes', at('2026-04-15T00:00:00Z'));
    expect((await history(cli)).map((e) => e.op)).toEqual([7, 6]);
    const gone = await cli('undo', '2');
    expect(gone).toMatchObject({ code: 1, stderr: expect.stringContaining('no operation 2 in the history (operations before 6 were pruned') });
    const pruned = await cli('history', 'prune', '--older-than', '1d', at('2026-04-15T12:00:00Z'));
    expect(pruned.stderr).toBe('Pruned 1 operation from the history.\n');
    expect((await history(cli)).map((e) => e.op)).toEqual([7]);
  });

  it('db check finds an image that is not of its customer, and a broken undo link', async () => {
    const { cli, db } = await shop();
    await cli('update', '--all', '--set', 'note=x', '--yes');
    expect((await cli('db', 'check')).code).toBe(0);
    const raw = new Database(db);
    raw.exec("UPDATE history_customers SET before = json_set(before, '$.id', 99) WHERE customer_id = 1");
    raw.exec('UPDATE history SET undone_by = 1 WHERE id = 5');
    raw.close();
    const r = await cli('db', 'check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 history images of customers that are not JSON or are of another customer');
    expect(r.stderr).toContain('1 operations in the history whose undo does not name them');
  });
});
