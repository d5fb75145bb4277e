/**
 * Case and accent folding, as the search index does it (FTS5 `remove_diacritics`): "Hélène" -> "helene".
 * Used by searches read row by row, by text sorting (the `customers_fold` SQL function) and by look-ups of
 * country names, so that all three agree.
 */
export function foldText(text: string): string {
  // ASCII has nothing to decompose: lower-casing is the whole fold, at a fifth of the cost (a sort by name
  // folds two texts of each of a million customers).
  if (ASCII.test(text)) return text.toLowerCase();
  // Composed again once the marks are gone: NFD splits a Korean syllable into letters, which the index (that
  // keeps syllables) would never find. The index also folds the variant letters a word's end or an old spelling
  // uses (a final sigma, a long s, the micro sign): so does this, or an "ΟΔΥΣ" typed in capitals finds nothing.
  return text.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').toLowerCase().replace(/[ςſµ]/g, (c) => VARIANTS[c]);
}

const ASCII = /^[\x00-\x7f]*$/;
const VARIANTS: Record<string, string> = { ς: 'σ', ſ: 's', µ: 'μ' };

/**
 * Case folding for names compared ignoring case (group names, tags): "Équipe" and "équipe", "Straße" and
 * "STRASSE", a decomposed "é" and a composed one, a fullwidth "Ｖｉｐ" and "vip" are the same name. NFKC first
 * brings compatibility forms (fullwidth letters, ligatures) to their plain ones; upper- then lower-casing
 * applies Unicode's full case mappings (ß -> SS -> ss), which lower-casing alone does not.
 */
export function foldCase(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
