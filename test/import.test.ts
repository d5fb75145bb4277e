import { existsSync, linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { findWorker } from '../src/core/csv/read.js';
import { isImportTarget } from '../src/core/csv/columns.js';
import { PRESETS } from '../src/core/csv/presets.js';
import { SeenStrings } from '../src/core/csv/row-writer.js';
import { json, runCli, storeCli } from './helpers/run-cli.js';
import { spawnCli } from './helpers/spawn-cli.js';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', name);
type Customer = Record<string, unknown>;

async function imported(file: string, ...args: string[]) {
  const s = storeCli();
  const r = await s.cli('import', fixture(file), '--json', ...args);
  const list = r.code === 0 ? json<Customer[]>(await s.cli('list', '--json')) : [];
  return { ...s, r, summary: r.stdout ? JSON.parse(r.stdout) : undefined, list, byEmail: (e: string) => list.find((c) => c.email === e) };
}

describe('platform presets, detected from the header', () => {
  it('Shopify (current export): every column, totals kept as order statistics', async () => {
    const { summary, list, byEmail } = await imported('shopify-customers.csv');
    expect(summary).toMatchObject({ created: 10, updated: 0, unchanged: 0, rejected: 0, duplicates: 0, preset: 'shopify', delimiter: ',', encoding: 'utf-8' });
    expect(list).toHaveLength(10);
    expect(byEmail('helene.dupont@example.fr')).toMatchObject({
      first_name: 'Hélène', last_name: 'Dupont', company: 'Dupont SARL', street: '12 rue des Lilas', city: 'Paris', postal_code: '75011',
      country: 'FR', phone: '+33 6 12 34 56 78', accepts_marketing: true, tax_exempt: false, total_spent: '1250.40', order_count: 14,
      note: 'Prefers delivery after 5pm, side door', tags: ['VIP', 'wholesale'],
    });
    // E-mail lower-cased; the address phone is used when the customer phone is empty; leading zeros kept.
    expect(byEmail('sanne.devries@example.nl')).toMatchObject({ phone: '0612345678', postal_code: '1016 GV', tags: ['newsletter', 'returning'] });
    expect(byEmail('juergen.mueller@example.de')).toMatchObject({ phone: '+49 89 123456', tax_exempt: true, region: 'BY', company: 'Müller & Söhne GmbH' });
  });

  it("Shopify: the platform's customer id is kept as source_id, and a re-import finds the customer by it", async () => {
    const { cli, dir, byEmail } = await imported('shopify-customers.csv');
    expect(byEmail('helene.dupont@example.fr')).toMatchObject({ id: 1, source_id: '7012345678901' });
    expect((await cli('list', '--source-id', '7012345678902', '--format', 'ids')).stdout).toBe('2\n');
    // Her e-mail changed on the platform: the same customer is updated, not created again.
    const file = join(dir, 'changed.csv');
    writeFileSync(file, 'Customer ID,First Name,Email\n7012345678901,Hélène,helene@dupont.example\n');
    expect(json(await cli('import', file, '--json'))).toMatchObject({ created: 0, updated: 1 });
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({ email: 'helene@dupont.example', source_id: '7012345678901' });
    // A source id of one customer with the e-mail of another: refused, nothing written.
    writeFileSync(file, 'Customer ID,First Name,Email\n7012345678901,Hélène,jan.peeters@example.be\n');
    const clash = await cli('import', file);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('customer 1 has source id 7012345678901 but customer 2 has this e-mail');
  });

  it("Shopify's text marks (a leading apostrophe on ids, phones and zips) are taken off, not stored", async () => {
    const { byEmail, summary } = await imported('shopify-text-marked.csv');
    expect(summary).toMatchObject({ preset: 'shopify', created: 3, rejected: 0 });
    expect(byEmail('helene.dupont@example.fr')).toMatchObject({ source_id: '7012345678901', phone: '+33 6 12 34 56 78', postal_code: '75011' });
    expect(byEmail('jan.peeters@example.be')).toMatchObject({ source_id: '7012345678902', postal_code: '2000' });
  });

  it('Shopify: consent is per channel, e-mail and SMS; both go back out in a Shopify export', async () => {
    const { cli, byEmail } = await imported('shopify-customers.csv');
    expect(byEmail('giulia.bianchi@example.it')).toMatchObject({ accepts_sms_marketing: true });
    expect(byEmail('helene.dupont@example.fr')).toMatchObject({ accepts_marketing: true, accepts_sms_marketing: false });
    expect((await cli('list', '--accepts-sms-marketing', '--format', 'csv', '--fields', 'email')).stdout).toBe('email\ngiulia.bianchi@example.it\nlucia.fernandez@example.es\n');
    expect((await cli('list', '--no-accepts-sms-marketing', '--format', 'count')).stdout).toBe('8\n');
    const out = (await cli('export', '--preset', 'shopify', '--columns', 'Email,Accepts SMS Marketing')).stdout;
    expect(out.split('\r\n').slice(0, 4)).toEqual(['Email,Accepts SMS Marketing', 'helene.dupont@example.fr,no', 'jan.peeters@example.be,no', 'giulia.bianchi@example.it,yes']);
  });

  it('Shopify (legacy template): country names and codes, province names', async () => {
    const { summary, byEmail } = await imported('shopify-legacy.csv');
    expect(summary.preset).toBe('shopify');
    expect(byEmail('pieter@example.be')).toMatchObject({ country: 'BE', company: 'Janssens BV', note: 'Met at the fair', phone: '0471 23 45 67' });
    expect(byEmail('anna.schmidt@example.de')).toMatchObject({ country: 'DE', total_spent: '45.50', tags: ['b2c', 'newsletter'] });
  });

  it('Ecwid name,email,password: names split, passwords hashed and never shown', async () => {
    const { summary, byEmail, db } = await imported('ecwid-name-email-password.csv');
    expect(summary.preset).toBe('ecwid');
    expect(byEmail('bram@example.nl')).toMatchObject({ first_name: 'Bram', last_name: 'van den Berg' });
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db, { readonly: true });
    const hashes = raw.prepare('SELECT email, password_hash FROM customers ORDER BY id').all() as { email: string; password_hash: string | null }[];
    raw.close();
    expect(hashes[0].password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hashes[1].password_hash).toBeNull();
    expect(JSON.stringify(hashes)).not.toContain('s3cret-Pa55');
  });

  it('Ecwid extended columns: General means no group, tax id, language, statistics, registration date', async () => {
    const { summary, byEmail } = await imported('ecwid-customers.csv');
    expect(summary).toMatchObject({ preset: 'ecwid', groups_created: ['Wholesale'] });
    expect(byEmail('thomas.leroy@example.fr')).toMatchObject({
      group: 'Wholesale', tax_exempt: true, tax_id: 'FR12345678901', lang: 'fr', note: 'Net 30 terms', order_count: 22,
      total_spent: '10450.00', created_at: '2023-11-20T08:00:00Z',
    });
    expect(byEmail('sofia.costa@example.pt')).toMatchObject({ group: null, total_spent: '210.40', accepts_marketing: true });
  });

  it('WooCommerce analytics export: full names, currency signs, sign-up dates, shipping phone as fallback', async () => {
    const { summary, byEmail } = await imported('woocommerce-analytics.csv');
    expect(summary.preset).toBe('woocommerce');
    expect(byEmail('olivia.jones@example.co.uk')).toMatchObject({ first_name: 'Olivia', last_name: 'Jones', total_spent: '412.80', order_count: 6, created_at: '2024-05-14T00:00:00Z', postal_code: 'SW1A 1AA' });
    expect(byEmail('matteo.ferrari@example.it')).toMatchObject({ phone: '+39 333 1234567', region: 'TO' });
  });

  it('WooCommerce customer export plugin: registration dates, billing names as fallback, its customer id', async () => {
    const { summary, byEmail, cli } = await imported('woocommerce-customer-export.csv');
    expect(json(await cli('import', fixture('woocommerce-customer-export.csv'), '--json'))).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(summary).toMatchObject({ preset: 'woocommerce', created: 3, rejected: 0, unknown_columns: [] });
    expect(byEmail('marie.lambert@example.fr')).toMatchObject({
      source_id: '12', first_name: 'Marie', company: 'Atelier Lambert', phone: '0612345678', postal_code: '29200', created_at: '2021-03-14T09:12:45Z',
    });
    expect(byEmail('pieter.claes@example.be')).toMatchObject({ first_name: 'Pieter', last_name: 'Claes', street2: 'bus 4', country: 'BE' });
    // A guest's customer id is 0: no id, so guests are not taken for one another on a re-import.
    expect(byEmail('guest.buyer@example.nl')).toMatchObject({ source_id: null });
  });

  it('Magento customers main file: groups by id, tax/VAT number, created_at, password hash kept as it is', async () => {
    const { summary, byEmail, db, cli } = await imported('magento-customers.csv');
    expect(summary).toMatchObject({ preset: 'magento', groups_created: ['Wholesale', 'Retailer'] });
    expect(byEmail('laura.weber@example.de')).toMatchObject({ group: null, tax_id: 'DE123456789', created_at: '2022-06-15T09:30:00Z' });
    expect(byEmail('marco.rossi@example.it')).toMatchObject({ group: 'Wholesale' });
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare("SELECT password_hash FROM customers WHERE email = 'marco.rossi@example.it'").pluck().get()).toBe('$2y$10$abcdefghijklmnopqrstuuJ0kP8vQy3G5cQh1l8m2Ck4d6Yl7n1Ce');
    // Neither password column filled: no hash (NULL, not ''), and the store is sound.
    expect(raw.prepare("SELECT count(*) FROM customers WHERE password_hash = ''").pluck().get()).toBe(0);
    raw.close();
    expect((await cli('db', 'check')).code).toBe(0);
  });

  it('passwords: an empty cell keeps the stored hash; a plain password after a hash column replaces it', async () => {
    const s = storeCli();
    const file = join(s.dir, 'm.csv');
    writeFileSync(file, 'email,firstname,password_hash,password\nmarco.rossi@example.it,Marco,$2y$10$oldhash,\n');
    await s.cli('import', file, '--preset', 'magento');
    writeFileSync(file, 'email,firstname,password_hash,password\nmarco.rossi@example.it,Marco,,\n');
    expect(json(await s.cli('import', file, '--preset', 'magento', '--json'))).toMatchObject({ unchanged: 1, updated: 0 });
    const hash = () => {
      const raw = new Database(s.db, { readonly: true });
      const value = raw.prepare('SELECT password_hash FROM customers').pluck().get();
      raw.close();
      return value;
    };
    expect(hash()).toBe('$2y$10$oldhash');
    writeFileSync(file, 'email,firstname,password_hash,password\nmarco.rossi@example.it,Marco,$2y$10$oldhash,New-2026\n');
    await s.cli('import', file, '--preset', 'magento');
    expect(hash()).toMatch(/^scrypt\$/);
  });

  it('a group named in the file is the existing group whatever the case of its accented letters', async () => {
    const s = storeCli();
    await s.cli('groups', 'create', 'Élite');
    const file = join(s.dir, 'g.csv');
    writeFileSync(file, 'email,group\na@example.com,élite\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 1, groups_created: [] });
    expect(json<Customer>(await s.cli('show', 'a@example.com', '--json')).group).toBe('Élite');
    expect((await s.cli('groups', 'create', 'ÉLITE')).stderr).toContain('a group named "Élite" already exists');
    expect((await s.cli('list', '--group', 'élite', '--format', 'count')).stdout).toBe('1\n');
  });

  it('dates such as 5/6/2012: the file says day-first or month-first, else --date-format must', async () => {
    const { summary, byEmail } = await imported('magento-dates-month-first.csv');
    expect(summary).toMatchObject({ preset: 'magento', created: 4, rejected: 0 });
    // 8/16/2016 settles it: month first, also for the rows read before it.
    expect(byEmail('anna.keller@example.ch')).toMatchObject({ created_at: '2012-05-06T15:53:00Z', updated_at: '2012-05-06T15:53:00Z' });
    expect(byEmail('luca.moretti@example.it')).toMatchObject({ created_at: '2012-05-06T15:53:00Z' });
    expect(byEmail('sofia.berg@example.se')).toMatchObject({ created_at: '2016-08-16T11:25:00Z' });
    expect(byEmail('tom.visser@example.nl')).toMatchObject({ created_at: '2016-08-16T11:25:00Z' });

    const s = storeCli();
    const file = join(s.dir, 'ambiguous.csv');
    writeFileSync(file, 'email,created_at\na@example.com,5/6/2012\nb@example.com,1/2/2013 08:00\n');
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "created_at": "5/6/2012" could be day/month or month/day, and no date in the file says which');
    expect(r.stderr).toContain('Pass --date-format DMY (5/6/2012 is 5 June) or --date-format MDY (May 6).');
    expect((await s.cli('import', file, '--date-format', 'dmy')).code).toBe(0);
    expect(json<Customer>(await s.cli('show', 'a@example.com', '--json')).created_at).toBe('2012-06-05T00:00:00Z');
    expect((await s.cli('import', file, '--date-format', 'YMD')).code).toBe(2);

    writeFileSync(file, 'email,created_at\nc@example.com,25/06/2012\nd@example.com,06/25/2012\n');
    const contradiction = await s.cli('import', file);
    expect(contradiction.stderr).toContain('line 3, column "created_at", value "06/25/2012": "06/25/2012" is not a date; other dates of this file say day first');
  });

  it('Magento customers-and-addresses file: multi-line street into two lines', async () => {
    const { summary, byEmail } = await imported('magento-customers-addresses.csv');
    expect(summary.preset).toBe('magento');
    expect(byEmail('elena.horvath@example.hu')).toMatchObject({ street: 'Váci utca 1', street2: '2. emelet', city: 'Budapest', company: 'Horváth Kft.', country: 'HU', phone: '+36 1 234 5678', tax_id: 'HU12345678' });
  });

  it('BigCommerce: group, join date, marketing Y/N, tax-exempt category', async () => {
    const { summary, byEmail } = await imported('bigcommerce-customers.csv');
    expect(summary.preset).toBe('bigcommerce');
    expect(byEmail('david.nguyen@example.com')).toMatchObject({ group: 'Wholesale', tax_exempt: true, accepts_marketing: true, note: 'Reseller', created_at: '2024-04-18T00:00:00Z' });
    expect(byEmail('sarah.kowalski@example.pl')).toMatchObject({ tax_exempt: false, accepts_marketing: false, group: null });
  });

  it('an explicit --preset overrides detection; headers match whatever their case', async () => {
    const { summary, byEmail } = await imported('shopify-customers.csv', '--preset', 'magento');
    expect(summary).toMatchObject({ preset: 'magento', created: 10 });
    expect(summary.unknown_columns).toContain('First Name');
    expect(byEmail('helene.dupont@example.fr')).toMatchObject({ first_name: null });
    const { r } = await imported('woocommerce-analytics.csv', '--preset', 'bigcommerce');
    expect(r.code).toBe(0);
    const s = storeCli();
    const file = join(s.dir, 'f.csv');
    writeFileSync(file, 'Customer ID,Name\n1,Ann\n');
    const none = await s.cli('import', file, '--preset', 'magento');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('line 1: no e-mail column in the header ("Customer ID", "Name")');
    expect(none.stderr).toContain('The magento preset reads the e-mail from "email" or "_email".');
  });
});

