/**
 * Files with several addresses per customer (Magento's customers-and-addresses file, Magento's address file):
 * one address is kept, the customer's own name is never taken from an address row.
 */
import { describe, expect, it } from 'vitest';
import { json, storeCli } from './helpers/run-cli.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

type Customer = Record<string, unknown>;
const ADDRESS = 'email,name,company,street,street2,city,postal_code,country,phone';

describe("Magento's customers-and-addresses file", () => {
  it('reads a row without e-mail as another address of the customer above: the default billing one is kept', async () => {
    const { cli } = storeCli();
    const r = await cli('import', fixture('magento-composite-continuation.csv'), '--date-format', 'MDY', '--json');
    expect(json(r)).toMatchObject({ preset: 'magento', created: 2, rejected: 0, skipped_addresses: 3 });
    expect(json<Customer[]>(await cli('list', '--json', '--fields', `${ADDRESS},group,created_at`))).toEqual([
      {
        email: 'pieter.jansen@example.nl', name: 'Pieter Jansen', company: 'Jansen Advies', street: 'Markt 1', street2: null, city: 'Delft',
        postal_code: '2611 AB', country: 'NL', phone: '+31 15 200 0002', group: null, created_at: '2012-05-06T15:53:00Z',
      },
      {
        email: 'marta.kowalska@example.pl', name: 'Marta Kowalska', company: null, street: 'Rynek Główny 1', street2: null, city: 'Kraków',
        postal_code: '31-042', country: 'PL', phone: '+48 12 300 0001', group: 'Wholesale', created_at: '2012-05-06T15:53:00Z',
      },
    ]);
    const text = await cli('import', fixture('magento-composite-continuation.csv'), '--date-format', 'MDY');
    expect(text.stderr).toContain('Imported: 0 created, 0 updated, 2 unchanged, 0 rejected.');
    expect(text.stderr).toContain('Skipped 3 address rows: one address is kept per customer (the default billing one, else the first); rows of no customer are left out.');
  });

  it('a row without e-mail at the top of the file continues nobody: rejected with the fix', async () => {
    const { cli, dir } = storeCli();
    const { writeFileSync } = await import('node:fs');
    const file = `${dir}/m.csv`;
    writeFileSync(file, 'email,firstname,lastname,_address_city,_address_telephone,_website\n,,,Delft,+31 15 200 0002,base\n');
    const r = await cli('import', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2, column "email", value "": a row without e-mail continues the customer above it, and there is none: give its e-mail');
  });
});

describe('addresses of a rejected customer, and empty addresses', () => {
  const HEADER = 'email,_website,_store,firstname,lastname,group_id,_address_city,_address_country_id,_address_postcode,_address_street,_address_telephone,_address_default_billing_\n';

  it("go with the rejected customer, never to the one above it, and into --errors", async () => {
    const { cli, dir } = storeCli();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const file = `${dir}/m.csv`;
    writeFileSync(file, HEADER +
      'anna@example.nl,base,default,Anna,Smit,1,Amsterdam,NL,1011 AA,Damrak 1,+31 20 000 0001,\n' +
      'bert(at)example.nl,base,default,Bert,Kok,1,Utrecht,NL,3511 AA,Oudegracht 1,+31 30 000 0001,\n' +
      ',,,,,,Groningen,NL,9711 AA,Grote Markt 1,+31 50 000 0001,1\n');
    const r = await cli('import', file, '--skip-invalid', '--errors', `${dir}/errors.csv`);
    expect(r.stderr).toContain('line 4, column "email", value "": another address of the customer on line 3, which was rejected: fix that row and import both again');
    expect(json<Customer[]>(await cli('list', '--json', '--fields', 'email,street,city,phone'))).toEqual([
      { email: 'anna@example.nl', street: 'Damrak 1', city: 'Amsterdam', phone: '+31 20 000 0001' },
    ]);
    const errors = readFileSync(`${dir}/errors.csv`, 'utf8').split('\r\n');
    expect(errors[1]).toMatch(/^bert\(at\)example\.nl,/);
    expect(errors[2]).toMatch(/^,,,,,,Groningen,/);
  });

  it('an empty first address gives way to a real one; an address without phone or company keeps the customer\'s', async () => {
    const { cli, dir } = storeCli();
    const { writeFileSync } = await import('node:fs');
    const file = `${dir}/m.csv`;
    writeFileSync(file, HEADER + 'dora@example.nl,base,default,Dora,Vos,1,,,,,+31 38 000 0001,\n,,,,,,Zwolle,NL,8011 AB,Melkmarkt 1,,\n');
    expect(json(await cli('import', file, '--json'))).toMatchObject({ created: 1, skipped_addresses: 1 });
    expect(json<Customer>(await cli('show', 'dora@example.nl', '--json'))).toMatchObject({ street: 'Melkmarkt 1', city: 'Zwolle', phone: '+31 38 000 0001' });
    await cli('edit', 'dora@example.nl', '--company', 'Vos BV');
    const addresses = `${dir}/a.csv`;
    writeFileSync(addresses, '_website,_email,city,company,country_id,postcode,street,telephone\nbase,dora@example.nl,Kampen,,NL,8261 AA,Oudestraat 2,\n');
    expect(json(await cli('import', addresses, '--json'))).toMatchObject({ preset: 'magento-addresses', updated: 1 });
    expect(json<Customer>(await cli('show', 'dora@example.nl', '--json'))).toMatchObject({ street: 'Oudestraat 2', city: 'Kampen', phone: '+31 38 000 0001', company: 'Vos BV' });
  });
});

describe("Magento's customer_address file", () => {
  it("sets the address of the customer its _email names, never the customer's name; unknown customers are rejected", async () => {
    const { cli } = storeCli();
    await cli('import', fixture('magento-composite-continuation.csv'), '--date-format', 'MDY');
    const strict = await cli('import', fixture('magento-customer-address.csv'));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('line 6, column "_email", value "nobody@example.com": no customer has this e-mail: an address file adds addresses to customers already in the store; import the customers first');
    expect(strict.stderr).toContain('Read as magento-addresses preset');
    const r = await cli('import', fixture('magento-customer-address.csv'), '--skip-invalid', '--json');
    expect(json(r)).toMatchObject({ preset: 'magento-addresses', created: 0, updated: 2, rejected: 1, skipped_addresses: 1, unknown_columns: [] });
    expect(json<Customer[]>(await cli('list', '--json', '--fields', ADDRESS))).toEqual([
      {
        email: 'pieter.jansen@example.nl', name: 'Pieter Jansen', company: 'Jansen Advies', street: 'Lange Voorhout 3', street2: '2e verdieping',
        city: 'Den Haag', postal_code: '2511 CV', country: 'NL', phone: '+31 70 200 0004',
      },
      {
        email: 'marta.kowalska@example.pl', name: 'Marta Kowalska', company: null, street: 'Stary Rynek 2', street2: null, city: 'Poznań',
        postal_code: '61-001', country: 'PL', phone: '+48 12 300 0001',
      },
    ]);
    expect((await cli('list', '--format', 'count')).stdout).toBe('2\n');
  });

  it('exports an address file that imports back unchanged', async () => {
    const { cli, dir } = storeCli();
    await cli('import', fixture('magento-composite-continuation.csv'), '--date-format', 'MDY');
    const file = `${dir}/addresses.csv`;
    await cli('export', '--preset', 'magento-addresses', file);
    expect(json(await cli('import', file, '--json'))).toMatchObject({ preset: 'magento-addresses', unchanged: 2, updated: 0, skipped_addresses: 0 });
  });
});

describe("PrestaShop's addresses file", () => {
  it("sets the first address of each customer; suppliers' rows are skipped; country names are read", async () => {
    const { cli, dir } = storeCli();
    const { writeFileSync } = await import('node:fs');
    const customers = `${dir}/customers.csv`;
    writeFileSync(customers, 'email,first_name,last_name\nlucie.martin@example.fr,Lucie,Martin\ntom.baker@example.co.uk,Tom,Baker\n');
    await cli('import', customers);
    const r = await cli('import', fixture('prestashop-addresses.csv'), '--json');
    expect(json(r)).toMatchObject({ preset: 'prestashop-addresses', delimiter: ';', updated: 2, rejected: 0, skipped_addresses: 2, unknown_columns: [] });
    expect(json<Customer[]>(await cli('list', '--json', '--fields', ADDRESS))).toEqual([
      {
        email: 'lucie.martin@example.fr', name: 'Lucie Martin', company: null, street: '8 rue Victor Hugo', street2: null, city: 'Lyon',
        postal_code: '69002', country: 'FR', phone: '04 72 00 00 10',
      },
      {
        email: 'tom.baker@example.co.uk', name: 'Tom Baker', company: null, street: '10 Downing Street', street2: null, city: 'London',
        postal_code: 'SW1A 2AA', country: 'GB', phone: '+44 7700 900010',
      },
    ]);
    const exported = await cli('export', '--preset', 'prestashop-addresses', '--columns', 'Customer e-mail*,City*,Country*', '-');
    expect(exported.stdout).toBe('Customer e-mail*;City*;Country*\r\nlucie.martin@example.fr;Lyon;France\r\ntom.baker@example.co.uk;London;United Kingdom\r\n');
  });
});
