/**
 * How addresses, phones and VAT numbers look in each country `customers seed` writes: the formats faker
 * gets wrong or does not have. Faker's own phone numbers mix national and international forms (and, for
 * Italy, prefixes of other countries: "+68 800 ..."), its postal codes are any five digits ("00028" in
 * Spain, "98246" in France is Monaco), and its second address lines are odd ("Zimmer 546", "Esc. 806").
 *
 * Templates: `#` is a digit, `%` a digit other than 0, `!` a digit from 2 to 9, `@` a letter A to F.
 */
import type { SeedRandom } from './random.js';

export type SeedCountry = 'FR' | 'IT' | 'NL' | 'DE' | 'ES' | 'US';

/** Fills a template (see above) with random characters. */
export function fill(template: string, random: SeedRandom): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '#') out += random.below(10);
    else if (ch === '%') out += 1 + random.below(9);
    else if (ch === '!') out += 2 + random.below(8);
    else if (ch === '@') out += 'ABCDEF'[random.below(6)];
    else out += ch;
  }
  return out;
}

/** International form, grouped as the country writes its numbers; mobiles first (listed twice: likelier). */
export const PHONE_FORMATS: Record<SeedCountry, readonly string[]> = {
  FR: ['+33 6 ## ## ## ##', '+33 6 ## ## ## ##', '+33 7 ## ## ## ##', '+33 1 ## ## ## ##', '+33 4 ## ## ## ##', '+33 5 ## ## ## ##'],
  IT: ['+39 34% ### ####', '+39 33% ### ####', '+39 32% ### ####', '+39 39% ### ####', '+39 06 #### ####', '+39 02 #### ####'],
  NL: ['+31 6 %#######', '+31 6 %#######', '+31 6 %#######', '+31 20 %## ####', '+31 10 %## ####', '+31 30 %## ####'],
  DE: ['+49 151 %#######', '+49 160 %######', '+49 170 %#######', '+49 176 %#######', '+49 30 %#######', '+49 89 %#######'],
  ES: ['+34 6## ### ###', '+34 6## ### ###', '+34 7%# ### ###', '+34 91# ### ###', '+34 93# ### ###', '+34 96# ### ###'],
  // Area codes and exchanges never start with 0 or 1 (North American Numbering Plan).
  US: ['+1 !## !##-####'],
};

/** Second address lines, as customers type them. */
export const STREET2_FORMATS: Record<SeedCountry, readonly string[]> = {
  FR: ['Bât. @', 'Apt %#', '%e étage', 'Escalier @'],
  IT: ['Scala @', 'Interno %', 'Piano %', 'Int. %#'],
  NL: ['Appartement %#', '%e verdieping'],
  DE: ['%. OG', 'Hinterhaus', 'Aufgang @', 'Whg. %#'],
  ES: ['%º @', '%º %ª', 'Escalera @, %º'],
  US: ['Apt %#', 'Suite %##', 'Unit %@', 'Apt %@'],
};

/** VAT numbers in each country's shape (US: an employer identification number). */
export const TAX_ID_FORMATS: Record<SeedCountry, string> = {
  FR: 'FR##%########',
  IT: 'IT###########',
  NL: 'NL%########B0%',
  DE: 'DE%########',
  ES: 'ESB########',
  US: '%#-#######',
};

/** Spain's provinces, in the order of their number, which is the first two digits of their postal codes. */
const ES_PROVINCES = [
  'Álava', 'Albacete', 'Alicante', 'Almería', 'Ávila', 'Badajoz', 'Baleares', 'Barcelona', 'Burgos', 'Cáceres',
  'Cádiz', 'Castellón', 'Ciudad Real', 'Córdoba', 'A Coruña', 'Cuenca', 'Girona', 'Granada', 'Guadalajara', 'Gipuzkoa',
  'Huelva', 'Huesca', 'Jaén', 'León', 'Lleida', 'La Rioja', 'Lugo', 'Madrid', 'Málaga', 'Murcia',
  'Navarra', 'Ourense', 'Asturias', 'Palencia', 'Las Palmas', 'Pontevedra', 'Salamanca', 'Santa Cruz de Tenerife', 'Cantabria', 'Segovia',
  'Sevilla', 'Soria', 'Tarragona', 'Teruel', 'Toledo', 'Valencia', 'Valladolid', 'Bizkaia', 'Zamora', 'Zaragoza',
  'Ceuta', 'Melilla',
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const DUTCH_LETTERS = 'ABCDEFGHJKLMNPRSTVWXZ';

/** Letters of a Dutch postal code: never SA, SD or SS, which PostNL does not issue. */
function dutchLetters(random: SeedRandom): string {
  for (;;) {
    const pair = DUTCH_LETTERS[random.below(DUTCH_LETTERS.length)] + DUTCH_LETTERS[random.below(DUTCH_LETTERS.length)];
    if (pair !== 'SA' && pair !== 'SD' && pair !== 'SS') return pair;
  }
}

/** A Spanish postal code and its province, which the code's first two digits name. */
export function spanishPostalCode(random: SeedRandom): { region: string; postal_code: string } {
  const province = random.below(ES_PROVINCES.length);
  return { region: ES_PROVINCES[province], postal_code: pad(province + 1, 2) + pad(random.below(1000), 3) };
}

/** A postal code of FR (department 01 to 95), DE, IT or NL; Spain and the US go with their region. */
export function postalCode(country: 'FR' | 'DE' | 'IT' | 'NL', random: SeedRandom): string {
  switch (country) {
    case 'FR':
      return pad(random.between(1, 95), 2) + pad(random.below(1000), 3);
    case 'DE':
      return pad(random.between(1067, 99998), 5);
    case 'IT':
      return pad(random.between(10, 98168), 5);
    case 'NL':
      return `${random.between(1000, 9999)} ${dutchLetters(random)}`;
  }
}
