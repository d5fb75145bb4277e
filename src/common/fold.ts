/**
 * Case and accent folding, as the search index does it (FTS5 `remove_diacritics`): "Hélène" -> "helene".
 * Used by searches read row by row, by text sorting (the `customers_fold` SQL function) and by look-ups of
 * country names, so that all three agree.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
