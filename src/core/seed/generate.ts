/**
 * Realistic made-up customers for `customers seed --count N --seed S --locale L`: names, addresses and phones
 * of France, Italy, the Netherlands, Germany, Spain or the US, with companies, groups, tags, consents and
 * orders. No database here: the caller stores what `customer(i)` returns.
 *
 * Deterministic, so that a seed gives the same store byte for byte: customer(i) depends only on the seed
 * string, the locale and i (its own random sequence, started from [seed, i]), never on the customers
 * generated before it, on the clock or on the machine. Dates are drawn before a fixed reference date, so the
 * output is the same whatever day it runs. Faker (names, streets, cities, companies) is loaded only here, by
 * a dynamic import of the one or six locales needed, so that other commands never pay for it.
 */
import type { Faker } from '@faker-js/faker';
import { ValidationError } from '../../common/errors.js';
import { foldText } from '../../common/fold.js';
import { formatAmount } from '../values.js';
import { fill, PHONE_FORMATS, postalCode, type SeedCountry, spanishPostalCode, STREET2_FORMATS, TAX_ID_FORMATS } from './country-formats.js';
import { hashSeed, SeedRandom } from './random.js';
import { FakerTemplates } from './templates.js';

import { SEED_LOCALES, type SeedLocale } from './locales.js';

export { SEED_LOCALES, type SeedLocale } from './locales.js';

export interface SeedOrder {
  number: string;
  /** Decimal amount, "59.90". */
  total: string;
  /** ISO 8601 in UTC, 2025-03-01T10:22:33Z. */
  placed_at: string;
}

export interface SeedCustomer {
  email: string;
  first_name: string;
  last_name: string;
  phone: string;
  company: string | null;
  street: string;
  street2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lang: string;
  group: string | null;
  tags: string[];
  tax_exempt: boolean;
  tax_id: string | null;
  accepts_marketing: boolean;
  accepts_sms_marketing: boolean;
  has_account: boolean;
  note: string | null;
  created_at: string;
  orders: SeedOrder[];
}

export interface SeedGenerator {
  /** The groups customers are put in: the caller creates them first. */
  readonly groups: readonly string[];
  /** The customer of this index (0, 1, ...), the same whatever was generated before. */
  customer(index: number): SeedCustomer;
}

/** Every date is before this one (created_at within the three years before it, orders after created_at). */
export const SEED_REFERENCE_DATE = '2026-01-01T00:00:00Z';

export const SEED_GROUPS: readonly string[] = ['Wholesale', 'VIP', 'Retail'];

/** At most this many orders per customer; order numbers are 1001 + index × this + the order's position. */
export const SEED_MAX_ORDERS = 8;

/** The largest index: its order numbers are still exact (below 2^53). */
export const SEED_MAX_INDEX = Math.floor((Number.MAX_SAFE_INTEGER - 1001) / SEED_MAX_ORDERS) - 1;

const REFERENCE_SECONDS = Date.parse(SEED_REFERENCE_DATE) / 1000;
const DAY = 86400;
const THREE_YEARS = 3 * 365 * DAY;

/**
 * Every date drawn falls on one of these ~1,100 days: their "YYYY-MM-DD" are made once, and a timestamp is
 * its day's and two-digit time fields put together (Date's toISOString and a regex took a fifth of the time
 * a customer took).
 */
const FIRST_DAY = Math.floor((REFERENCE_SECONDS - THREE_YEARS) / DAY) - 1;
const DAY_TEXTS = Array.from({ length: REFERENCE_SECONDS / DAY - FIRST_DAY + 1 }, (_, i) => new Date((FIRST_DAY + i) * DAY * 1000).toISOString().slice(0, 10));
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

const LOCALE_COUNTRY: Record<Exclude<SeedLocale, 'mix'>, SeedCountry> = { en: 'US', fr: 'FR', it: 'IT', nl: 'NL', de: 'DE', es: 'ES' };
const COUNTRY_LANG: Record<SeedCountry, string> = { US: 'en', FR: 'fr', IT: 'it', NL: 'nl', DE: 'de', ES: 'es' };

/** `mix`: the countries and how likely each is, as a European store's customers might be spread. */
const MIX_COUNTRIES: readonly SeedCountry[] = ['FR', 'DE', 'IT', 'ES', 'NL', 'US'];
const MIX_WEIGHTS = [30, 20, 15, 15, 10, 10];

