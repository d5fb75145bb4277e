/**
 * The presets of the platforms merchants leave (Stripe, PrestaShop, Mailchimp, Squarespace, Wix) and of the
 * spreadsheets they make: detected from the header, read value by value. Export and import back: export.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Customer, importFixture } from './helpers/fixtures.js';
import { json, storeCli } from './helpers/run-cli.js';

/** Imports the text as a file of that name into the store (a fresh one by default), with --json. */
async function importText(content: string, args: string[] = [], s = storeCli()) {
  const file = join(s.dir, 'file.csv');
  writeFileSync(file, content);
  const r = await s.cli('import', file, '--json', ...args);
  return { ...s, r, summary: r.code === 0 ? JSON.parse(r.stdout) : undefined };
}

describe('Stripe', () => {
  it("is detected; cus_... is kept as the source id, the store gives its own ids; names, notes, dates, VAT ids", async () => {
    const { summary, list, byEmail } = await importFixture('stripe-customers.csv');
    expect(summary).toMatchObject({ preset: 'stripe', created: 5, rejected: 0, unknown_columns: ['tag (metadata)'] });
    expect(list.map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(byEmail('claire.moreau@example.fr')).toMatchObject({
      source_id: 'cus_PqR8sT2uVw3XyZ', first_name: 'Claire', last_name: 'Moreau', note: 'Wholesale account - invoice monthly',
      created_at: '2023-09-08T00:33:00Z', phone: '+33 6 98 76 54 32', street: '14 rue Oberkampf', city: 'Paris', country: 'FR',
      postal_code: '75011', tax_id: 'FR40123456789', total_spent: '1520.00', order_count: 12, accepts_marketing: false,
    });
    expect(byEmail('lotte.jansen@example.nl')).toMatchObject({ street2: '2e verdieping', postal_code: '1016 GV', note: 'Bought at the Utrecht fair' });
    expect(byEmail('marco.deluca@example.it')).toMatchObject({ first_name: 'Marco', last_name: 'De Luca', postal_code: '00186', region: 'RM' });
    expect(byEmail('noname@example.com')).toMatchObject({ first_name: null, last_name: null, source_id: 'cus_Qw5eRt8YuI1oPa' });
  });

  it('a re-import finds each customer by its Stripe id, even after an e-mail change', async () => {
    const s = (await importFixture('stripe-customers.csv'));
    expect(json(await s.cli('import', join(__dirname, '..', 'fixtures', 'stripe-customers.csv'), '--json'))).toMatchObject({ created: 0, unchanged: 5 });
    const { summary } = await importText('id,Email,Name\ncus_Ab3dEf6GhIj9Kl,tom@baker.example,Tom Baker\n', [], s);
    expect(summary).toMatchObject({ preset: 'stripe', created: 0, updated: 1 });
    expect(json<Customer>(await s.cli('show', '2', '--json'))).toMatchObject({ email: 'tom@baker.example', source_id: 'cus_Ab3dEf6GhIj9Kl' });
  });

  it.each([
    ['id,Email', 'cus_Ab3dEf6GhIj9Kl,tom.baker@example.co.uk'],
    ['id,Email,Name', 'cus_Ab3dEf6GhIj9Kl,tom.baker@example.co.uk,Tom Baker'],
    ['id,Email,Phone', 'cus_Ab3dEf6GhIj9Kl,tom.baker@example.co.uk,+44 20 7946 0000'],
    ['id,Name,Email,Created (UTC)', 'cus_Ab3dEf6GhIj9Kl,Tom Baker,tom.baker@example.co.uk,2024-01-15 14:02'],
  ])('a partial Stripe header (%s), which native or Ecwid read as well, is Stripe: its id is never taken for ours', async (header, row) => {
    const { summary } = await importText(`${header}\n${row}\n`);
    expect(summary).toMatchObject({ preset: 'stripe', created: 1, rejected: 0 });
  });

  it("a native file's own ids are still ours; a cus_... id there is refused with the way to keep it", async () => {
    const s = storeCli();
    expect((await importText('id,email\n7,a@example.com\n', [], s)).summary).toMatchObject({ preset: 'native', created: 1 });
    expect(json<Customer>(await s.cli('show', 'a@example.com', '--json')).id).toBe(7);
    const { r } = await importText('id,email\ncus_Ab3dEf6GhIj9Kl,b@example.com\n', [], s);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`line 2, column "id", value "cus_Ab3dEf6GhIj9Kl": "cus_Ab3dEf6GhIj9Kl" is not one of this store's ids (whole numbers); another platform's id, such as Stripe's cus_..., is a source id: pass --preset stripe, or --map 'id=source_id'`);
    expect((await importText('id,email\ncus_Ab3dEf6GhIj9Kl,b@example.com\n', ['--preset', 'stripe'], s)).summary).toMatchObject({ created: 1 });
    expect(json<Customer>(await s.cli('show', 'b@example.com', '--json'))).toMatchObject({ id: 8, source_id: 'cus_Ab3dEf6GhIj9Kl' });
  });

  it('tax status: exempt and reverse charge are tax-exempt, none is not, anything else is refused', async () => {
    const { summary, cli } = await importText('id,Email,Tax Exempt\ncus_1,a@example.com,exempt\ncus_2,b@example.com,reverse\ncus_3,c@example.com,none\n');
    expect(summary).toMatchObject({ preset: 'stripe', created: 3 });
    expect((await cli('list', '--tax-exempt', '--format', 'ids')).stdout).toBe('1\n2\n');
    const bad = await importText('id,Email,Tax Exempt\ncus_1,a@example.com,maybe\n');
    expect(bad.r.stderr).toContain('line 2, column "Tax Exempt", value "maybe": "maybe" is not a Stripe tax status (expected none, exempt or reverse)');
  });
});

