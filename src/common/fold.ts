/**
 * Case and accent folding, as the search index does it (FTS5 `remove_diacritics`): "Hélène" -> "helene".
 * Used by searches read row by row, by text sorting (the `customers_fold` SQL function) and by look-ups of
 * country names, so that all three agree.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Case folding for names compared ignoring case (group names): "Équipe" and "équipe", "Straße" and "STRASSE",
 * a decomposed "é" and a composed one are the same name. Upper- then lower-casing applies Unicode's full
 * case mappings (ß -> SS -> ss, ﬁ -> FI -> fi), which lower-casing alone does not.
 */
export function foldCase(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}