describe("what Excel does to files", () => {
  it('Windows-1252 with semicolons, CRLF and decimal commas (with thousands separators)', async () => {
    const { summary, byEmail } = await imported('excel-semicolon-windows1252.csv');
    expect(summary).toMatchObject({ created: 4, preset: 'shopify', delimiter: ';', encoding: 'windows-1252' });
    expect(byEmail('francoise.lefevre@example.fr')).toMatchObject({ first_name: 'Françoise', last_name: 'Lefèvre', company: 'Café Crème SARL', street: "3 place de l'Église", total_spent: '1234.56', accepts_marketing: true, tags: ['café', 'fidèle'] });
    expect(byEmail('joerg.baecker@example.de')).toMatchObject({ first_name: 'Jörg', postal_code: '07001', phone: '0049 711 123456', total_spent: '0.50', accepts_marketing: true });
    expect(byEmail('soren@example.dk')).toMatchObject({ city: 'København', total_spent: '19.99', phone: '33612345678', tags: ['prix €'] });
  });

  it('a UTF-8 byte-order mark does not hide the first header', async () => {
    const { summary, byEmail } = await imported('excel-utf8-bom.csv');
    expect(summary).toMatchObject({ created: 2, encoding: 'utf-8', preset: 'shopify' });
    expect(byEmail('mia.fischer@example.de')).toMatchObject({ postal_code: '01067', phone: '+49 151 2345678', accepts_marketing: true });
  });

  it('UTF-16 ("Unicode text", tab-separated)', async () => {
    const { summary, byEmail } = await imported('excel-utf16le-tab.csv');
    expect(summary).toMatchObject({ created: 2, encoding: 'utf-16le', delimiter: 'tab' });
    expect(byEmail('yuki.tanaka@example.jp')).toMatchObject({ first_name: '雪', last_name: '田中', city: '東京', country: 'JP' });
  });

  it('quoted fields with delimiters, doubled quotes and line breaks inside', async () => {
    const { summary, byEmail } = await imported('pipe-quoted-multiline.csv');
    expect(summary).toMatchObject({ created: 2, delimiter: '|' });
    expect(byEmail('mark@example.com')).toMatchObject({ company: 'Evans | Sons', note: 'Line one\nline two, with comma', street: '1 "Old" Road' });
    expect(byEmail('ines@example.pt')).toMatchObject({ note: 'Said: "call me"; prefers pipes | in notes' });
  });

  it('an explicit --encoding and --delimiter are used as given', async () => {
    const s = storeCli();
    const r = await s.cli('import', fixture('excel-semicolon-windows1252.csv'), '--encoding', 'utf-8', '--delimiter', ';');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not valid utf-8; pass --encoding windows-1252');
  });
});