describe('PrestaShop', () => {
  it('customers import file (;): names, newsletter, registration date, groups beyond the built-in ones, passwords hashed', async () => {
    const { summary, byEmail, cli, db } = await importFixture('prestashop-customers.csv');
    expect(summary).toMatchObject({ preset: 'prestashop', delimiter: ';', created: 3, rejected: 0, unknown_columns: [], groups_created: ['Grossistes'] });
    expect(byEmail('amelie.girard@example.fr')).toMatchObject({
      source_id: '1', first_name: 'Amélie', last_name: 'Girard', accepts_marketing: true, created_at: '2019-05-04T00:00:00Z', group: null, tags: [],
    });
    // Opt-in is consent to partners' offers, not to the store's e-mails.
    expect(byEmail('luc.bernard@example.fr')).toMatchObject({ accepts_marketing: false, group: 'Grossistes' });
    expect(byEmail('ines.haddad@example.fr')).toMatchObject({ first_name: 'Inès', group: 'Grossistes', tags: ['VIP'] });
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare('SELECT email FROM customers WHERE password_hash LIKE ? ORDER BY id').pluck().all('scrypt$%')).toEqual(['amelie.girard@example.fr', 'ines.haddad@example.fr']);
    const hashes = raw.prepare('SELECT password_hash FROM customers ORDER BY id').pluck().all();
    raw.close();
    // Imported again: the passwords are those the stored hashes hold, so nothing changes (no new hash, no new salt).
    expect(json(await cli('import', join(__dirname, '..', 'fixtures', 'prestashop-customers.csv'), '--json'))).toMatchObject({ unchanged: 3, updated: 0 });
    const again = new Database(db, { readonly: true });
    expect(again.prepare('SELECT password_hash FROM customers ORDER BY id').pluck().all()).toEqual(hashes);
    again.close();
  });

  it('back-office export: amounts formatted for reading, registration date-times, the default group', async () => {
    const { summary, byEmail } = await importFixture('prestashop-back-office-export.csv');
    expect(summary).toMatchObject({ preset: 'prestashop', created: 3, rejected: 0, unknown_columns: [] });
    expect(byEmail('amelie.girard@example.fr')).toMatchObject({ source_id: '12', total_spent: '1254.90', accepts_marketing: true, group: null, created_at: '2019-05-04T10:22:31Z' });
    expect(byEmail('luc.bernard@example.fr')).toMatchObject({ total_spent: '89.50', company: 'Bernard & Fils', group: 'Grossistes', accepts_marketing: false });
    expect(byEmail('ines.haddad@example.fr')).toMatchObject({ total_spent: '0.00', group: null });
  });

  it.each([
    ['"€1,254.90"', '1254.90'], ['"1 254,90 €"', '1254.90'], ['$12', '12.00'], ['"1,234"', '1234.00'], ['"-3,5 €"', '-3.50'],
  ])('reads the amount %s as %s, whatever the locale', async (cell, amount) => {
    const { summary, cli } = await importText(`ID,Email address,Sales\n1,a@example.com,${cell}\n`);
    expect(summary.preset).toBe('prestashop');
    expect(json<Customer>(await cli('show', '1', '--json')).total_spent).toBe(amount);
  });

  it('an amount it cannot read is refused with its line and column', async () => {
    const { r } = await importText('ID,Email address,Sales\n1,a@example.com,n/a\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "Sales", value "n/a": "n/a" is not an amount (expected a number such as 1 254,90 € or €1,254.90)');
  });

  it('export writes the import file in the order of the import form, with ";", and no ids or passwords', async () => {
    const { cli } = await importFixture('prestashop-customers.csv');
    const out = (await cli('export', '--preset', 'prestashop')).stdout.split('\r\n');
    expect(out[0]).toBe('Customer ID;Active (0/1);Titles ID (Mr = 1, Ms = 2, else 0);Email *;Password *;Birthday (yyyy-mm-dd);Last Name *;First Name *;Newsletter (0/1);Opt-in (0/1);Registration date (yyyy-mm-dd);Groups (x,y,z...);Default group ID');
    expect(out.slice(1, 3)).toEqual([
      ';1;0;amelie.girard@example.fr;;;Girard;Amélie;1;0;2019-05-04;Customer;',
      ';1;0;luc.bernard@example.fr;;;Bernard;Luc;0;0;2020-10-21;Customer, Grossistes;',
    ]);
  });
});

