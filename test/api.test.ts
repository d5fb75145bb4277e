/** The library (src/api), used as a program would: no subprocess, a real store file per test. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type Customer, type CustomerStore, ConflictError, LoginLinkError, NotFoundError, openStore, ValidationError, withStore,
} from '../src/api/index.js';
import { CUSTOMER_FIELDS } from '../src/core/fields.js';

const LOGIN = 'http://localhost:3000/login?key={token}';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'customers-api-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A store in a temporary folder, with a clock the test moves. */
function open(now = { at: new Date('2026-03-01T10:00:00Z') }): { store: CustomerStore; file: string; now: { at: Date } } {
  const file = join(tempDir(), 'store.db');
  const store = openStore(file, { now: () => now.at });
  onTestFinished(() => store.close());
  return { store, file, now };
}

/** Asserts that fn throws an error of this class and code. */
function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('customers', () => {
  it('adds, gets by id or e-mail, updates and deletes, with the CLI rules', () => {
    const { store } = open();
    const alice = store.customers.add({ email: 'Alice@Example.com', first_name: 'Alice', country: 'fr', tags: ['vip', 'VIP'] });
    expect(alice).toMatchObject({ id: 1, email: 'alice@example.com', name: 'Alice', country: 'FR', tags: ['vip'], has_account: true, total_spent: '0.00' });
    expect(store.customers.get('ALICE@example.com').id).toBe(1);
    expect(store.customers.get(1).email).toBe('alice@example.com');

    const { customer, changed } = store.customers.update('alice@example.com', { phone: '+33 6 12 34 56 78', add_tags: ['b2b'] });
    expect(changed).toEqual(['phone', 'tags']);
    expect(customer.tags).toEqual(['b2b', 'vip']);
    expect(store.customers.update(1, { phone: '+33 6 12 34 56 78' }).changed).toEqual([]);

    expect(store.customers.delete(1).email).toBe('alice@example.com');
    const gone = thrown(() => store.customers.get(1));
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone.code).toBe('NOT_FOUND');
  });

  it('refuses what the CLI refuses, with typed errors', () => {
    const { store } = open();
    store.customers.add({ email: 'bob@example.com' });
    const taken = thrown(() => store.customers.add({ email: 'BOB@example.com' }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.code).toBe('CONFLICT');
    for (const bad of [{ email: 'not-an-address' }, { country: 'Narnia', first_name: 'X' }, {}, { password_hash: 'x' } as object]) {
      const error = thrown(() => store.customers.add(bad));
      expect(error, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      expect(error.code).toBe('INVALID');
    }
    expect(thrown(() => store.customers.get('Bob Smith')).code).toBe('INVALID');
    expect(thrown(() => store.customers.add({ email: 'c@example.com', group: 'Nope' })).code).toBe('NOT_FOUND');
    expect(store.customers.count()).toBe(1);
  });

  it('lists with the filters, sort and paging of list', () => {
    const { store } = open();
    store.groups.create('VIP');
    store.customers.add({ email: 'a@example.com', last_name: 'Zola', group: 'VIP', tags: ['x'] });
    store.customers.add({ email: 'b@example.com', last_name: 'Émile', country: 'BE' });
    store.customers.add({ email: 'c@example.com', last_name: 'Hélène', country: 'BE', tags: ['x'] });
    const emails = (list: Customer[]) => list.map((c) => c.email);
    expect(emails(store.customers.list({ country: 'be', sort: 'name:desc' }))).toEqual(['c@example.com', 'b@example.com']);
    expect(emails(store.customers.list({ groups: ['vip'] }))).toEqual(['a@example.com']);
    expect(emails(store.customers.list({ tags: ['X'], limit: 1, offset: 1 }))).toEqual(['c@example.com']);
    expect(emails(store.customers.list({ search: 'helene' }))).toEqual(['c@example.com']);
    expect(store.customers.count({ minSpent: '0.00', noGroup: true })).toBe(2);
    expect([...store.customers.iterate({ sort: 'email:desc', limit: 2 })].map((c) => c.id)).toEqual([3, 2]);
    for (const bad of [{ country: 'Belgium' }, { minOrders: -1 }, { colour: 'red' }, { tags: 'x' }, { limit: 1.5 }, { sort: 'shoe' }, { createdAfter: 'yesterday' }]) {
      expect(thrown(() => store.customers.list(bad as object)).code, JSON.stringify(bad)).toBe('INVALID');
    }
  });

  it('returns every listed field, as the type says', () => {
    const { store } = open();
    const customer = store.customers.add({ email: 'a@example.com' });
    const declared: Record<keyof Customer, true> = {
      id: true, email: true, first_name: true, last_name: true, name: true, phone: true, company: true, group: true, tax_exempt: true, tax_id: true,
      accepts_marketing: true, accepts_sms_marketing: true, lang: true, note: true, tags: true, street: true, street2: true, city: true, region: true,
      postal_code: true, country: true, source_id: true, source: true, order_count: true, total_spent: true, first_order_at: true, last_order_at: true,
      has_account: true, last_login_at: true, created_at: true, updated_at: true,
    };
    expect(Object.keys(customer).sort()).toEqual(CUSTOMER_FIELDS.map((f) => f.name).sort());
    expect(Object.keys(declared).sort()).toEqual(Object.keys(customer).sort());
  });
});

describe('groups', () => {
  it('creates (or finds with ifMissing), renames and deletes, keeping members', () => {
    const { store } = open();
    expect(store.groups.create('Wholesale')).toEqual({ name: 'Wholesale', created: true });
    expect(thrown(() => store.groups.create('wholesale')).code).toBe('CONFLICT');
    expect(store.groups.create('wholesale', { ifMissing: true }).created).toBe(false);
    store.customers.add({ email: 'a@example.com', group: 'WHOLESALE' });
    expect(store.groups.rename('Wholesale', 'Trade')).toEqual({ from: 'Wholesale', to: 'Trade' });
    expect(store.groups.list()).toMatchObject([{ name: 'Trade', customers: 1 }]);
    expect(store.groups.delete('trade')).toEqual({ name: 'Trade', members: 1 });
    expect(store.customers.get(1).group).toBeNull();
  });
});

describe('a group the store lacks', () => {
  it('is NOT_FOUND, unless createGroup: then created with the change, or not at all', () => {
    const { store } = open();
    expect(thrown(() => store.customers.add({ email: 'a@example.com', group: 'VIP' })).code).toBe('NOT_FOUND');
    const created: string[] = [];
    const options = { createGroup: true, onGroupCreated: (name: string) => created.push(name) };
    expect(store.customers.add({ email: 'a@example.com', group: ' VIP ' }, options).group).toBe('VIP');
    expect(thrown(() => store.customers.add({ email: 'A@example.com', group: 'Trade' }, options)).code).toBe('CONFLICT');
    expect(thrown(() => store.customers.update(1, { group: 'Trade', country: 'XX' }, options)).code).toBe('INVALID');
    expect(store.groups.list().map((g) => g.name)).toEqual(['VIP']);
    expect(store.customers.update(1, { group: 'Trade' }, options)).toMatchObject({ changed: ['group'], customer: { group: 'Trade' } });
    expect(created).toEqual(['VIP', 'Trade']);
    expect(thrown(() => store.customers.add({ email: 'b@example.com' }, { createGroup: 'yes' as unknown as boolean })).code).toBe('INVALID');
  });
});

describe('codes kept as text', () => {
  it('refuses a number in scientific notation, as an import does', () => {
    const { store } = open();
    const error = thrown(() => store.customers.add({ email: 'a@example.com', phone: '4.41E+11' }));
    expect(error.code).toBe('INVALID');
    expect(error.message).toContain('"4.41E+11" is a number in scientific notation');
    expect(store.customers.count()).toBe(0);
  });
});

describe('import and export', () => {
  it('imports a real platform file, and text, all or nothing unless skipInvalid', async () => {
    const { store } = open();
    const shopify = await store.csv.import(join(__dirname, '..', 'fixtures', 'shopify-customers.csv'));
    expect(shopify).toMatchObject({ preset: 'shopify', written: true, rejected: 0 });
    expect(store.customers.count()).toBe(shopify.created);

    const text = 'email,first_name,country\nnew@example.com,New,FR\nbroken,Bad,FR\n';
    const refused = await store.csv.import({ text });
    expect(refused).toMatchObject({ written: false, rejected: 1, rejections: [{ line: 3 }] });
    expect(refused.rejections[0].problems[0]).toMatchObject({ column: 'email', value: 'broken' });
    expect(store.customers.count({ search: 'new@example.com' })).toBe(0);
    expect(await store.csv.import({ text }, { skipInvalid: true, group: 'Imported' })).toMatchObject({ written: true, created: 1, groups_created: ['Imported'] });
    expect(store.customers.get('new@example.com').group).toBe('Imported');
    expect((await store.csv.import({ text: 'email\nz@example.com\n' }, { dryRun: true })).written).toBe(false);
    expect(thrown(() => store.customers.get('z@example.com')).code).toBe('NOT_FOUND');
    await expect(store.csv.import({ text }, { preset: 'shopifyy' as 'shopify' })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(store.csv.import(join(tempDir(), 'missing.csv'))).rejects.toThrow(/missing\.csv/);
  });

  it('exports as text and to a file, which imports back into another store', async () => {
    const { store } = open();
    store.customers.add({ email: 'a@example.com', first_name: '=cmd()', country: 'BE' });
    store.customers.add({ email: 'b@example.com', country: 'FR' });
    const { csv, count } = await store.csv.export({ country: 'BE', preset: 'shopify', columns: ['Email', 'First Name'] });
    expect(count).toBe(1);
    expect(csv).toBe("Email,First Name\r\na@example.com,'=cmd()\r\n");
    const file = join(tempDir(), 'all.csv');
    expect((await store.csv.exportFile(file)).count).toBe(2);
    const other = open().store;
    expect(await other.csv.import(file)).toMatchObject({ preset: 'native', created: 2 });
    expect(other.customers.get('a@example.com').first_name).toBe('=cmd()');
    await expect(store.csv.exportFile(join(tempDir(), 'no', 'such', 'dir.csv'))).rejects.toThrow();
  });
});

describe('seed', () => {
  it('generates the same store for the same seed, applies fixtures, and resets', async () => {
    const first = open().store;
    const second = open().store;
    await first.seed.generate({ count: 20, seed: 'ci', locale: 'fr' });
    await second.seed.generate({ count: 20, seed: 'ci', locale: 'fr' });
    expect(first.customers.list()).toEqual(second.customers.list());
    await expect(first.seed.generate({ count: 5 })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(first.seed.generate({ count: 5, locale: 'xx' as 'fr' })).rejects.toMatchObject({ code: 'INVALID' });
    expect(await first.seed.reset()).toMatchObject({ customers: 20 });

    const result = await first.seed.fixture({
      settings: { 'store.login_url': LOGIN },
      customers: [{ ref: 'alice', email: 'alice@example.com', first_name: 'Alice' }],
      login_links: [{ customer: '${alice}', state: 'active' }],
    });
    expect(result.customers.created).toBe(1);
    const [link] = result.links;
    expect(first.loginLinks.redeem(link.url).customer.email).toBe('alice@example.com');
    await expect(first.seed.fixture({ customers: [{ email: 'nope' }] })).rejects.toMatchObject({ code: 'INVALID' });
  });
});

describe('login links', () => {
  it('issues, verifies, redeems once, and says why a link cannot be used', () => {
    const { store, now } = open();
    store.customers.add({ email: 'alice@example.com' });
    const link = store.loginLinks.issue('alice@example.com', { url: LOGIN, ttl: '15m' });
    expect(link).toMatchObject({ customer_id: 1, email: 'alice@example.com', expires_at: '2026-03-01T10:15:00Z' });
    expect(link.url).toBe(`http://localhost:3000/login?key=${link.token}`);
    expect(store.loginLinks.verify(link.token)).toMatchObject({ link: { id: link.id }, customer: { email: 'alice@example.com', last_login_at: null } });
    expect(store.loginLinks.redeem(link.url).customer.last_login_at).toBe('2026-03-01T10:00:00Z');
    const used = thrown(() => store.loginLinks.redeem(link.token));
    expect(used).toBeInstanceOf(LoginLinkError);
    expect(used.code).toBe('LINK_USED');

    const expiring = store.loginLinks.issue(1, { url: LOGIN, ttl: 60 });
    now.at = new Date('2026-03-01T10:01:00Z');
    expect(thrown(() => store.loginLinks.verify(expiring.token)).code).toBe('LINK_EXPIRED');
    const revoked = store.loginLinks.issue(1, { url: LOGIN });
    expect(store.loginLinks.revoke({ customer: 'alice@example.com' })).toBe(1);
    expect(thrown(() => store.loginLinks.redeem(revoked.token)).code).toBe('LINK_REVOKED');
    expect(thrown(() => store.loginLinks.redeem('A'.repeat(43))).code).toBe('LINK_UNKNOWN');
    expect(store.loginLinks.list({ customer: 1 }).map((l) => l.status)).toEqual(['used', 'expired', 'revoked']);
    expect(store.loginLinks.list({ status: 'used' })).toHaveLength(1);
  });

  it('uses the store.login_url setting, and refuses contacts unless asked to give them an account', () => {
    const { store } = open();
    store.customers.add({ email: 'contact@example.com', has_account: false });
    expect(thrown(() => store.loginLinks.issue(1)).code).toBe('INVALID'); // no URL template
    expect(thrown(() => store.loginLinks.issue(1, { url: LOGIN })).message).toMatch(/no store account/);
    expect(store.loginLinks.issue(1, { url: LOGIN, createAccount: true }).customer_id).toBe(1);
    expect(thrown(() => store.loginLinks.issue(1, { url: 'http://shop.example.com/login?key={token}' })).code).toBe('INVALID');
    expect(thrown(() => store.loginLinks.issue(1, { url: LOGIN, ttl: '2 weeks' })).code).toBe('INVALID');
    expect(store.loginLinks.issueMany({ hasAccount: true }, { url: LOGIN }).links).toHaveLength(1);
  });

  it('redeems a token once across connections to one file (processes: test/serve.test.ts)', async () => {
    const { store, file } = open();
    store.customers.add({ email: 'alice@example.com' });
    const { token } = store.loginLinks.issue(1, { url: LOGIN });
    const other = openStore(file);
    onTestFinished(() => other.close());
    const outcomes = await Promise.all([store, other, store, other].map(async (s) => {
      try {
        return s.loginLinks.redeem(token).link.id;
      } catch (error) {
        return (error as LoginLinkError).code;
      }
    }));
    expect(outcomes.filter((o) => o === 1)).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'LINK_USED')).toHaveLength(3);
  });
});

describe('opening', () => {
  it('creates a store where asked, refuses a missing one with create: false, and closes with withStore', async () => {
    const dir = tempDir();
    expect(thrown(() => openStore(join(dir, 'none.db'), { create: false })).code).toBe('NOT_FOUND');
    const file = join(dir, 'sub', 'store.db');
    const count = await withStore(file, (store) => {
      store.customers.add({ email: 'a@example.com' });
      return store.customers.count();
    });
    expect(count).toBe(1);
    expect(existsSync(file)).toBe(true);
    const notStore = join(dir, 'text.db');
    writeFileSync(notStore, 'hello, this is not SQLite at all, just some text'.repeat(20));
    expect(thrown(() => openStore(notStore)).code).toBe('STORE');
    expect(readFileSync(notStore, 'utf8')).toMatch(/^hello/);
  });
});

describe('values of the wrong type', () => {
  it('are INVALID errors naming the value, never coerced, and change nothing', async () => {
    const { store, file } = open();
    store.customers.add({ email: 'a@example.com', tags: ['vip', 'b2b'] });
    store.loginLinks.issue(1, { url: LOGIN });
    const before = JSON.stringify(store.customers.get(1));
    const calls: [string, () => unknown][] = [
      ['add_tags as a string', () => store.customers.update(1, { add_tags: 'newsletter' as unknown as string[] })],
      ['remove_tags as a string', () => store.customers.update(1, { remove_tags: 'vip' as unknown as string[] })],
      ['a number in tags', () => store.customers.add({ first_name: 'x', tags: [1 as unknown as string] })],
      ['an object as a name', () => store.customers.add({ first_name: {} as unknown as string })],
      ['a list as a name', () => store.customers.add({ first_name: ['a'] as unknown as string })],
      ['a string as a boolean', () => store.customers.update(1, { tax_exempt: 'false' as unknown as boolean })],
      ['null changes', () => store.customers.update(1, null as unknown as object)],
      ['a list as a ref', () => store.customers.get([1] as unknown as number)],
      ['null options of list', () => store.customers.list(null as unknown as object)],
      ['an empty list of groups', () => store.customers.list({ groups: [] })],
      ['a number as a group name', () => store.groups.create(5 as unknown as string)],
      ['keepOthers as a string', () => store.loginLinks.issue(1, { url: LOGIN, keepOthers: 'false' as unknown as boolean })],
      ['a number as a URL', () => store.loginLinks.issue(1, { url: 5 as unknown as string })],
      ['a URL with a line break', () => store.loginLinks.issue(1, { url: 'http://localhost/\r\nX: y?k={token}' })],
      ['everyone without all', () => store.loginLinks.issueMany({}, { url: LOGIN })],
      ['an empty list of tags', () => store.loginLinks.issueMany({ tags: [] }, { url: LOGIN })],
      ['a numeric string to revoke', () => store.loginLinks.revoke('1')],
      ['null to revoke', () => store.loginLinks.revoke(null as unknown as number)],
    ];
    for (const [what, call] of calls) {
      const error = thrown(call);
      expect(error, what).toBeInstanceOf(ValidationError);
      expect(error.code, what).toBe('INVALID');
    }
    await expect(store.csv.export({ columns: 'email' as unknown as string[] })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(store.csv.exportFile(tempDir())).rejects.toMatchObject({ code: 'INVALID' });
    await expect(store.csv.import({ text: 'email\nb@example.com\n' }, { map: { email: 'colour' } })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(store.seed.fixture(null as unknown as object)).rejects.toMatchObject({ code: 'INVALID' });
    await expect(store.seed.fixture(join(tempDir(), 'missing.json'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(thrown(() => store.loginLinks.issueMany({ ids: [999] }, { url: LOGIN })).code).toBe('NOT_FOUND');
    expect(JSON.stringify(store.customers.get(1))).toBe(before);
    expect(store.loginLinks.list({ status: 'active' })).toHaveLength(1);

    expect(store.loginLinks.revoke('A@example.com')).toBe(1);
    expect(store.loginLinks.issueMany({ all: true }, { url: LOGIN }).links).toHaveLength(1);
    store.close();
    expect(thrown(() => store.customers.get(1)).code).toBe('STORE');
    expect(existsSync(file)).toBe(true);
  });
});

describe("the README's storefront test", () => {
  it('signs in once through a login page that redeems with the library', async () => {
    const { createServer } = await import('node:http');
    const { store } = open();
    // The storefront under test: /login?key=TOKEN redeems, and signs in or refuses.
    const storefront = createServer((req, res) => {
      const key = new URL(req.url ?? '/', 'http://localhost').searchParams.get('key') ?? '';
      try {
        const { customer } = store.loginLinks.redeem(key);
        res.writeHead(302, { location: '/account', 'set-cookie': `session=${customer.id}` }).end();
      } catch (error) {
        res.writeHead(error instanceof LoginLinkError ? 401 : 500).end((error as LoginLinkError).code);
      }
    });
    await new Promise<void>((resolve) => storefront.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      storefront.close();
    });
    const { port } = storefront.address() as { port: number };

    const alice = store.customers.add({ email: 'alice@example.com', first_name: 'Alice' });
    const link = store.loginLinks.issue(alice.id, { url: `http://localhost:${port}/login?key={token}`, ttl: '15m' });
    const first = await fetch(link.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('set-cookie')).toMatch(/session=1/);
    expect(store.customers.get(alice.id).last_login_at).not.toBeNull();
    const second = await fetch(link.url, { redirect: 'manual' });
    expect(second.status).toBe(401);
    expect(await second.text()).toBe('LINK_USED');
  });
});