describe('rejected rows', () => {
  it('all or nothing: every problem with line, column and value; exit 1; nothing written', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'existing@example.com');
    const r = await s.cli('import', fixture('invalid-rows.csv'));
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines).toContain('line 3, column "email", value "": the row has no e-mail, phone, first name, last name or company');
    expect(lines).toContain('line 4, column "email", value "not-an-email": "not-an-email" is not a valid e-mail address (expected name@example.com)');
    expect(lines).toContain('line 5, column "country", value "France-ish": "France-ish" is not an ISO 3166-1 alpha-2 country code such as FR, BE, US');
    expect(r.stderr).toContain('line 6, column "phone", value "4.41E+11": "4.41E+11" is a number in scientific notation');
    expect(r.stderr).toContain('line 7, column "total_spent", value "12.3.4"');
    expect(r.stderr).toContain('line 7, column "accepts_marketing", value "maybe"');
    expect(r.stderr).toContain('Nothing imported: 2 created, 0 updated, 0 unchanged, 5 rejected.');
    expect((await s.cli('list', '--format', 'ids')).stdout).toBe('1\n');
  });

  it('--skip-invalid writes the valid rows and exits 0', async () => {
    const s = storeCli();
    const r = await s.cli('import', fixture('invalid-rows.csv'), '--skip-invalid', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 2, rejected: 5, written: true });
    expect((await s.cli('list', '--format', 'csv', '--fields', 'email,phone')).stdout).toBe('email,phone\ngood.one@example.com,+32 470 00 00 01\ngood.two@example.com,0031 6 1234 5678\n');
  });

  it('--errors FILE holds the rejected rows with their reasons, ready to fix and import again', async () => {
    const s = storeCli();
    const errors = join(s.dir, 'errors.csv');
    await s.cli('import', fixture('invalid-rows.csv'), '--errors', errors);
    const text = readFileSync(errors, 'utf8').split('\r\n');
    // UTF-8 with a byte-order mark, so that a spreadsheet shows accents.
    expect(text[0]).toBe('\ufeffemail,first_name,last_name,phone,country,total_spent,order_count,accepts_marketing,line,column,reason');
    expect(text[1]).toBe(',,,,FR,0,0,no,3,email,"the row has no e-mail, phone, first name, last name or company"');
    expect(text[5]).toBe('bad.amount@example.com,Bad,Amount,,NL,12.3.4,0,maybe,7,total_spent; accepts_marketing,"""12.3.4"" is not an amount (expected a number with at most two decimals, such as 59.90); ""maybe"" is not a yes/no value (expected yes/no, true/false, 1/0, y/n, oui/non, sì/no, ja/nee)"');
    expect(text).toHaveLength(7);
    // Fixed in place and imported again: the extra columns are reported and ignored.
    writeFileSync(errors, readFileSync(errors, 'utf8').replace(',,,,FR', 'missing@example.com,Missing,Email,,FR').replace('not-an-email', 'fixed@example.com')
      .replace('France-ish', 'FR').replace('4.41E+11', '+44 20 7946 0958').replace('12.3.4', '12.34').replace(',maybe,', ',no,'));
    const again = await s.cli('import', errors, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 5, rejected: 0, unknown_columns: ['line', 'column', 'reason'] });
    expect(again.stderr).toContain(`Ignored unknown columns: "line", "column", "reason"`);
  });

  it('--errors FILE is written in the encoding and with the delimiter of the input (Windows-1252, UTF-16)', async () => {
    const s = storeCli();
    const errors = join(s.dir, 'errors.csv');
    const latin = readFileSync(fixture('excel-semicolon-windows1252.csv')).toString('latin1').replace('59000;+33 3 20 00 00 00', '59000;3.32E+10');
    const input = join(s.dir, 'excel.csv');
    writeFileSync(input, Buffer.from(latin, 'latin1'));
    expect((await s.cli('import', input, '--errors', errors)).code).toBe(1);
    const bytes = readFileSync(errors);
    expect(bytes.subarray(0, 3)).not.toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = bytes.toString('latin1').split('\r\n');
    expect(rows[0]).toBe('First Name;Last Name;Email;Company;Address1;City;Country Code;Zip;Phone;Accepts Marketing;Total Spent;Total Orders;Tax Exempt;Tags;line;column;reason');
    expect(rows[1]).toMatch(/^Françoise;Lefèvre;francoise\.lefevre@example\.fr;Café Crème SARL;.*;3\.32E\+10;.*;2;Phone;/);
    // Fixed and imported again with the same flags (none): the encoding is detected as before.
    writeFileSync(errors, Buffer.from(bytes.toString('latin1').replace('3.32E+10', '+33 3 20 00 00 00'), 'latin1'));
    const again = await s.cli('import', errors, '--json');
    expect(json(again)).toMatchObject({ created: 1, rejected: 0, encoding: 'windows-1252', delimiter: ';' });
    expect(json<{ first_name: string }>(await s.cli('show', 'francoise.lefevre@example.fr', '--json')).first_name).toBe('Françoise');

    const utf16 = join(s.dir, 'utf16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email\tfirst_name\nnot-an-email\t雪\n', 'utf16le')]));
    expect((await s.cli('import', utf16, '--errors', errors, '--force')).code).toBe(1);
    const wide = readFileSync(errors);
    expect(wide.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    expect(wide.subarray(2).toString('utf16le').split('\r\n')[1]).toMatch(/^not-an-email\t雪\t2\temail\t/);
  });

  it('--errors never writes over the store, its journal or the file being imported (symlinks followed)', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'keep@example.com');
    const input = join(s.dir, 'in.csv');
    writeFileSync(input, 'email\nnot-an-email\n');
    const before = readFileSync(input, 'utf8');
    symlinkSync(s.db, join(s.dir, 'link.db'));
    linkSync(input, join(s.dir, 'hard.csv'));
    const targets = [[s.db, 'the store'], [join(s.dir, 'link.db'), 'the store'], [`${s.db}-wal`, "the store's journal"], [input, 'the file being imported'], [join(s.dir, 'hard.csv'), 'the file being imported']];
    for (const [target, what] of targets) {
      const r = await s.cli('import', input, '--errors', target);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toContain(`cannot write ${target}: it is ${what}`);
    }
    // The store reached through a symlink: its journal is beside the file the link leads to.
    const viaLink = await runCli(['--db', join(s.dir, 'link.db'), 'import', input, '--errors', `${s.db}-wal`]);
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toContain(`cannot write ${s.db}-wal: it is the store's journal`);
    const exported = await runCli(['--db', join(s.dir, 'link.db'), 'export', `${s.db}-shm`]);
    expect(exported.stderr).toContain(`cannot write ${s.db}-shm: it is the store's journal`);
    // Standard input redirected from the very file (a separate process, whose fd 0 is that file).
    const piped = await spawnCli(['--db', s.db, 'import', '-', '--errors', input], { stdinFile: input });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain(`cannot write ${input}: it is the file being imported`);
    expect(readFileSync(input, 'utf8')).toBe(before);
    expect((await s.cli('db', 'check')).code).toBe(0);
    expect((await s.cli('list', '--format', 'ids')).stdout).toBe('1\n');
  });

  it('a value from the file never reaches the terminal raw: escapes shown, huge values cut', async () => {
    const s = storeCli();
    const file = join(s.dir, 'hostile.csv');
    writeFileSync(file, `email,country,note\nx@example.com,\u001b[2J\u001b]0;PWNED\u0007,ok\ny@example.com,${'Z'.repeat(60_000)},ok\n`);
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stderr).toContain('value "\\x1b[2J\\x1b]0;PWNED\\x07"');
    expect(r.stderr).toContain(`value "${'Z'.repeat(200)}… (60,000 characters)"`);
    expect(r.stderr.length).toBeLessThan(3000);
    const group = await s.cli('list', '--group', 'a\u001bb');
    expect(group.stderr).toContain('a\\x1bb');
    expect(group.stderr).not.toContain('\u001b');
    // Data written by an older version, or by hand: a table shows it escaped all the same.
    await s.cli('add', '--email', 'z@example.com');
    const raw = new Database(s.db);
    raw.prepare('UPDATE customers SET company = ?').run('Evil\u001b[31mRed');
    raw.close();
    const table = await s.cli('show', 'z@example.com', { tty: true, env: { NO_COLOR: '1' } });
    expect(table.stdout).toContain('Evil\\x1b[31mRed');
  });

  it('--errors leaves passwords out and marks formulas as text', async () => {
    const s = storeCli();
    const input = join(s.dir, 'ecwid.csv');
    writeFileSync(input, 'name,email,password\n=HYPERLINK("http://evil.example/x") Doe,not-an-email,S3cret!pass\n');
    const errors = join(s.dir, 'errors.csv');
    expect((await s.cli('import', input, '--errors', errors)).code).toBe(1);
    const text = readFileSync(errors, 'utf8');
    expect(text).not.toContain('S3cret!pass');
    expect(text.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.example\/x""\) Doe",not-an-email,,2,email,".*; the password was left out of this file: type it again"$/);
  });

  it('--errors and the messages leave out a password that slid under another header, and keep their columns', async () => {
    const s = storeCli();
    const input = join(s.dir, 'ecwid.csv');
    // The name's comma was not quoted: every cell after it slid one column to the right.
    writeFileSync(input, 'name,email,password\nCamille,Martin,cam@example.fr,TopSecretF\nAnn,ann@example.fr\n');
    const errors = join(s.dir, 'errors.csv');
    const r = await s.cli('import', input, '--preset', 'ecwid', '--errors', errors);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('TopSecretF');
    expect(r.stderr).toContain('line 2, column "(column 4)": the row has 4 fields but the header has 3');
    const lines = readFileSync(errors, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('name,email,password,line,column,reason');
    expect(lines[1]).toMatch(/^Camille,Martin,,2,\(column 4\); email,".*the password was left out of this file: type it again"$/);
    // A short row: its cells slid left, so the password could be under an earlier header.
    expect(lines[2]).toMatch(/^Ann,,,3,\(column 3\),".*the password was left out of this file: type it again"$/);
    expect(readFileSync(errors, 'utf8')).not.toContain('TopSecretF');
    // Without a password column, the extra cells stay, in the last column, and line/column/reason in theirs.
    const plain = join(s.dir, 'plain.csv');
    writeFileSync(plain, 'email,first_name\na@example.com,Ann,Extra\n');
    await s.cli('import', plain, '--errors', errors, '--force');
    expect(readFileSync(errors, 'utf8').replace(/^\uFEFF/, '').split('\r\n')[1]).toBe('a@example.com,"Ann,Extra",2,(column 3),the row has 3 fields but the header has 2; a delimiter inside a value needs quotes');
  });

  it('a row shorter than the header is rejected, never read as blank values', async () => {
    const s = storeCli();
    const file = join(s.dir, 'short.csv');
    writeFileSync(file, 'email,first_name,phone,city,order_count,total_spent\nhelene.dupont@example.fr,Hélène,+33 6 12 34 56 78,Paris,14,1250.40\n');
    await s.cli('import', file);
    writeFileSync(file, 'email,first_name,phone,city,order_count,total_spent\nhelene.dupont@example.fr,Hélène\n');
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "(column 3)", value "": the row has 2 fields but the header has 6: "phone", "city", "order_count", "total_spent" are missing; was the row cut short, or a delimiter lost?');
    expect(json(await s.cli('show', 'helene.dupont@example.fr', '--json'))).toMatchObject({ phone: '+33 6 12 34 56 78', city: 'Paris', order_count: 14, total_spent: '1250.40' });
  });

  it('a header without an e-mail column names the columns and the fix', async () => {
    const s = storeCli();
    const file = join(s.dir, 'no-email.csv');
    writeFileSync(file, 'name,phone\nAnn,123\n');
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 1: no preset recognises this header ("name", "phone")');
    expect(r.stderr).toContain("--map 'Header=field'");
  });

  it('a file that fails on its header, or is empty, creates no store and no --errors file', async () => {
    const s = storeCli();
    const bad = join(s.dir, 'no-email.csv');
    writeFileSync(bad, 'name,phone\nAnn,123\n');
    const empty = join(s.dir, 'empty.csv');
    writeFileSync(empty, '');
    const errors = join(s.dir, 'errors.csv');
    for (const file of [bad, empty]) {
      for (const env of [{}, { CUSTOMERS_NO_WORKER: '1' }]) {
        const r = await s.cli('import', file, '--errors', errors, { env });
        expect(r.code, file).toBe(1);
        expect(r.stderr, file).not.toContain('Created a new store');
      }
    }
    expect(existsSync(s.db)).toBe(false);
    expect(existsSync(errors)).toBe(false);
  });

  it.each([{}, { CUSTOMERS_NO_WORKER: '1' }])('a quote never closed rejects the file, never drops rows silently (%j)', async (env) => {
    const s = storeCli();
    const r = await s.cli('import', fixture('unclosed-quote.csv'), { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: line 3: a quoted value starts here and is never closed, so lines 3 to 4 cannot be read');
    expect((await s.cli('list', '--format', 'count')).stdout).toBe('0\n');
    // --skip-invalid keeps the rows before it and counts the lines it could not read.
    const skipped = await s.cli('import', fixture('unclosed-quote.csv'), '--skip-invalid', '--json', { env });
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ created: 1, rejected: 2, written: true });
    expect(skipped.stderr).toContain('line 3, column "(file)", value "": line 3: a quoted value starts here and is never closed');
  });

  it('a download cut off inside a quoted value is refused, with the line', async () => {
    const s = storeCli();
    const r = await s.cli('import', fixture('shopify-truncated-in-quotes.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: line 11: a quoted value starts here and is never closed, so line 11 cannot be read');
    expect(r.stderr).toContain('If the file was cut off (an interrupted download), export it again.');
    expect((await s.cli('list', '--format', 'count')).stdout).toBe('0\n');
  });

  it('a stray quote that swallows whole rows into one value is reported with its line', async () => {
    const s = storeCli();
    const r = await s.cli('import', fixture('stray-quote.csv'), '--json');
    expect(JSON.parse(r.stdout).warnings).toEqual([
      'line 3, column "note": the value runs into 2 more lines that look like whole rows; a quote on line 3 may be missing or stray (the value was read as it is)',
    ]);
    expect(r.stderr).toContain('warning: line 3, column "note"');
  });

  it('a row with more fields than the header is rejected, not shifted', async () => {
    const s = storeCli();
    const file = join(s.dir, 'shifted.csv');
    writeFileSync(file, 'email,company\na@example.com,Smith, Jones and Co\nb@example.com,Plain\n');
    const r = await s.cli('import', file, '--skip-invalid');
    expect(r.stderr).toContain('line 2, column "(column 3)", value " Jones and Co": the row has 3 fields but the header has 2; a delimiter inside a value needs quotes');
    expect((await s.cli('list', '--format', 'csv', '--fields', 'email,company')).stdout).toBe('email,company\nb@example.com,Plain\n');
  });
});

