/** cli-table3's own measure of a cell (columns on a terminal: wide characters 2, combining marks 0, colour codes 0), used to size its columns. */
declare module 'cli-table3/src/utils.js' {
  export function strlen(text: string): number;
}