describe('Mailchimp', () => {
  const file = (name: string) => join(__dirname, '..', 'fixtures', name);

  it('subscribed file: consent, names, phones, tags written as "VIP","Blog", opt-in time as created_at', async () => {
    const { summary, byEmail } = await importFixture('mailchimp-subscribed.csv');
    expect(summary).toMatchObject({ preset: 'mailchimp', created: 3, rejected: 0, unknown_columns: [] });
    expect(byEmail('anna.schmitt@example.de')).toMatchObject({
      first_name: 'Anna', last_name: 'Schmitt', phone: '+49 30 1234567', accepts_marketing: true, tags: ['Blog', 'VIP'],
      note: 'Met at the Berlin market', created_at: '2021-03-02T10:11:12Z', country: null, region: null,
    });
    expect(byEmail('pedro.alves@example.pt')).toMatchObject({ accepts_marketing: true, tags: [], created_at: '2026-03-01T10:00:00Z' });
    expect(byEmail('sophie.dubois@example.be')).toMatchObject({ accepts_marketing: true, tags: ['Blog'] });
  });

  it('unsubscribed and cleaned files: no row consents, even one whose unsubscribe cells are empty, even one that consented before', async () => {
    const s = storeCli();
    await s.cli('add', '--email', 'karel.novak@example.cz', '--accepts-marketing');
    await s.cli('add', '--email', 'old.address@example.org', '--accepts-marketing');
    expect(json(await s.cli('import', file('mailchimp-unsubscribed.csv'), '--json'))).toMatchObject({ preset: 'mailchimp', created: 1, updated: 1, rejected: 0, unknown_columns: [] });
    expect(json(await s.cli('import', file('mailchimp-cleaned.csv'), '--json'))).toMatchObject({ preset: 'mailchimp', updated: 1, rejected: 0, unknown_columns: [] });
    expect((await s.cli('list', '--accepts-marketing', '--format', 'count')).stdout).toBe('0\n');
    expect(json<Customer>(await s.cli('show', 'elif.yilmaz@example.com', '--json'))).toMatchObject({ last_name: 'Yılmaz', accepts_marketing: false });
    expect(json<Customer>(await s.cli('show', 'karel.novak@example.cz', '--json'))).toMatchObject({ last_name: 'Novák', tags: ['Customer'] });
    // The subscribed file gives consent back to those in it, and to no one else.
    await s.cli('import', file('mailchimp-subscribed.csv'));
    expect((await s.cli('list', '--accepts-marketing', '--format', 'count')).stdout).toBe('3\n');
  });

  it('a tag with a comma inside its quotes is refused with the way to fix it', async () => {
    const { r } = await importText('Email Address,MEMBER_RATING,TAGS\na@example.com,2,"""Paris, France"""\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "TAGS", value ""Paris, France"": tag "Paris, France" contains a comma; give each tag separately');
  });

  it('export writes the merge fields and the tags as Mailchimp writes them', async () => {
    const { cli } = await importFixture('mailchimp-subscribed.csv');
    const out = await cli('export', '--preset', 'mailchimp', '--accepts-marketing');
    expect(out.stdout.split('\r\n').slice(0, 2)).toEqual(['Email Address,First Name,Last Name,Phone Number,TAGS', 'anna.schmitt@example.de,Anna,Schmitt,+49 30 1234567,"""Blog"",""VIP"""']);
  });
});