describe('review findings', () => {
  it('e-mails with combining marks (Devanagari, a lower-cased İ) are valid', async () => {
    const s = storeCli();
    for (const email of ['user@उदाहरण.भारत', 'राम@example.in', 'İlker@example.com']) {
      expect((await s.cli('add', '--email', email)).code, email).toBe(0);
    }
    expect((await s.cli('add', '--email', 'user@xn--p1b6ci4b4b3a.xn--h2brj9c')).stderr).toContain('already exists');
  });

  it('--errors blanks a column named like a password even when no preset reads it', async () => {
    const s = storeCli();
    const input = join(s.dir, 'in.csv');
    writeFileSync(input, 'email,first_name,password\nnot-an-email,Ann,Hunter2!secret\n');
    const errors = join(s.dir, 'errors.csv');
    await s.cli('import', input, '--errors', errors);
    expect(readFileSync(errors, 'utf8')).not.toContain('Hunter2!secret');
  });

  it('a row the parser could not read keeps line, column and reason under their headers in --errors', async () => {
    const s = storeCli();
    const errors = join(s.dir, 'errors.csv');
    await s.cli('import', join(__dirname, '..', 'fixtures', 'unclosed-quote.csv'), '--skip-invalid', '--errors', errors);
    const [header, row] = readFileSync(errors, 'utf8').replace(/^\ufeff/, '').split('\r\n');
    const at = (name: string) => header.split(',').indexOf(name);
    const cells = row.split(',');
    expect(cells.length).toBeGreaterThanOrEqual(header.split(',').length);
    expect(cells[at('column')]).toBe('(file)');
    expect(cells[at('line')]).toMatch(/^\d+$/);
  });
});

