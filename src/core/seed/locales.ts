/** The locales of `seed --count`, apart from the generator so that naming them in help loads no generator. */
export const SEED_LOCALES = ['en', 'fr', 'it', 'nl', 'de', 'es', 'mix'] as const;
export type SeedLocale = (typeof SEED_LOCALES)[number];
