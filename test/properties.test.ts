/** Property tests: e-mail normalisation, amounts, and every filter against a reference written in plain code. */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCustomer, listCustomers } from '../src/core/customers.js';
import { CUSTOMER_FIELDS } from '../src/core/fields.js';
import type { CustomerFilter } from '../src/core/filters.js';
import { createGroup } from '../src/core/groups.js';
import { formatAmount, normalizeEmail, parseAmount } from '../src/core/values.js';
import { openStore } from '../src/store/open.js';
import { tempDir } from './helpers/run-cli.js';

describe('e-mail normalisation', () => {
  it('is idempotent and ignores surrounding spaces and case', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.constantFrom('', ' ', '\t', '  '), fc.boolean(), (email, pad, upper) => {
        let normal: string;
        try {
          normal = normalizeEmail(email);
        } catch {
          return; // not every RFC 5322 address is one we accept (e.g. numeric top-level domains)
        }
        expect(normal).toBe(email.trim().toLowerCase());
        expect(normalizeEmail(normal)).toBe(normal);
        expect(normalizeEmail(pad + (upper ? email.toUpperCase() : email) + pad)).toBe(normal);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts the everyday addresses and rejects what is not one', () => {
    for (const ok of ['a@b.co', 'first.last+tag@sub.example.com', "o'brien@example.ie", 'hélène@exemple.fr', 'x_y-z@a-b.example']) {
      expect(() => normalizeEmail(ok), ok).not.toThrow();
    }
    for (const bad of ['', 'plain', '@example.com', 'a@', 'a@b', 'a@@b.com', 'a b@c.com', 'a..b@c.com', '.a@b.com', 'a@-b.com', 'a@b.c0m1']) {
      expect(() => normalizeEmail(bad), bad).toThrow();
    }
  });
});

describe('amounts', () => {
  it('format and parse are inverse for every amount in minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (minor) => {
        expect(parseAmount(formatAmount(minor))).toBe(minor);
      }),
    );
  });

  it('reads a decimal comma only when asked to', () => {
    expect(parseAmount('1 234,5', { decimalComma: true })).toBe(123450);
    expect(() => parseAmount('1234,5')).toThrow('is not an amount');
  });
});

interface Generated {
  email: string;
  group: string | null;
  tax_exempt: boolean;
  accepts_marketing: boolean;
  accepts_sms_marketing: boolean;
  country: string | null;
  lang: string | null;
  tags: string[];
  order_count: number;
  total_spent: number;
  created_at: string;
  first_name: string;
}

const GROUPS = ['Retail', 'Wholesale', 'VIP'];
const TAGS = ['b2b', 'vip', 'Newsletter'];

const customerArb: fc.Arbitrary<Omit<Generated, 'email'>> = fc.record({
  group: fc.constantFrom(null, ...GROUPS),
  tax_exempt: fc.boolean(),
  accepts_marketing: fc.boolean(),
  accepts_sms_marketing: fc.boolean(),
  country: fc.constantFrom(null, 'BE', 'FR', 'NL'),
  lang: fc.constantFrom(null, 'fr', 'nl'),
  tags: fc.subarray(TAGS),
  order_count: fc.integer({ min: 0, max: 12 }),
  total_spent: fc.integer({ min: 0, max: 50000 }),
  created_at: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-15T08:00:00Z', '2026-02-01T00:00:00Z'),
  first_name: fc.constantFrom('Hélène', 'HELENE', 'Jan', 'Zoë', 'Ann-Marie', 'Åsa', 'Çağla', 'Ægir'),
});

/** Searches of three characters or more go through the index, shorter ones are read row by row. */
const SEARCHES = ['helene', 'HÉLÈNE', 'zoe', 'zoë', 'ann', 'an', 'example', 'asa', 'ÅS', 'cag', 'çağ', 'æg', 'ae', 'el', 'ca'];