describe('large ids in a native file', () => {
  it('a large id is kept and later imports still create customers; one beyond the limit is refused', async () => {
    const s = storeCli();
    const file = join(s.dir, 'big.csv');
    writeFileSync(file, 'id,email\n4294967295,big@example.com\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 1 });
    writeFileSync(file, 'email\nnext@example.com\nthird@example.com\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 2, rejected: 0 });
    expect((await s.cli('list', '--format', 'ids')).stdout).toBe('4294967295\n4294967296\n4294967297\n');
    writeFileSync(file, 'id,email\n5000000000000000,huge@example.com\n');
    const huge = await s.cli('import', file);
    expect(huge.code).toBe(1);
    expect(huge.stderr).toContain("the id 5000000000000000 is above 999,999,999,999,999, the largest this store keeps; leave the id out (--map 'id=')");
  });

  it('the top id is kept, but the store never numbers a customer above it, so every export imports again', async () => {
    const s = storeCli();
    const file = join(s.dir, 'top.csv');
    writeFileSync(file, 'id,email\n999999999999999,top@example.com\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 1 });
    const add = await s.cli('add', '--email', 'next@example.com');
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('the store has no ids left for new customers: ids go up to 999,999,999,999,999');
    writeFileSync(file, 'email\nnext@example.com\n');
    expect((await s.cli('import', file)).stderr).toContain('the store has no ids left for new customers');
    expect((await s.cli('list', '--format', 'ids')).stdout).toBe('999999999999999\n');
    const exported = join(s.dir, 'out.csv');
    await s.cli('export', exported);
    const again = storeCli();
    expect(json(await again.cli('import', exported, '--json'))).toMatchObject({ created: 1, rejected: 0 });
  });
});

describe('id 0 in a native file', () => {
  it('is refused as -1 and 1e3 are, since ids start at 1; nothing is written', async () => {
    const s = storeCli();
    const file = join(s.dir, 'zero.csv');
    for (const id of ['0', '000']) {
      writeFileSync(file, `id,email\n${id},a@example.com\n`);
      const r = await s.cli('import', file);
      expect(r.code, id).toBe(1);
      expect(r.stderr).toContain(`line 2, column "id", value "${id}": the id ${id} is not one of this store's ids, which start at 1; leave the id out (--map 'id=') and the store numbers the customer`);
    }
    expect(existsSync(s.db) ? (await s.cli('list', '--format', 'count')).stdout : '0\n').toBe('0\n');
  });
});

describe('a native file with a whole name', () => {
  it('reads name as first and last name when the file has no name parts, and ignores it beside them', async () => {
    const s = storeCli();
    const file = join(s.dir, 'names.csv');
    writeFileSync(file, 'email,name,phone\nn1@example.com,Nora van Noor,+32 470 123456\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ preset: 'native', created: 1, unknown_columns: [] });
    expect(json(await s.cli('show', 'n1@example.com', '--json'))).toMatchObject({ first_name: 'Nora', last_name: 'van Noor' });
    writeFileSync(file, 'email,first_name,last_name,name\nn1@example.com,,Noor,Someone Else\n');
    await s.cli('import', file);
    expect(json(await s.cli('show', 'n1@example.com', '--json'))).toMatchObject({ first_name: null, last_name: 'Noor' });
  });
});

describe('source ids repeated within a file, into an empty store', () => {
  it('a later row finds the customer an earlier row created or gave the id to, by its source id', async () => {
    const s = storeCli();
    const file = join(s.dir, 'repeats.csv');
    // Ann is created without an id, given 501 by line 3, found by it on line 4 (a new e-mail); Bo by 502 alone.
    writeFileSync(file, 'Customer ID,First Name,Email\n,Ann,x@example.com\n501,Ann,x@example.com\n501,Ann,y@example.com\n502,Bo,\n502,Bo,bo@example.com\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 2, duplicates: 3, rejected: 0 });
    expect(json<Record<string, unknown>[]>(await s.cli('list', '--json', '--fields', 'id,email,source_id'))).toEqual([
      { id: 1, email: 'y@example.com', source_id: '501' },
      { id: 2, email: 'bo@example.com', source_id: '502' },
    ]);
  });

  it("a native row names the earlier row of its id and creation time, whose source id it changes", async () => {
    const s = storeCli();
    const file = join(s.dir, 'native.csv');
    writeFileSync(file, 'id,email,first_name,phone,source_id,source,created_at\n5,,Eve,111,S1,shopify,2024-01-01T00:00:00Z\n5,,Eve,222,S2,shopify,2024-01-01T00:00:00Z\n');
    expect(json(await s.cli('import', file, '--preset', 'native', '--json'))).toMatchObject({ created: 1, duplicates: 1 });
    expect(json<Record<string, unknown>[]>(await s.cli('list', '--json', '--fields', 'id,phone,source_id'))).toEqual([{ id: 5, phone: '222', source_id: 'S2' }]);
  });

  it('the filter of source ids already written never says no to one it was given', () => {
    const seen = new SeenStrings();
    const given = Array.from({ length: 200_000 }, (_, i) => String(7_000_000_000_000 + i * 7));
    expect(given.some((id) => seen.mayHave(id))).toBe(false);
    for (const id of given) seen.add(id);
    expect(given.every((id) => seen.mayHave(id))).toBe(true);
    const others = Array.from({ length: 200_000 }, (_, i) => `other-${i}`);
    // "Maybe" for another string costs a look-up, not a wrong answer; it must stay rare to save any.
    expect(others.filter((id) => seen.mayHave(id)).length).toBeLessThan(200);
  });
});

describe('source ids of several platforms', () => {
  it("two platforms' customer 12 are two customers; each re-import finds its own", async () => {
    const s = storeCli();
    const woo = join(s.dir, 'woo.csv');
    writeFileSync(woo, 'customer_id,user_email,billing_first_name,billing_last_name,billing_phone,billing_city\n12,wendy@example.com,Wendy,Woo,+44 7700 900001,Leeds\n13,,Walter,Woo,+44 7700 900002,York\n');
    const ps = join(s.dir, 'ps.csv');
    writeFileSync(ps, 'Customer ID;Email *;First Name *;Last Name *\n12;pierre@example.fr;Pierre;Presta\n13;paul@example.fr;Paul;Presta\n');
    expect(json(await s.cli('import', woo, '--json'))).toMatchObject({ preset: 'woocommerce', created: 2 });
    expect(json(await s.cli('import', ps, '--json'))).toMatchObject({ preset: 'prestashop', created: 2, updated: 0 });
    expect(json<Record<string, unknown>[]>(await s.cli('list', '--json', '--fields', 'email,name,source_id,source'))).toEqual([
      { email: 'wendy@example.com', name: 'Wendy Woo', source_id: '12', source: 'woocommerce' },
      { email: null, name: 'Walter Woo', source_id: '13', source: 'woocommerce' },
      { email: 'pierre@example.fr', name: 'Pierre Presta', source_id: '12', source: 'prestashop' },
      { email: 'paul@example.fr', name: 'Paul Presta', source_id: '13', source: 'prestashop' },
    ]);
    expect(json(await s.cli('import', woo, '--json'))).toMatchObject({ created: 0, unchanged: 2 });
    expect(json(await s.cli('import', ps, '--json'))).toMatchObject({ created: 0, unchanged: 2 });
    expect((await s.cli('db', 'check')).code).toBe(0);
  });

  it('a source id two customers of one platform share is a rejection, and db check reports it', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'one@example.com', '--first-name', 'One', '--source-id', '77');
    await s.cli('add', '--phone', '+32 470 111111', '--first-name', 'Two', '--source-id', '77');
    const file = join(s.dir, 'y.csv');
    writeFileSync(file, 'Customer ID,First Name,Last Name,Email,Phone\n77,Updated,,,+32 470 999999\n');
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "Customer ID", value "77": customers 1 and 2 both have source id 77; correct one of them first');
    const check = await s.cli('db', 'check');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('1 source ids that more than one customer of one platform has');
  });
});

describe('modes, duplicates, groups, mapping', () => {
  it('upsert creates, updates the columns the file has, and counts the unchanged', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'jan.peeters@example.be', '--phone', '000', '--note', 'kept');
    await s.cli('add', '--email', 'emma.smith@example.com', '--first-name', 'Emma');
    const file = join(s.dir, 'f.csv');
    writeFileSync(file, 'email,first_name,phone\nJAN.PEETERS@example.be,Jan,+32 470 12 34 56\nemma.smith@example.com,Emma,\nnew@example.com,New,1\n');
    const r = json<Record<string, number>>(await s.cli('import', file, '--json'));
    expect(r).toMatchObject({ created: 1, updated: 1, unchanged: 1, rejected: 0 });
    expect(json(await s.cli('show', '1', '--json'))).toMatchObject({ first_name: 'Jan', phone: '+32 470 12 34 56', note: 'kept' });
    expect((await s.cli('search', '470 12', '--format', 'ids')).stdout).toBe('1\n');
  });

  it('the same file again changes nothing, whatever the tags (accents, order, case)', async () => {
    const s = storeCli();
    const file = join(s.dir, 'tags.csv');
    writeFileSync(file, 'email,tags\na@example.com,"zoo, Élan"\nb@example.com,"b2b, VIP, achat"\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 2 });
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    // As edit says for the same tags: nothing changed.
    expect((await s.cli('edit', 'a@example.com', '--tag', 'Élan', '--tag', 'zoo')).stderr).toBe('Nothing changed.\n');
    // A change of case alone is a change.
    writeFileSync(file, 'email,tags\na@example.com,"zoo, élan"\n');
    expect(json(await s.cli('import', file, '--json'))).toMatchObject({ updated: 1, unchanged: 0 });
  });

  it('create rejects existing e-mails; update rejects unknown ones', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'a@example.com');
    const file = join(s.dir, 'f.csv');
    writeFileSync(file, 'email,city\na@example.com,Gent\nb@example.com,Brugge\n');
    const create = await s.cli('import', file, '--mode', 'create');
    expect(create.code).toBe(1);
    expect(create.stderr).toContain('line 2, column "email", value "a@example.com": a customer with this e-mail already exists (id 1)');
    const update = await s.cli('import', file, '--mode', 'update');
    expect(update.code).toBe(1);
    expect(update.stderr).toContain('line 3, column "email", value "b@example.com": no customer has this e-mail');
    expect((await s.cli('list', '--format', 'count')).stdout).toBe('1\n');
  });

  it('the same e-mail twice: the last row wins, and the report says so', async () => {
    const { summary, list, r } = await imported('duplicates.csv');
    expect(summary).toMatchObject({ created: 2, duplicates: 1 });
    expect(list.find((c) => c.email === 'dup@example.com')).toMatchObject({ first_name: 'Second', city: 'Antwerpen', id: 1 });
    expect(r.stderr).toContain('line 4 repeats the e-mail dup@example.com of line 2; its non-empty values win, its empty cells erase nothing.');
  });

  it('the same e-mail twice: a later row with empty cells erases nothing the earlier row gave', async () => {
    const { summary, byEmail } = await imported('duplicates-partial.csv');
    expect(summary).toMatchObject({ created: 2, duplicates: 1 });
    expect(byEmail('ann@example.com')).toMatchObject({ first_name: 'Ann', phone: '+32 470 11 22 33', city: 'Gent', tags: ['vip'] });
  });

  it('--group puts every imported customer in a group, creating it', async () => {
    const { summary, list } = await imported('shopify-legacy.csv', '--group', 'Migrated');
    expect(summary.groups_created).toEqual(['Migrated']);
    expect(list.map((c) => c.group)).toEqual(['Migrated', 'Migrated', 'Migrated']);
  });

  it("--map reads any header as a field, and 'Header=' ignores one", async () => {
    const s = storeCli();
    const file = join(s.dir, 'f.csv');
    writeFileSync(file, 'E-mail address;Full name;Secret;Mobile\nann@example.com;Ann Lee;x;+1 555\n');
    const r = await s.cli('import', file, '--map', 'E-mail address=email', '--map', 'Full name=full_name', '--map', 'Secret=', '--map', 'Mobile=phone', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 1, unknown_columns: [], delimiter: ';' });
    expect(json(await s.cli('show', '1', '--json'))).toMatchObject({ first_name: 'Ann', last_name: 'Lee', phone: '+1 555' });
    const bad = await s.cli('import', file, '--map', 'Mobile=mobile');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown field "mobile"');
  });

  it('a --map giving a field the file has a column for says that column is not read', async () => {
    const s = storeCli();
    const file = join(s.dir, 'm.csv');
    writeFileSync(file, 'email,first_name,x\na@example.com,A,B\nb@example.com,A2,\n');
    const r = await s.cli('import', file, '--map', 'x=first_name');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Column "first_name" not read: --map 'x=first_name' reads first_name from "x".`);
    // Only from the column the user named: an empty "x" is no first name, not the file's other one.
    expect(json<Customer[]>(await s.cli('list', '--json')).map((c) => c.first_name)).toEqual(['B', null]);
    const again = await s.cli('import', file, '--map', 'x=first_name', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ unknown_columns: [], columns_not_read: [{ column: 'first_name', field: 'first_name', read_from: 'x' }] });
    const plain = await s.cli('import', file, '--map', 'x=', '--json');
    expect(JSON.parse(plain.stdout)).toMatchObject({ columns_not_read: [] });
  });

  it('--dry-run reports everything and writes nothing, not even a new store', async () => {
    const s = storeCli();
    const r = await s.cli('import', fixture('shopify-customers.csv'), '--dry-run', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 10, written: false });
    expect(r.stderr).toContain('Dry run: nothing was written.');
    expect((await s.cli('list')).stderr).toContain('no store at');
    expect((await s.cli('import', fixture('invalid-rows.csv'), '--dry-run')).code).toBe(1);
  });

  it('reads standard input with -', async () => {
    const s = storeCli();
    const r = await s.cli('import', '-', { stdin: readFileSync(fixture('shopify-customers.csv'), 'utf8') });
    expect(r.code).toBe(0);
    expect((await s.cli('list', '--format', 'count')).stdout).toBe('10\n');
  });

  it('prints only the summary on a non-terminal stderr, and progress on a terminal', async () => {
    const s = storeCli();
    const quiet = await s.cli('import', fixture('shopify-customers.csv'));
    expect(quiet.stderr.split('\n').filter(Boolean)).toEqual([
      `Created a new store at ${s.db}`,
      'Imported: 10 created, 0 updated, 0 unchanged, 0 rejected.',
      'Read as shopify preset, delimiter comma, encoding utf-8.',
    ]);
    const file = join(s.dir, 'many.csv');
    writeFileSync(file, 'email\n' + Array.from({ length: 30000 }, (_, i) => `p${i}@example.com`).join('\n') + '\n');
    const tty = await s.cli('import', file, { tty: true, env: { NO_COLOR: '1' } });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/\r\u001b\[2K[\d,]+ rows {2}[\d.]+ MB of [\d.]+ MB \(\d+%\) {2}[\d,]+\/s {2}ETA \d+:\d\d/);
  });

  it('an --errors path that cannot be written is a usage error before anything is imported', async () => {
    const s = storeCli();
    const r = await s.cli('import', fixture('invalid-rows.csv'), '--errors', '/nonexistent/dir/errors.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: cannot write /nonexistent/dir/errors.csv: the folder /nonexistent/dir does not exist; create it first, or name a file in a folder that exists\n');
  });

  it('a missing file is a usage error naming it, as for every input file', async () => {
    const s = storeCli();
    const r = await s.cli('import', '/nonexistent/customers.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read /nonexistent/customers.csv: no such file');
  });

  it('parses in the built worker thread in-process too, as the installed command does', () => {
    expect(findWorker()).toBe(join(__dirname, '..', 'dist', 'parse-worker.cjs'));
  });

  it('every column of every preset reads a field or a known special reading', () => {
    const targets = Object.values(PRESETS).flatMap((p) => p.import.map((c) => `${p.name}: ${c.header} -> ${c.target}`));
    expect(targets.filter((t) => !isImportTarget(t.split(' -> ')[1]))).toEqual([]);
    expect(isImportTarget('emial')).toBe(false);
  });
});

describe('huge lines (issue 9, point 17)', () => {
  it('a header line over 1 MB is refused at once, quoting only its start', async () => {
    const s = storeCli();
    const file = join(s.dir, 'one-line.csv');
    writeFileSync(file, 'email,' + 'x'.repeat(3 << 20));
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 1: the header line is longer than 1 MB (it starts "email,xxx');
    expect(r.stderr).toContain('export it again as CSV');
    expect(r.stderr.length).toBeLessThan(2000);
  });

  it('a value over 10 MB is refused with its line, never echoed', async () => {
    const s = storeCli();
    const file = join(s.dir, 'big-value.csv');
    writeFileSync(file, `email,note\nann@example.com,Hi\nbob@example.com,"${'y'.repeat(11 << 20)}"\ncat@example.com,Hi\n`);
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 3: a row (or a value in it) is longer than 10 MB');
    expect(r.stderr).not.toContain('yyyyyyyyyy');
    expect(r.stderr.length).toBeLessThan(2000);
    // The parser cannot go on after it: --skip-invalid must not pass over the unread rest (cat) silently.
    const skipping = await s.cli('import', file, '--skip-invalid');
    expect(skipping.code).toBe(1);
    expect(skipping.stderr).toContain('nothing was imported (also with --skip-invalid)');
    expect((await s.cli('list', '--format', 'count')).stdout).toBe('0\n');
  });

  it('a header of thousands of columns is not echoed whole when no e-mail column is found', async () => {
    const s = storeCli();
    const file = join(s.dir, 'wide.csv');
    const headers = Array.from({ length: 50_000 }, (_, i) => `col${i}`);
    writeFileSync(file, `${headers.join(',')}\n${headers.map(() => 'v').join(',')}\n`);
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"col0", "col1"');
    expect(r.stderr).toContain('... (50000 columns)');
    expect(r.stderr.length).toBeLessThan(3000);
  });

  it('import /dev/zero ends with the header limit, not out of memory', async () => {
    if (!existsSync('/dev/zero')) return;
    const s = storeCli();
    const r = await spawnCli(['--db', s.db, 'import', '/dev/zero'], { timeoutMs: 15_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 1: the header line is longer than 1 MB (it starts "\\x00\\x00');
    expect(r.stderr.length).toBeLessThan(3000);
  });
});

describe('mixed encodings (issue 9, point 18)', () => {
  // Over 256 KiB of plain rows (a file's first chunk), so that the encoding is chosen before the lines that follow them.
  const plain = () => Array.from({ length: 12000 }, (_, i) => `p${i}@example.com,Plain\n`).join('');

  it('Windows-1252 accents after a UTF-8 start: those rows rejected at their line, naming --encoding', async () => {
    const s = storeCli();
    const file = join(s.dir, 'late-1252.csv');
    writeFileSync(file, Buffer.concat([Buffer.from(`email,first_name\n${plain()}`), Buffer.from('helene@example.fr,H\xe9l\xe8ne\n', 'latin1')]));
    const r = await s.cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 12002, column "first_name", value "H\ufffdl\ufffdne": the text is not valid utf-8; pass --encoding windows-1252');
    expect(r.stderr).toContain('line 12002 is the first with a byte that is not UTF-8 (0xE9');
  });

  // A file mixing the two is refused whole, in either order: no one encoding reads it right.
  const refusedWhole = async (s: ReturnType<typeof storeCli>, file: string, lines: string) => {
    for (const extra of [[], ['--skip-invalid']]) {
      const r = await s.cli('import', file, ...extra);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: the file mixes encodings: ${lines}; no one encoding reads both, so nothing was imported`);
      expect(r.stderr).toContain('Save the file again as UTF-8');
      expect(r.stderr).toContain('Or pass --encoding utf-8 or --encoding windows-1252');
    }
    expect(existsSync(s.db) ? (await s.cli('list', '--format', 'count')).stdout : '0\n').toBe('0\n');
  };

  it('UTF-8 accents, then Windows-1252 ones: refused whole, naming a line of each', async () => {
    const s = storeCli();
    const file = join(s.dir, 'mixed.csv');
    writeFileSync(file, Buffer.concat([Buffer.from(`email,first_name\nzoe@example.com,Zoë\n${plain()}`), Buffer.from('helene@example.fr,H\xe9l\xe8ne\n', 'latin1')]));
    await refusedWhole(s, file, 'line 2 has UTF-8 text ("ë"), line 12003 Windows-1252 text ("é", byte 0xE9)');
  });

  it('Windows-1252 accents, then UTF-8 ones: refused whole, naming a line of each', async () => {
    const s = storeCli();
    const file = join(s.dir, 'late-utf8.csv');
    writeFileSync(file, Buffer.concat([Buffer.from('email,first_name\nz2@example.com,H\xe9l\xe8ne\n', 'latin1'), Buffer.from(`${plain()}z1@example.com,Hélène\n`)]));
    await refusedWhole(s, file, 'line 2 has Windows-1252 text ("é", byte 0xE9), line 12003 UTF-8 text ("é")');
  });

  it('UTF-8 accents in a file read as Windows-1252 as told: a warning names the line and what they read as', async () => {
    const s = storeCli();
    const file = join(s.dir, 'late-utf8.csv');
    writeFileSync(file, Buffer.concat([Buffer.from('email,first_name\nhelene@example.fr,H\xe9l\xe8ne\n', 'latin1'), Buffer.from(`${plain()}zoe@example.com,Zoë\n`)]));
    const r = await s.cli('import', file, '--json', '--encoding', 'windows-1252');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ encoding: 'windows-1252', created: 12002 });
    expect(r.stderr).toContain('warning: line 12003: the file was read as windows-1252, but this line holds "Ã«", which is how UTF-8 "ë" reads in it');
    expect(r.stderr).toContain('pass --encoding utf-8');
  });
});
