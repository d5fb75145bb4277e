/**
 * Case and accent folding, as the search index does it (FTS5 `remove_diacritics`): "Hélène" -> "helene".
 * Used by searches read row by row, by text sorting (the `customers_fold` SQL function) and by look-ups of
 * country names, so that all three agree.
 */
export function foldText(text: string): string {
  // ASCII has nothing to decompose: lower-casing is the whole fold, at a fifth of the cost (a sort by name
  // folds two texts of each of a million customers).
  return ASCII.test(text) ? text.toLowerCase() : text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Case folding for names compared ignoring case (group names, tags): "Équipe" and "équipe", "Straße" and
 * "STRASSE", a decomposed "é" and a composed one, a fullwidth "Ｖｉｐ" and "vip" are the same name. NFKC first
 * brings compatibility forms (fullwidth letters, ligatures) to their plain ones; upper- then lower-casing
 * applies Unicode's full case mappings (ß -> SS -> ss), which lower-casing alone does not.
 */
export function foldCase(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
