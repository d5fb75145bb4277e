import { ValidationError } from '../../common/errors.js';

/** The locales of `seed --count`, apart from the generator so that naming them in help loads no generator. */
export const SEED_LOCALES = ['en', 'fr', 'it', 'nl', 'de', 'es', 'mix'] as const;
export type SeedLocale = (typeof SEED_LOCALES)[number];

/** The largest count seed writes: a typo of a few zeros must not fill the disk. */
export const MAX_SEED_COUNT = 10_000_000;

/** The count and locale of a generated seed, checked (the CLI says the same with its flags' names). */
export function checkSeedRequest(count: number, locale: string, names = { count: 'count', locale: 'locale' }): void {
  if (!(SEED_LOCALES as readonly string[]).includes(locale)) throw new ValidationError(`${names.locale} is one of ${SEED_LOCALES.join(', ')}, not "${locale}"`);
  if (!Number.isSafeInteger(count) || count < 0) throw new ValidationError(`${names.count} is a whole number, not ${JSON.stringify(count)}`);
  if (count > MAX_SEED_COUNT) {
    throw new ValidationError(`${names.count} ${count.toLocaleString('en-US')} is more than ${MAX_SEED_COUNT.toLocaleString('en-US')}, the most seed writes (a store of ten million customers takes gigabytes)`);
  }
}
