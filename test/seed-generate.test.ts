/** The seed generator: deterministic, unique e-mails and order numbers, values the store accepts, each country's formats. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSeedGenerator, SEED_LOCALES, SEED_MAX_INDEX, SEED_REFERENCE_DATE, type SeedCustomer, type SeedGenerator, type SeedLocale } from '../src/core/seed/generate.js';
import {
  e164, formatAmount, normalizeCountry, normalizeEmail, normalizeGroupName, normalizeLang, normalizeTags, normalizeText, parseAmount, parseTimestamp,
} from '../src/core/values.js';

const NOW = new Date('2026-11-24T00:00:00Z');
const load = (seed: string, locale: SeedLocale) => loadSeedGenerator({ seed, locale, now: NOW });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const many = (g: SeedGenerator, indexes: number[]) => indexes.map((i) => g.customer(i));

const generators = new Map<SeedLocale, SeedGenerator>();
beforeAll(async () => {
  for (const locale of SEED_LOCALES) generators.set(locale, await load('test', locale));
});
const gen = (locale: SeedLocale) => generators.get(locale)!;

/** Indexes far apart, up past 2^32, as a store of any size may ask for. */
/** customer(0..2) of seed "golden", --locale mix: e-mail, phone, street, postal code, city, created_at, orders. */
const GOLDEN: unknown[] = [
  ['monica.montesviera.1@example.com', '+34 678 920 891', 'Torrente Sergio, 1', '09962', 'Alicante', '2025-05-10T21:37:08Z', 2],
  ['mattis.bos.2@example.com', '+49 160 6771886', 'Rudolf-Breitscheid-Str. 6', '95489', 'Hunekescheid', '2024-01-24T14:15:19Z', 0],
  ['virginie.louis.3@example.com', '+33 5 99 69 83 38', '7523 Avenue de la Bûcherie', '42948', 'Fort-de-France', '2023-12-06T14:44:25Z', 0],
];

const SAMPLE = [0, 1, 7, 999, 12_345, 999_999, 2 ** 31 + 7, 2 ** 32 + 3, 2 ** 40 + 1, SEED_MAX_INDEX];

describe('seed generator: deterministic', () => {
  it('gives the same customers for the same seed and locale, in a new generator', async () => {
    for (const locale of SEED_LOCALES) {
      const again = await load('test', locale);
      expect(many(again, range(0, 201))).toEqual(many(gen(locale), range(0, 201)));
      expect(many(again, SAMPLE)).toEqual(many(gen(locale), SAMPLE));
    }
  });

  it('gives customer(i) the same alone as after others, in any order', async () => {
    const alone = await load('test', 'mix');
    const single = [250, 3, 99_999].map((i) => alone.customer(i));
    const afterOthers = gen('mix');
    many(afterOthers, range(0, 300).reverse());
    expect([250, 3, 99_999].map((i) => afterOthers.customer(i))).toEqual(single);
  });

  it('gives other customers for another seed, or another locale', async () => {
    const other = await load('test2', 'fr');
    const differs = range(0, 50).filter((i) => JSON.stringify(other.customer(i)) !== JSON.stringify(gen('fr').customer(i)));
    expect(differs.length).toBe(50);
    const totals = (g: SeedGenerator) => many(g, range(0, 50)).map((c) => c.orders.map((o) => o.total).join());
    expect(totals(gen('de'))).not.toEqual(totals(gen('fr')));
  });

  it('does not depend on the day it runs (now), and draws every date before the reference date', async () => {
    const later = await loadSeedGenerator({ seed: 'test', locale: 'mix', now: new Date('2031-05-05T12:00:00Z') });
    expect(many(later, range(0, 50))).toEqual(many(gen('mix'), range(0, 50)));
  });

  it('still gives these customers (a faker upgrade or a change here that alters a seed is seen)', async () => {
    const golden = await load('golden', 'mix');
    const key = (c: SeedCustomer) => [c.email, c.phone, c.street, c.postal_code, c.city, c.created_at, c.orders.length];
    expect([0, 1, 2].map((i) => key(golden.customer(i)))).toEqual(GOLDEN);
  });

  it('refuses an index that is not a whole number from 0', () => {
    for (const bad of [-1, 1.5, Number.NaN, SEED_MAX_INDEX + 1]) expect(() => gen('fr').customer(bad)).toThrow(RangeError);
  });
});