describe('Squarespace', () => {
  it('profiles export: billing address, order statistics, tags, consent; shipping addresses are not read', async () => {
    const { summary, byEmail } = await importFixture('squarespace-profiles.csv');
    expect(summary).toMatchObject({ preset: 'squarespace', created: 2, rejected: 0, unknown_columns: [] });
    expect(byEmail('grace.miller@example.com')).toMatchObject({
      first_name: 'Grace', last_name: 'Miller', created_at: '2022-03-14T10:20:00Z', order_count: 5, total_spent: '342.75', tags: ['ceramics', 'repeat buyer'],
      street: '88 Elm Street', street2: 'Apt 4B', city: 'Portland', postal_code: '97205', region: 'OR', country: 'US', phone: '+1 503 555 0142', accepts_marketing: true,
    });
    expect(byEmail('hugo.lefort@example.fr')).toMatchObject({ street: null, city: null, country: null, phone: '+33 5 56 00 00 00', accepts_marketing: false, tags: [] });
  });
});

describe('Wix', () => {
  it('contacts export: the first e-mail, phone and address; consent per channel from the subscriber statuses; labels as tags', async () => {
    const { summary, byEmail } = await importFixture('wix-contacts.csv');
    // Language is reported: the form of its values is not known.
    expect(summary).toMatchObject({ preset: 'wix', created: 3, rejected: 0, unknown_columns: ['Language'] });
    expect(byEmail('noa.levi@example.com')).toMatchObject({
      first_name: 'Noa', phone: '+972 52 123 4567', street: '12 Herzl St', city: 'Tel Aviv', postal_code: '6100000', country: 'IL',
      tags: ['Customers', 'VIP'], created_at: '2023-04-12T09:15:37Z', accepts_marketing: true, accepts_sms_marketing: false,
    });
    expect(byEmail('lars.eriksen@example.no')).toMatchObject({
      phone: '+47 912 34 567', street: 'Karl Johans gate 1', street2: '3. etasje', city: 'Oslo', postal_code: '0154', company: 'Eriksen AS',
      accepts_marketing: false, accepts_sms_marketing: true,
    });
    expect(byEmail('ava.brown@example.co.uk')).toMatchObject({ accepts_marketing: false, accepts_sms_marketing: false, tags: [] });
  });

  it('a subscriber status it does not know is refused, naming the ones it reads', async () => {
    const { r } = await importText('Email 1,Email subscriber status\na@example.com,Maybe later\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "Email subscriber status", value "Maybe later": "Maybe later" is not a subscriber status (expected Subscribed, Unsubscribed, Never subscribed or Pending)');
  });
});

