/**
 * The package as another project gets it: `require('customers')`, `import ... from 'customers'` and the type
 * declarations, from a project whose node_modules/customers is this folder (as npm install would link it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'customers-consumer-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'customers'), 'dir');
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

const run = (file: string, source: string) => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [join(project, file)], { cwd: project, encoding: 'utf8', env: { ...process.env, CUSTOMERS_DB: join(project, 'store.db') } });
};

const PROGRAM = (load: string) => `${load}
const store = openStore();
const alice = store.customers.add({ email: 'alice@example.com' });
const link = store.loginLinks.issue(alice.id, { url: 'http://localhost:3000/login?key={token}' });
store.loginLinks.redeem(link.token);
try { store.loginLinks.redeem(link.url); } catch (e) { console.log(e instanceof LoginLinkError, e.code); }
store.customers.delete(alice.id);
store.close();
`;

describe('the package', () => {
  it('is required by CommonJS and imported by ES modules, with one error class for both', () => {
    expect(run('a.cjs', PROGRAM("const { openStore, LoginLinkError } = require('customers');"))).toBe('true LINK_USED\n');
    expect(run('b.mjs', PROGRAM("import { openStore, LoginLinkError } from 'customers';"))).toBe('true LINK_USED\n');
    const both = "import { createRequire } from 'node:module'; import * as esm from 'customers';\nconsole.log(esm.LoginLinkError === createRequire(import.meta.url)('customers').LoginLinkError);";
    expect(run('c.mjs', both)).toBe('true\n');
  });

  it('has type declarations a strict TypeScript project compiles against', () => {
    writeFileSync(join(project, 'consumer.ts'), `import { openStore, type Customer, LoginLinkError, type IssuedLoginLink } from 'customers';
const store = openStore('x.db', { now: () => new Date() });
const c: Customer = store.customers.add({ email: 'a@example.com', tags: ['vip'] });
const link: IssuedLoginLink = store.loginLinks.issue(c.id, { ttl: '15m' });
const spent: string = store.customers.list({ minSpent: 10, sort: 'total_spent:desc' })[0].total_spent;
try { store.loginLinks.redeem(link.token); } catch (e) { if (e instanceof LoginLinkError && e.code === 'LINK_USED') console.log(spent); }
// @ts-expect-error: not a field
store.customers.add({ emial: 'a@example.com' });
`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
      files: ['consumer.ts'],
    }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' })).not.toThrow();
  });
});