describe('seed generator: unique keys', () => {
  it('never gives two customers the same e-mail, nor two orders the same number (20,000 customers)', () => {
    const customers = many(gen('mix'), range(0, 20_000));
    const emails = new Set(customers.map((c) => c.email));
    expect(emails.size).toBe(20_000);
    const numbers = customers.flatMap((c) => c.orders.map((o) => o.number));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('numbers orders 1001 + 8 × index + position, exactly up to the largest index', () => {
    const last = gen('fr').customer(SEED_MAX_INDEX);
    last.orders.forEach((o, k) => expect(BigInt(o.number)).toBe(1001n + BigInt(SEED_MAX_INDEX) * 8n + BigInt(k)));
  });

  it('numbers orders 1001 + 8 × index + position, and builds e-mails from the name and the index from 1', () => {
    const c = gen('fr').customer(41);
    c.orders.forEach((o, k) => expect(o.number).toBe(String(1001 + 41 * 8 + k)));
    expect(c.email).toMatch(/^[a-z0-9]+\.[a-z0-9]+\.42@example\.(com|org|net)$/);
  });
});

/** Throws if the store would refuse or change a value. */
function expectStorable(c: SeedCustomer): void {
  expect(normalizeEmail(c.email)).toBe(c.email);
  expect(c.email).toMatch(/^[a-z0-9.]+@example\.(com|org|net)$/);
  expect(normalizeCountry(c.country)).toBe(c.country);
  expect(normalizeLang(c.lang)).toBe(c.lang);
  for (const field of ['first_name', 'last_name', 'phone', 'company', 'street', 'street2', 'city', 'region', 'postal_code', 'tax_id'] as const) {
    expect(normalizeText(c[field], field)).toBe(c[field]);
  }
  expect(normalizeText(c.note, 'note', { multiline: true })).toBe(c.note);
  for (const field of ['first_name', 'last_name', 'phone', 'street', 'city', 'postal_code'] as const) expect(c[field]).not.toBe('');
  expect(normalizeTags(c.tags)).toEqual(c.tags);
  if (c.group !== null) expect(normalizeGroupName(c.group)).toBe(c.group);
  expect(e164(c.phone)).not.toBeNull();
  expect(parseTimestamp(c.created_at)).toBe(c.created_at);
  for (const o of c.orders) {
    expect(parseTimestamp(o.placed_at)).toBe(o.placed_at);
    expect(formatAmount(parseAmount(o.total))).toBe(o.total);
  }
}

describe('seed generator: values the store accepts', () => {
  it('passes every value through the normalisers unchanged', () => {
    for (const locale of SEED_LOCALES) for (const c of many(gen(locale), range(0, 1500))) expectStorable(c);
  });

  it('dates orders after the customer was created, oldest first, before the reference date; totals 5.00 to 500.00', () => {
    const threeYearsBefore = new Date(Date.parse(SEED_REFERENCE_DATE) - 3 * 365 * 86400_000).toISOString();
    for (const c of many(gen('mix'), range(0, 3000))) {
      expect(c.created_at >= threeYearsBefore.replace(/\.000Z$/, 'Z') && c.created_at < SEED_REFERENCE_DATE).toBe(true);
      expect(c.orders.length).toBeLessThanOrEqual(8);
      const times = c.orders.map((o) => o.placed_at);
      expect(times).toEqual([...times].sort());
      for (const o of c.orders) {
        expect(o.placed_at > c.created_at && o.placed_at < SEED_REFERENCE_DATE).toBe(true);
        expect(parseAmount(o.total)).toBeGreaterThanOrEqual(500);
        expect(parseAmount(o.total)).toBeLessThanOrEqual(50_000);
      }
    }
  });
});

const FORMATS: Record<string, { locale: SeedLocale; lang: string; phone: RegExp; postal: RegExp; region: RegExp | null; taxId: RegExp }> = {
  FR: { locale: 'fr', lang: 'fr', phone: /^\+33 [1-9]( \d{2}){4}$/, postal: /^(0[1-9]|[1-8]\d|9[0-5])\d{3}$/, region: null, taxId: /^FR\d{11}$/ },
  IT: { locale: 'it', lang: 'it', phone: /^\+39 (3\d{2} \d{3} \d{4}|0\d \d{4} \d{4})$/, postal: /^\d{5}$/, region: /^[A-Z]{2}$/, taxId: /^IT\d{11}$/ },
  NL: { locale: 'nl', lang: 'nl', phone: /^\+31 (6 [1-9]\d{7}|\d{2} [1-9]\d{2} \d{4})$/, postal: /^[1-9]\d{3} (?!SA|SD|SS)[A-Z]{2}$/, region: null, taxId: /^NL\d{9}B\d{2}$/ },
  DE: { locale: 'de', lang: 'de', phone: /^\+49 \d{2,3} [1-9]\d{6,7}$/, postal: /^(0[1-9]|[1-9]\d)\d{3}$/, region: null, taxId: /^DE\d{9}$/ },
  ES: { locale: 'es', lang: 'es', phone: /^\+34 [679]\d{2} \d{3} \d{3}$/, postal: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, region: /^\p{L}[\p{L} ]+$/u, taxId: /^ESB\d{8}$/ },
  US: { locale: 'en', lang: 'en', phone: /^\+1 [2-9]\d{2} [2-9]\d{2}-\d{4}$/, postal: /^\d{5}$/, region: /^[A-Z]{2}$/, taxId: /^\d{2}-\d{7}$/ },
};

describe('seed generator: each country as it writes its addresses', () => {
  for (const [country, f] of Object.entries(FORMATS)) {
    it(`--locale ${f.locale}: customers of ${country}, with its phone, postal code, region and VAT number formats`, () => {
      for (const c of many(gen(f.locale), range(0, 2000))) expectCountry(c, country);
    });
  }

  it('--locale mix: customers of all six countries, each in its own formats', () => {
    const customers = many(gen('mix'), range(0, 4000));
    const count = (country: string) => customers.filter((c) => c.country === country).length;
    expect(count('FR')).toBeGreaterThan(1000);
    for (const country of Object.keys(FORMATS)) expect(count(country)).toBeGreaterThan(250);
    for (const c of customers) expectCountry(c, c.country);
  });

  it('Spanish postal codes start with the number of the province given as region', () => {
    const byPrefix = new Map(many(gen('es'), range(0, 3000)).map((c) => [c.postal_code.slice(0, 2), c.region]));
    expect([byPrefix.get('08'), byPrefix.get('28'), byPrefix.get('41'), byPrefix.get('52')]).toEqual(['Barcelona', 'Madrid', 'Sevilla', 'Melilla']);
  });
});

function expectCountry(c: SeedCustomer, country: string): void {
  const f = FORMATS[country];
  expect(c.country).toBe(country);
  expect(c.lang).toBe(f.lang);
  expect(c.phone).toMatch(f.phone);
  expect(c.postal_code).toMatch(f.postal);
  if (f.region) expect(c.region).toMatch(f.region);
  else expect(c.region).toBeNull();
  if (c.tax_id !== null) expect(c.tax_id).toMatch(f.taxId);
}

describe('seed generator: a store that looks real', () => {
  it('has about 20% companies (with a VAT number), 40% and 20% consents, 80% accounts, 5% notes, groups for a few', () => {
    const customers = many(gen('mix'), range(0, 10_000));
    const share = (test: (c: SeedCustomer) => boolean) => customers.filter(test).length / customers.length;
    expect(share((c) => c.company !== null)).toBeCloseTo(0.2, 1);
    expect(customers.every((c) => (c.company === null) === (c.tax_id === null))).toBe(true);
    expect(customers.every((c) => !c.tax_exempt || c.company !== null)).toBe(true);
    expect(share((c) => c.tax_exempt)).toBeGreaterThan(0.02);
    expect(share((c) => c.accepts_marketing)).toBeCloseTo(0.4, 1);
    expect(share((c) => c.accepts_sms_marketing)).toBeCloseTo(0.2, 1);
    expect(share((c) => c.has_account)).toBeCloseTo(0.8, 1);
    expect(share((c) => c.note !== null)).toBeCloseTo(0.05, 1);
    expect(share((c) => c.group === null)).toBeGreaterThan(0.7);
    expect(new Set(customers.map((c) => c.group))).toEqual(new Set([null, ...gen('mix').groups]));
    expect(new Set(customers.map((c) => c.tags.length))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(customers.map((c) => c.orders.length))).toEqual(new Set(range(0, 9)));
  });
});
