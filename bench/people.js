/**
 * Customers as diverse as a real store's, for the benchmarks: names drawn from thousands of values in several
 * scripts (Latin with its accents, Cyrillic, Greek, Hebrew, Chinese, Japanese, Korean), an e-mail unique to each,
 * phones with random digits in each country's own formats (some national, some international, as merchants
 * receive them), a company for a quarter of them, a note for one in ten. Deterministic: the same count and seed
 * give the same customers. Faker supplies the pools of names, streets, cities and companies once; each customer
 * is then drawn from them with a small seeded generator, so a million take seconds, not minutes.
 */
import {
  fakerDE, fakerEL, fakerEN_GB, fakerEN_US, fakerES, fakerFR, fakerHE, fakerIT, fakerJA, fakerKO, fakerNL, fakerPL, fakerRU,
  fakerTR, fakerVI, fakerZH_CN,
} from '@faker-js/faker';

/** Country, its faker, its language and its share of customers (per thousand). */
const LOCALES = [
  ['FR', fakerFR, 'fr', 160], ['DE', fakerDE, 'de', 140], ['US', fakerEN_US, 'en', 140], ['IT', fakerIT, 'it', 100],
  ['ES', fakerES, 'es', 100], ['NL', fakerNL, 'nl', 80], ['GB', fakerEN_GB, 'en', 60], ['PL', fakerPL, 'pl', 40],
  ['RU', fakerRU, 'ru', 30], ['JP', fakerJA, 'ja', 30], ['CN', fakerZH_CN, 'zh', 30], ['TR', fakerTR, 'tr', 20],
  ['GR', fakerEL, 'el', 20], ['KR', fakerKO, 'ko', 20], ['VN', fakerVI, 'vi', 10], ['IL', fakerHE, 'he', 10],
];

/** Group sizes per million: Wholesale is exactly 100,000 of 1,000,000 (the bulk-update bench). */
export const GROUPS = [['Retail', 400_000], ['Wholesale', 100_000], ['VIP', 50_000], ['Partners', 50_000], [null, 400_000]];
const TAGS = ['b2b', 'newsletter', 'vip', 'returning', 'wholesale', 'black-friday', 'imported'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'gmx.de', 'web.de', 'orange.fr', 'free.fr',
  'libero.it', 'hotmail.fr', 'ziggo.nl', 'wp.pl', 'mail.ru', 'yandex.ru', 'qq.com', '163.com', 'naver.com', 'yahoo.co.jp'];
const NOTES = ['Prefers delivery after 5pm', 'Leave parcels with the neighbour at number', 'Asked for an invoice with the VAT number',
  'Allergic to latex: no latex gloves in packing', 'Wholesale terms agreed by phone, 30 days', 'Returned order twice, size issue',
  'VIP since the spring sale', 'Call before delivery', 'Gift wrap every order', 'Ships to the office, reception closes at'];

/** mulberry32: a small deterministic PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lower-case ASCII letters of a name ('' for a name in another script). */
function ascii(s) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').replace(/[^A-Za-z]/g, '').toLowerCase();
}

/** Up to `size` distinct values of `draw()`. */
function pool(draw, size) {
  const seen = new Set();
  for (let i = 0; i < size * 3 && seen.size < size; i++) seen.add(draw());
  return [...seen];
}

/** Each locale's pools of values, drawn once from faker with a fixed seed. */
function localePools(seed) {
  return LOCALES.map(([country, faker, lang, share]) => {
    faker.seed(seed);
    const formats = faker.definitions.phone_number.format;
    return {
      country, lang, share,
      first: pool(() => faker.person.firstName(), 1500),
      last: pool(() => faker.person.lastName(), 1500),
      companies: pool(() => faker.company.name(), 1000),
      streets: pool(() => faker.location.streetAddress(), 1000),
      cities: pool(() => faker.location.city(), 400),
      postcodes: pool(() => faker.location.zipCode(), 1000),
      phones: [...formats.human, ...formats.international].filter((f) => !f.includes('{')),
    };
  });
}

/** Generates n customers. */
export function* generateCustomers(n, seed = 42) {
  const r = rng(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const locales = localePools(seed);
  const byShare = locales.flatMap((l) => Array(l.share).fill(l));
  const latin = locales.find((l) => l.country === 'US');
  const groupOf = [];
  for (const [name, perMillion] of GROUPS) for (let i = 0; i < perMillion; i++) groupOf.push(name);
  const emails = new Set();
  const digits = (format) => format.replace(/[#!]/g, (c) => String(c === '!' ? 2 + Math.floor(r() * 8) : Math.floor(r() * 10)));
  for (let i = 0; i < n; i++) {
    const l = pick(byShare);
    const first = pick(l.first);
    const last = pick(l.last);
    const orders = Math.floor(r() ** 2 * 30);
    yield {
      email: uniqueEmail(emails, ascii(first) || ascii(pick(latin.first)), ascii(last) || ascii(pick(latin.last)), pick(DOMAINS), r),
      first_name: first,
      last_name: last,
      phone: r() < 0.9 ? digits(pick(l.phones)) : null,
      company: r() < 0.25 ? pick(l.companies) : null,
      group: groupOf[Math.floor((i / n) * groupOf.length)],
      tax_exempt: r() < 0.05 ? 1 : 0,
      accepts_marketing: r() < 0.4 ? 1 : 0,
      lang: l.lang,
      street: pick(l.streets),
      city: pick(l.cities),
      postal_code: pick(l.postcodes),
      country: l.country,
      note: r() < 0.1 ? `${pick(NOTES)} ${1 + Math.floor(r() * 120)}` : null,
      order_count: orders,
      total_spent_minor: orders * Math.floor(1000 + r() * 20000),
      tags: r() < 0.5 ? [pick(TAGS)] : [],
      created_at: new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 6 * 365 * 86400) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
  }
}

/** first.last@, firstlast@, f.last@ or first_last@, with digits added where it is taken (as mail providers do). */
function uniqueEmail(taken, first, last, domain, r) {
  const forms = [`${first}.${last}`, `${first}${last}`, `${first[0]}.${last}`, `${first}_${last}`];
  let local = forms[Math.floor(r() * forms.length)];
  if (r() < 0.3) local += Math.floor(r() * 100);
  let email = `${local}@${domain}`;
  while (taken.has(email)) email = `${local}${Math.floor(r() * 10000)}@${domain}`;
  taken.add(email);
  return email;
}
