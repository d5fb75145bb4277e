import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, PRESETS } from '../src/core/csv/presets.js';
import { json, storeCli } from './helpers/run-cli.js';
import { spawnCli } from './helpers/spawn-cli.js';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', name);

async function shopifyStore() {
  const s = storeCli();
  await s.cli('import', fixture('shopify-customers.csv'));
  return s;
}

describe('export', () => {
  it('writes the native format to stdout: every field but the derived name, CRLF lines', async () => {
    const { cli } = await shopifyStore();
    const r = await cli('export', '--country', 'BE');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'id,email,first_name,last_name,phone,company,group,tax_exempt,tax_id,accepts_marketing,accepts_sms_marketing,lang,note,tags,street,street2,city,region,postal_code,country,source_id,source,order_count,total_spent,first_order_at,last_order_at,has_account,last_login_at,created_at,updated_at\r\n' +
        '2,jan.peeters@example.be,Jan,Peeters,+32 470 12 34 56,Peeters NV,,true,,false,false,,,b2b,Meir 45,Bus 3,Antwerpen,,2000,BE,7012345678902,shopify,2,89.90,,,false,,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z\r\n',
    );
    expect(r.stderr).toBe('Exported 1 customer.\n');
  });

  it('--columns picks and orders; --delimiter, --bom and --no-header change the layout', async () => {
    const { cli } = await shopifyStore();
    const r = await cli('export', '--columns', 'total_spent,email,tags', '--delimiter', ';', '--bom', '--no-header', '--min-orders', '14');
    expect(r.stdout).toBe('\ufeff1250.40;helene.dupont@example.fr;VIP, wholesale\r\n4999.99;juergen.mueller@example.de;b2b, VIP, wholesale\r\n');
    const bad = await cli('export', '--columns', 'email,mobile');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown field "mobile" for the native preset');
    expect(bad.stderr).toContain('Valid fields: id, email, first_name');
  });

  it("--preset writes the other platform's headers and conventions, and it imports back", async () => {
    const { cli, dir } = await shopifyStore();
    const r = await cli('export', '--preset', 'shopify', '--columns', 'Email,Accepts Email Marketing,Tax Exempt,Tags,Total Spent', '--tag', 'b2b');
    expect(r.stdout).toBe('Email,Accepts Email Marketing,Tax Exempt,Tags,Total Spent\r\njan.peeters@example.be,no,yes,b2b,89.90\r\njuergen.mueller@example.de,no,yes,"b2b, VIP, wholesale",4999.99\r\n');
    // An address file adds to customers already in a store (test/addresses.test.ts).
    for (const preset of PRESET_NAMES.filter((p) => p !== 'native' && PRESETS[p].addresses !== 'file')) {
      const file = join(dir, `${preset}.csv`);
      expect((await cli('export', file, '--preset', preset)).code).toBe(0);
      const other = storeCli();
      const back = await other.cli('import', file, '--json');
      expect(JSON.parse(back.stdout), preset).toMatchObject({ created: 10, rejected: 0, preset });
    }
  });

  it('guards text a spreadsheet would run, but not phone numbers or negative numbers', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com', '--note', '=HYPERLINK("http://evil.example")', '--company', '@SUM(A1)', '--phone', '+33 6 12 34 56 78', '--city', '-15', '--street', "'=already quoted");
    const r = await s.cli('export', '--columns', 'note,company,phone,city,street');
    expect(r.stdout).toBe(`note,company,phone,city,street\r\n"'=HYPERLINK(""http://evil.example"")",'@SUM(A1),+33 6 12 34 56 78,-15,''=already quoted\r\n`);
  });

  it('never writes over the store; writes into a FIFO without replacing it', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const r = await s.cli('export', s.db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${s.db}: it is the store`);
    expect((await s.cli('db', 'check')).code).toBe(0);
    const fifo = join(s.dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<string>((resolve) => {
      let text = '';
      createReadStream(fifo, 'utf8').on('data', (c) => (text += c)).on('end', () => resolve(text));
    });
    // A separate process: opening a FIFO for writing blocks until the reader here has opened it.
    const written = await spawnCli(['--db', s.db, 'export', fifo, '--columns', 'email']);
    expect(written.code).toBe(0);
    expect(await reader).toBe('email\r\na@example.com\r\n');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('writes a file only when the whole export succeeded', async () => {
    const { cli, dir } = await shopifyStore();
    const file = join(dir, 'out.csv');
    expect((await cli('export', file)).stderr).toBe(`Exported 10 customers to ${file} (native, delimiter comma).\n`);
    expect(readFileSync(file, 'utf8').split('\r\n')).toHaveLength(12);
    const failed = await cli('export', join(dir, 'out2.csv'), '--group', 'Nope');
    expect(failed.code).toBe(1);
    expect(existsSync(join(dir, 'out2.csv'))).toBe(false);
    const nowhere = await cli('export', '/nonexistent/dir/out.csv');
    expect(nowhere).toMatchObject({ code: 2, stderr: 'error: cannot write /nonexistent/dir/out.csv: the folder /nonexistent/dir does not exist; create it first, or name a file in a folder that exists\n' });
  });
});

describe('round trip', () => {
  it('a native export imported into an empty store exports byte for byte the same', async () => {
    const a = await shopifyStore();
    await a.cli('groups', 'create', 'VIP');
    await a.cli('update', '1', '3', '--set', 'group=VIP', '--set', 'tax_id==1+2');
    await a.cli('delete', '2', '--yes');
    // A replacement character that is really in the data (found by the property test below) is not a misread file.
    await a.cli('add', '--email', 'odd@example.com', '--last-name', 'Br\ufffdcke');
    const first = (await a.cli('export')).stdout;
    const b = storeCli();
    const file = join(b.dir, 'a.csv');
    writeFileSync(file, first);
    expect((await b.cli('import', file, { now: new Date('2030-01-01T00:00:00Z') })).code).toBe(0);
    expect((await b.cli('export')).stdout).toBe(first);
  });

  it('holds for any text: Unicode, quotes, delimiters, line breaks, formula starts (property)', async () => {
    // Control characters are refused by the store (see values.ts), so leave them out: the property is about what it keeps.
    const anyChar = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !/[\u0000-\u001f\u007f]/.test(c));
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', ',', ';', "'", '=', '+', '-', '@', ' ', '|', 'é', '雪', '😀'), anyChar), maxLength: 12 });
    const customer = fc.record({
      first_name: text, last_name: text, company: text, note: fc.string({ unit: fc.oneof(fc.constantFrom('\n', '\r\n', '"', ','), anyChar), maxLength: 20 }),
      phone: fc.oneof(text, fc.constantFrom('+33 6 12 34 56 78', '-15', '0044 20')), tag: fc.array(text.filter((t) => t.trim() !== '' && !t.includes(',')), { maxLength: 3 }), city: text,
    });
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(customer, { minLength: 1, maxLength: 6 }), async (customers) => {
        const a = storeCli();
        let added = 0;
        for (const [i, c] of customers.entries()) {
          const args = ['add', '--email', `c${i}@example.com`];
          for (const [flag, value] of Object.entries(c)) {
            for (const v of Array.isArray(value) ? value : [value]) args.push(`--${flag.replace('_', '-')}`, v);
          }
          // Values the store refuses (control characters, commas in tags) are not the property under test.
          if ((await a.cli(...args)).code === 0) added++;
        }
        if (added === 0) return;
        total += added;
        const first = (await a.cli('export')).stdout;
        const b = storeCli();
        const file = join(b.dir, 'a.csv');
        writeFileSync(file, first);
        const imported = await b.cli('import', file, '--json');
        expect(imported.code, imported.stderr).toBe(0);
        expect(JSON.parse(imported.stdout).created).toBe(added);
        expect((await b.cli('export')).stdout).toBe(first);
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 40) },
    );
    expect(total).toBeGreaterThan(40); // most generated customers were accepted, so the property was exercised
  });
});

describe('every preset, out and back in', () => {
  it('adds no apostrophes: export -> import into the same store changes nothing, and exports again byte for byte', async () => {
    const { cli, dir } = await shopifyStore();
    await cli('add', '--email', 'dash@example.com', '--company', '-', '--phone', '+33 6 12 34 56 78', '--note', "'=1+1");
    await cli('add', '--email', 'nbsp@example.com', '--phone', '+33\u00a06\u202f12 34', '--postal-code', '00501', '--first-name', 'Keala', '--last-name', "'Ohana");
    for (const preset of PRESET_NAMES) {
      const first = join(dir, `${preset}.csv`);
      const second = join(dir, `${preset}-again.csv`);
      await cli('export', '--preset', preset, first);
      const summary = json<{ updated: number; unchanged: number }>(await cli('import', first, '--preset', preset, '--json'));
      // Ecwid takes a tax exemption only with a tax id: the two exempt customers without one come back taxed.
      expect(summary, preset).toMatchObject(preset === 'ecwid' ? { updated: 2, unchanged: 10 } : { updated: 0, unchanged: 12 });
      await cli('export', '--preset', preset, second);
      expect(readFileSync(second, 'utf8'), preset).toBe(readFileSync(first, 'utf8'));
    }
    expect(json(await cli('show', 'dash@example.com', '--json'))).toMatchObject({ company: '-', note: "'=1+1" });
    expect(json(await cli('show', 'nbsp@example.com', '--json'))).toMatchObject({ phone: '+33\u00a06\u202f12 34', postal_code: '00501', last_name: "'Ohana" });
  });
});