const filterArb: fc.Arbitrary<CustomerFilter> = fc.record(
  {
    groups: fc.subarray(GROUPS, { minLength: 1 }),
    noGroup: fc.constant(true),
    taxExempt: fc.boolean(),
    acceptsMarketing: fc.boolean(),
    acceptsSmsMarketing: fc.boolean(),
    minOrders: fc.integer({ min: 0, max: 12 }),
    maxOrders: fc.integer({ min: 0, max: 12 }),
    minSpent: fc.integer({ min: 0, max: 50000 }),
    maxSpent: fc.integer({ min: 0, max: 50000 }),
    tags: fc.subarray(TAGS, { minLength: 1 }),
    country: fc.constantFrom('BE', 'FR', 'NL'),
    lang: fc.constantFrom('fr', 'nl'),
    createdAfter: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-15T08:00:00Z', '2026-01-20T00:00:00Z'),
    createdBefore: fc.constantFrom('2026-01-15T08:00:00Z', '2026-02-01T00:00:00Z'),
    search: fc.constantFrom(...SEARCHES),
  },
  { requiredKeys: [] },
);

/**
 * Case and accent folding, spelled out letter by letter for the names above (independent of the code's
 * Unicode decomposition): "Hélène" -> "helene". Æ is a letter of its own, not an accented one.
 */
function plainFold(text: string): string {
  const letters: Record<string, string> = { é: 'e', è: 'e', ë: 'e', å: 'a', ç: 'c', ğ: 'g' };
  return [...text.toLowerCase()].map((ch) => letters[ch] ?? ch).join('');
}

/** The reference: what each filter means, in plain code. */
function matches(c: Generated, f: CustomerFilter): boolean {
  const has = (tag: string) => c.tags.some((t) => t.toLowerCase() === tag.toLowerCase());
  const text = plainFold(`${c.first_name}\n${c.email}`);
  return (
    (!f.groups || (c.group !== null && f.groups.includes(c.group))) &&
    (!f.noGroup || c.group === null) &&
    (f.taxExempt === undefined || c.tax_exempt === f.taxExempt) &&
    (f.acceptsMarketing === undefined || c.accepts_marketing === f.acceptsMarketing) &&
    (f.acceptsSmsMarketing === undefined || c.accepts_sms_marketing === f.acceptsSmsMarketing) &&
    (f.minOrders === undefined || c.order_count >= f.minOrders) &&
    (f.maxOrders === undefined || c.order_count <= f.maxOrders) &&
    (f.minSpent === undefined || c.total_spent >= f.minSpent) &&
    (f.maxSpent === undefined || c.total_spent <= f.maxSpent) &&
    (!f.tags || f.tags.every(has)) &&
    (f.country === undefined || c.country === f.country) &&
    (f.lang === undefined || c.lang === f.lang) &&
    (f.createdAfter === undefined || c.created_at >= f.createdAfter) &&
    (f.createdBefore === undefined || c.created_at < f.createdBefore) &&
    (f.search === undefined || text.includes(plainFold(f.search)))
  );
}

describe('filters', () => {
  it('select exactly the customers the reference selects, in any combination', () => {
    const store = openStore(join(tempDir(), 'store.db'), { create: true });
    const now = new Date('2026-01-01T00:00:00Z');
    for (const g of GROUPS) createGroup(store, g, now);
    const customers = fc.sample(customerArb, { numRuns: 60, seed: 7 }).map((c, i) => ({ ...c, email: `c${i}@example.com` }));
    const stats = store.db.prepare('UPDATE customers SET order_count = ?, total_spent_minor = ?, created_at = ? WHERE id = ?');
    customers.forEach((c, i) => {
      const { order_count: _orders, total_spent: _spent, created_at: _created, ...editable } = c;
      createCustomer(store, editable, now);
      stats.run(c.order_count, c.total_spent, c.created_at, i + 1);
    });
    const idField = CUSTOMER_FIELDS.filter((f) => f.name === 'id');
    try {
      fc.assert(
        fc.property(filterArb, (filter) => {
          const got = [...listCustomers(store.db, { filter, fields: idField })].map((r) => r.id);
          const want = customers.flatMap((c, i) => (matches(c, filter) ? [i + 1] : []));
          expect(got).toEqual(want);
        }),
        { numRuns: 400 },
      );
      // Combined filters seldom leave a search alone: each search on its own, too.
      for (const search of SEARCHES) {
        const got = [...listCustomers(store.db, { filter: { search }, fields: idField })].map((r) => r.id);
        expect(got, search).toEqual(customers.flatMap((c, i) => (matches(c, { search }) ? [i + 1] : [])));
      }
    } finally {
      store.close();
    }
  });
});