/** One literal import per locale, so that a bundler sees each one (and only these are ever loaded). */
const FAKER_LOCALES: Record<SeedCountry, () => Promise<{ faker: Faker }>> = {
  FR: () => import('@faker-js/faker/locale/fr'),
  IT: () => import('@faker-js/faker/locale/it'),
  NL: () => import('@faker-js/faker/locale/nl'),
  DE: () => import('@faker-js/faker/locale/de'),
  ES: () => import('@faker-js/faker/locale/es'),
  US: () => import('@faker-js/faker/locale/en_US'),
};

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
const TAGS = ['newsletter', 'returning', 'vip', 'gift', 'instagram', 'referral', 'black-friday', 'first-order'];
const COMPANY_TAGS = [...TAGS, 'b2b', 'wholesale'];
/** Weights: of 0 to 3 tags, of 0 to 8 orders, and of no group then each of SEED_GROUPS. */
const TAG_COUNT_WEIGHTS = [45, 30, 15, 10];
const ORDER_COUNT_WEIGHTS = [30, 25, 15, 10, 7, 5, 4, 2, 2];
const COMPANY_GROUP_WEIGHTS = [50, 40, 10, 0];
const PERSON_GROUP_WEIGHTS = [88, 0, 6, 6];
/** Order totals in cents: bands and their weights (small orders are the most common). */
const TOTAL_BANDS: readonly (readonly [number, number])[] = [[500, 2999], [3000, 7999], [8000, 19999], [20000, 50000]];
const TOTAL_BAND_WEIGHTS = [35, 35, 20, 10];

const NOTES = [
  'Prefers delivery after 6 pm',
  'Leave parcels with the neighbour at number 4',
  'Asked for paper invoices',
  'Call before delivering',
  'Gift-wraps every order',
  'Late delivery in March: offered 10% off the next order',
  'Pays by bank transfer',
  'Met at the spring trade fair',
];

/** Loads faker (dynamic import, so other commands never load it) and returns a generator. */
export async function loadSeedGenerator(options: {
  seed: string;
  locale: SeedLocale;
  /** Not used: dates are drawn before SEED_REFERENCE_DATE, so that a seed gives the same customers any day. */
  now: Date;
}): Promise<SeedGenerator> {
  const countries = countriesOf(options.locale);
  const random = new SeedRandom();
  const fakers = new Map(await Promise.all(countries.map(async (country) => [country, await localeFaker(country, random)] as const)));
  // The locale is part of the seed: `--locale fr` and `--locale de` do not share their random draws.
  const seed = hashSeed(`${options.locale}\u0000${options.seed}`);
  return {
    groups: SEED_GROUPS,
    customer(index: number): SeedCustomer {
      if (!Number.isInteger(index) || index < 0 || index > SEED_MAX_INDEX) {
        throw new RangeError(`a customer index is a whole number from 0 to ${SEED_MAX_INDEX}, not ${index}`);
      }
      random.seed([seed, index % 4294967296, Math.floor(index / 4294967296)]);
      const country = countries.length === 1 ? countries[0] : MIX_COUNTRIES[random.weighted(MIX_WEIGHTS)];
      const { faker, templates } = fakers.get(country)!;
      return drawCustomer({ index, country, faker, templates, random });
    },
  };
}

function countriesOf(locale: SeedLocale): readonly SeedCountry[] {
  if (locale === 'mix') return MIX_COUNTRIES;
  const country = LOCALE_COUNTRY[locale];
  if (!country) throw new ValidationError(`"${locale}" is not a seed locale (expected one of ${SEED_LOCALES.join(', ')})`);
  return [country];
}

/**
 * A faker of the country's locale that draws from `random`. The per-locale entry points export only a
 * ready-made instance (seeded with faker's slow-to-seed Mersenne Twister); its class, given the instance's
 * definitions (the locale's, with English and the base as fallbacks) and our randomizer, makes one that
 * does not need the whole package to be loaded.
 */
async function localeFaker(country: SeedCountry, random: SeedRandom): Promise<{ faker: Faker; templates: FakerTemplates }> {
  const { faker: shared } = await FAKER_LOCALES[country]();
  const FakerClass = shared.constructor as typeof Faker;
  const faker = new FakerClass({ locale: shared.rawDefinitions, randomizer: random });
  return { faker, templates: new FakerTemplates(faker, random) };
}

interface Draw {
  index: number;
  country: SeedCountry;
  faker: Faker;
  templates: FakerTemplates;
  random: SeedRandom;
}

/** One customer; the properties are drawn in the order they are written (an object literal's order). */
function drawCustomer(d: Draw): SeedCustomer {
  const { faker, random } = d;
  const first_name = faker.person.firstName();
  const last_name = d.templates.lastName();
  const isCompany = random.chance(0.2);
  const created = REFERENCE_SECONDS - DAY - random.below(THREE_YEARS - DAY);
  return {
    email: emailOf(first_name, last_name, d),
    first_name,
    last_name,
    phone: fill(random.pick(PHONE_FORMATS[d.country]), random),
    company: isCompany ? d.templates.companyName() : null,
    ...drawAddress(d),
    country: d.country,
    lang: COUNTRY_LANG[d.country],
    group: drawGroup(random, isCompany),
    tags: drawTags(random, isCompany),
    ...drawTax(d, isCompany),
    accepts_marketing: random.chance(0.4),
    accepts_sms_marketing: random.chance(0.2),
    has_account: random.chance(0.8),
    note: random.chance(0.05) ? random.pick(NOTES) : null,
    created_at: timestamp(created),
    orders: drawOrders(d, created),
  };
}

