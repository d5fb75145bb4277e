/**
 * Fuzzing the CLI as a hostile user would: random CSV bytes to import and random command lines. Whatever
 * comes in, the command ends with exit 0, 1 or 2, prints no stack trace and no raw control character, and a
 * failed import leaves the store as it was. A fixed seed and a bounded number of runs in `npm test`; a longer
 * run is one command: FUZZ_RUNS=2000 npx vitest run test/fuzz.test.ts (FUZZ_SEED=n for other inputs).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, type RunResult } from './helpers/run-cli.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 9);
const TIMEOUT = Math.max(60_000, RUNS * 1_500);

/** What any run must show, whatever it was given. */
function expectComposed(r: RunResult, what: string): void {
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n|Unhandled|TypeError|RangeError|ReferenceError/);
  // Progress lines (\r, erase line) are for terminals only: these runs have none, so no control character at all.
  expect(r.stderr.replace(/\n/g, ''), what).not.toMatch(/[\u0000-\u001f\u007f]/);
}

/** Pieces CSV files are made of, and pieces that break them. */
const piece = fc.oneof(
  fc.constantFrom('email', 'first_name', 'Email', 'Customer ID', 'Phone', 'id', 'tags', 'created_at', 'name', 'password', '_email', 'Nom', 'E-mail'),
  fc.constantFrom('a@example.com', 'b@example.com', 'Hélène', '=1+2', "'00501", '5/6/2012', '2026-13-45', '4.41E+11', '99999999999999999999', '-1'),
  fc.constantFrom(',', ';', '\t', '|', '"', '""', '\n', '\r\n', '\r', ' ', '\u00a0', '\ufeff', '\u001b[2J', '\u0000', '\u001f'),
  fc.string({ maxLength: 12 }),
);

const csvBytes = fc.oneof(
  fc.array(piece, { maxLength: 60 }).map((parts) => Buffer.from(parts.join(''), 'utf8')),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.array(piece, { maxLength: 30 }), fc.uint8Array({ maxLength: 40 })).map(([parts, tail]) => Buffer.concat([Buffer.from(parts.join(''), 'latin1'), Buffer.from(tail)])),
);

async function nativeText(db: string): Promise<string> {
  const r = await runCli(['--db', db, 'export', '-']);
  return r.code === 0 ? r.stdout : `exit ${r.code}`;
}

describe('fuzz', () => {
  it('import: any bytes end in 0, 1 or 2, composed, and a failed import changes nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 'store.db');
    await runCli(['--db', db, 'add', '--email', 'keep@example.com', '--first-name', 'Keep', '--tag', 'vip']);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(csvBytes, fc.constantFrom<string[]>([], ['--skip-invalid'], ['--preset', 'shopify'], ['--dry-run'], ['--encoding', 'windows-1252']), async (bytes, flags) => {
        const file = join(dir, `in-${n++}.csv`);
        writeFileSync(file, bytes);
        const before = await nativeText(db);
        const r = await runCli(['--db', db, 'import', file, ...flags]);
        expectComposed(r, `${JSON.stringify(bytes.toString('latin1'))} ${flags.join(' ')}`);
        if (r.code !== 0 || flags.includes('--dry-run')) expect(await nativeText(db)).toBe(before);
        expect((await runCli(['--db', db, 'db', 'check'])).code).toBe(0);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, TIMEOUT);

  it('command lines: any words end in 0, 1 or 2, composed, never waiting for a terminal', async () => {
    const dir = tempDir();
    const db = join(dir, 'store.db');
    await runCli(['--db', db, 'add', '--email', 'keep@example.com']);
    const word = fc.oneof(
      fc.constantFrom('list', 'search', 'show', 'add', 'edit', 'delete', 'update', 'groups', 'create', 'config', 'get', 'set', 'db', 'check', 'login-link', 'issue', 'verify'),
      fc.constantFrom('--json', '--format', 'csv', '--fields', '--sort', '--limit', '--group', '--tag', '--email', '--phone', '--all', '--yes', '--dry-run', '--ttl', '--', '-'),
      fc.constantFrom('1', '0', '-1', 'keep@example.com', 'VIP', 'name:desc', '14d', '99999999d', 'store.name', '\u001b]0;x\u0007', "'; DROP TABLE customers; --"),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 7 }), async (words) => {
        // Never a path outside the test's folder: file arguments of export and import are not drawn.
        if (words.some((w) => w === 'export' || w === 'import' || w === 'backup')) return;
        const r = await runCli(['--db', db, ...words], { env: { CUSTOMERS_LOGIN_URL: undefined } });
        expectComposed(r, JSON.stringify(words));
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
    expect((await runCli(['--db', db, 'db', 'check'])).code).toBe(0);
  }, TIMEOUT);
});