describe('generic: a spreadsheet a merchant made', () => {
  it('French, from Excel on Windows (;, Windows-1252): Prénom and Nom, Oui/Non, country names, leading zeros', async () => {
    const { summary, byEmail } = await importFixture('generic-fr-excel.csv');
    expect(summary).toMatchObject({ preset: 'generic', delimiter: ';', encoding: 'windows-1252', created: 3, rejected: 0, unknown_columns: [] });
    expect(byEmail('elodie.marchand@example.fr')).toMatchObject({
      first_name: 'Élodie', last_name: 'Marchand', phone: '06 11 22 33 44', company: 'Fleurs & Cie', street: '7 rue de la Paix', postal_code: '06000',
      city: 'Nice', country: 'FR', accepts_marketing: true, note: 'Cliente fidèle',
    });
    expect(byEmail('jerome.lefebvre@example.be')).toMatchObject({ last_name: 'Lefèbvre', city: 'Liège', country: 'BE', accepts_marketing: false });
    expect(byEmail('chloe.petit@example.fr')).toMatchObject({ accepts_marketing: true, note: 'Préfère le retrait en boutique' });
  });

  it('First Name;Last Name;E-mail;Phone;Country;Newsletter imports without --map', async () => {
    const { summary, cli } = await importText('First Name;Last Name;E-mail;Phone;Country;Newsletter\nAmy;Clark;amy.clark@example.com;+1 415 555 0100;US;yes\n');
    expect(summary).toMatchObject({ preset: 'generic', created: 1, unknown_columns: [] });
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({ first_name: 'Amy', last_name: 'Clark', phone: '+1 415 555 0100', country: 'US', accepts_marketing: true });
  });

  it('Nom alone is the whole name (Nom;E-mail;Mot de passe of French platforms); its password is hashed', async () => {
    const { summary, cli, db } = await importText('Nom;E-mail;Mot de passe\nMarie-Claire Duval;mc.duval@example.fr;Secret-2025\nDupont;dupont@example.fr;\n');
    expect(summary).toMatchObject({ preset: 'generic', created: 2 });
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({ first_name: 'Marie-Claire', last_name: 'Duval' });
    expect(json<Customer>(await cli('show', '2', '--json'))).toMatchObject({ first_name: 'Dupont', last_name: null });
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db, { readonly: true });
    expect(raw.prepare('SELECT password_hash FROM customers ORDER BY id').pluck().all()).toEqual([expect.stringMatching(/^scrypt\$/), null]);
    raw.close();
  });

  it.each([
    ['it', 'Nome;Cognome;Email;Telefono;Azienda;Indirizzo;CAP;Città;Paese;Newsletter', 'Giorgio;Ricci;g.ricci@example.it;+39 02 1234 5678;Ricci Srl;Via Roma 1;00184;Roma;Italia;Sì'],
    ['nl', 'Voornaam;Achternaam;E-mailadres;Telefoon;Bedrijf;Adres;Postcode;Plaats;Land;Nieuwsbrief', 'Giorgio;Ricci;g.ricci@example.it;+39 02 1234 5678;Ricci Srl;Via Roma 1;00184;Roma;IT;Ja'],
    ['de', 'Vorname;Name;E-Mail;Telefon;Firma;Straße;PLZ;Ort;Land;Newsletter', 'Giorgio;Ricci;g.ricci@example.it;+39 02 1234 5678;Ricci Srl;Via Roma 1;00184;Roma;IT;WAHR'],
    ['es', 'Nombre;Apellidos;Correo electrónico;Teléfono;Empresa;Dirección;Código postal;Ciudad;País;Suscrito', 'Giorgio;Ricci;g.ricci@example.it;+39 02 1234 5678;Ricci Srl;Via Roma 1;00184;Roma;IT;Sí'],
  ])('headers in %s, with that language\'s yes', async (_lang, header, row) => {
    const { summary, cli } = await importText(`${header}\n${row}\n`);
    expect(summary).toMatchObject({ preset: 'generic', created: 1, unknown_columns: [] });
    expect(json<Customer>(await cli('show', '1', '--json'))).toMatchObject({
      first_name: 'Giorgio', last_name: 'Ricci', phone: '+39 02 1234 5678', company: 'Ricci Srl', street: 'Via Roma 1', postal_code: '00184', city: 'Roma',
      country: 'IT', accepts_marketing: true,
    });
  });

  it('Nome or Nombre alone is the whole name; Name beside First Name is the last name', async () => {
    const it = await importText('Nome;Email\nGiulia Neri;giulia@example.it\n');
    expect(json<Customer>(await it.cli('show', '1', '--json'))).toMatchObject({ first_name: 'Giulia', last_name: 'Neri' });
    const en = await importText('First Name,Name,Email\nAmy,Clark,amy@example.com\n');
    expect(json<Customer>(await en.cli('show', '1', '--json'))).toMatchObject({ first_name: 'Amy', last_name: 'Clark' });
  });
});