/** first.last.N@example.com in lower-case ASCII: N (the index from 1) makes it unique within a seed. */
function emailOf(first: string, last: string, d: Draw): string {
  return `${asciiName(first)}.${asciiName(last)}.${d.index + 1}@${d.random.pick(EMAIL_DOMAINS)}`;
}

const SPELLED: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/** "Hélène" -> "helene", "van der Berg" -> "vanderberg", "Groß" -> "gross". */
function asciiName(name: string): string {
  const lower = name.toLowerCase();
  if (/^[a-z]+$/.test(lower)) return lower;
  const ascii = foldText(name).replace(/[ßæœøłđı]/g, (ch) => SPELLED[ch]).replace(/[^a-z0-9]+/g, '');
  return ascii === '' ? 'customer' : ascii;
}

function drawAddress(d: Draw): Pick<SeedCustomer, 'street' | 'street2' | 'city' | 'region' | 'postal_code'> {
  const street = d.templates.streetAddress();
  const street2 = d.random.chance(0.15) ? fill(d.random.pick(STREET2_FORMATS[d.country]), d.random) : null;
  const city = d.templates.city();
  return { street, street2, city, ...regionAndPostalCode(d) };
}

/** The region where the country writes one (US state, Italian province, Spanish province) and the postal code. */
function regionAndPostalCode(d: Draw): { region: string | null; postal_code: string } {
  switch (d.country) {
    case 'US': {
      const state = d.faker.location.state({ abbreviated: true });
      return { region: state, postal_code: d.faker.location.zipCode({ state }) };
    }
    case 'ES':
      return spanishPostalCode(d.random);
    case 'IT':
      return { region: d.faker.location.state({ abbreviated: true }), postal_code: postalCode('IT', d.random) };
    default:
      return { region: null, postal_code: postalCode(d.country, d.random) };
  }
}

/** Most customers are in no group; companies are often wholesale customers. */
function drawGroup(random: SeedRandom, isCompany: boolean): string | null {
  const i = random.weighted(isCompany ? COMPANY_GROUP_WEIGHTS : PERSON_GROUP_WEIGHTS);
  return i === 0 ? null : SEED_GROUPS[i - 1];
}

/** 0 to 3 distinct tags (a partial shuffle of the vocabulary); b2b and wholesale only for companies. */
function drawTags(random: SeedRandom, isCompany: boolean): string[] {
  const count = random.weighted(TAG_COUNT_WEIGHTS);
  if (count === 0) return [];
  const pool = (isCompany ? COMPANY_TAGS : TAGS).slice();
  for (let k = 0; k < count; k++) {
    const j = k + random.below(pool.length - k);
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  return pool.slice(0, count);
}

/** Companies have a VAT number, and a quarter of them are exempt from tax. */
function drawTax(d: Draw, isCompany: boolean): Pick<SeedCustomer, 'tax_exempt' | 'tax_id'> {
  if (!isCompany) return { tax_exempt: false, tax_id: null };
  const tax_id = fill(TAX_ID_FORMATS[d.country], d.random);
  return { tax_exempt: d.random.chance(0.25), tax_id };
}

/**
 * 0 to 8 orders, placed after the customer was created and before the reference date, oldest first. Numbers
 * are 1001 + index × 8 + position: unique in the seed without knowing how many orders earlier customers had,
 * and shaped like the numbers shops give (#1001, #1002, ...), with gaps where a customer has fewer than 8.
 */
function drawOrders(d: Draw, created: number): SeedOrder[] {
  const count = d.random.weighted(ORDER_COUNT_WEIGHTS);
  if (count === 0) return [];
  const times: number[] = [];
  for (let k = 0; k < count; k++) times.push(created + 60 + d.random.below(REFERENCE_SECONDS - created - 120));
  times.sort((a, b) => a - b);
  return times.map((time, k) => ({
    number: String(1001 + d.index * SEED_MAX_ORDERS + k),
    total: formatAmount(drawTotal(d.random)),
    placed_at: timestamp(time),
  }));
}

/** A time (seconds since 1970, within DAY_TEXTS) as stored: 2025-03-01T10:22:33Z. */
function timestamp(seconds: number): string {
  const day = Math.floor(seconds / DAY);
  const time = seconds - day * DAY;
  return `${DAY_TEXTS[day - FIRST_DAY]}T${TWO_DIGITS[Math.floor(time / 3600)]}:${TWO_DIGITS[Math.floor(time / 60) % 60]}:${TWO_DIGITS[time % 60]}Z`;
}

/** An order total in cents, 5.00 to 500.00. */
function drawTotal(random: SeedRandom): number {
  const [low, high] = TOTAL_BANDS[random.weighted(TOTAL_BAND_WEIGHTS)];
  return random.between(low, high);
}
