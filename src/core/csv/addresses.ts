/**
 * Files that give a customer several addresses, of which the store keeps one: Magento's customers-and-
 * addresses file (a row with an empty e-mail carries another address of the customer above it) and the
 * address files of Magento and PrestaShop (a row per address, naming its customer by e-mail). The address
 * kept is the one marked default billing, else the first; the others are counted as skipped. The choice is
 * made before anything is written, so that a re-import of the same file reports its customers unchanged.
 * An address row sets only the address fields: never the customer's own name.
 */
import { ADDRESS_COLUMNS } from '../fields.js';
import type { Problem, RowValues } from './columns.js';
import type { AddressLayout } from './presets.js';

/** A row read and checked, waiting to be written. */
export interface RowEntry<Extra> {
  line: number;
  record: readonly string[];
  row: RowValues;
  extra: Extra;
}

export class AddressRows<Extra> {
  /** Continuation layout: the customer row being read, with the address chosen so far. */
  private pending: RowEntry<Extra> | undefined;
  /** Continuation layout: the line of the customer row above, if it was rejected (its further addresses go with it). */
  private rejectedLine: number | undefined;
  /** File layout: the address chosen for each customer, by e-mail, in the order of the file. */
  private readonly chosen = new Map<string, RowEntry<Extra>>();
  /** Address rows not kept: further addresses of a customer, addresses of no customer. */
  skipped = 0;

  constructor(private readonly layout: AddressLayout, private readonly emailHeader: string) {}

  /** Takes a checked row; returns the rows now ready to be written, or the row's problem. */
  take(entry: RowEntry<Extra>): RowEntry<Extra>[] | Problem {
    const row = entry.row;
    if (this.layout === 'file') {
      this.chooseFromFile(entry);
      return [];
    }
    if (row.email !== undefined) {
      const ready = this.pending ? [this.pending] : [];
      this.pending = entry;
      this.rejectedLine = undefined;
      return ready;
    }
    if (!this.pending) {
      const reason = this.rejectedLine === undefined
        ? 'a row without e-mail continues the customer above it, and there is none: give its e-mail'
        : `another address of the customer on line ${this.rejectedLine}, which was rejected: fix that row and import both again`;
      return { column: this.emailHeader, value: '', reason };
    }
    this.skipped++;
    if (preferred(row, this.pending.row)) this.pending = { ...this.pending, row: withAddressOf(this.pending.row, row) };
    return [];
  }

  /** The customer row on `line` was rejected: the rows without e-mail that follow it are its addresses, rejected with it. */
  customerRejected(line: number): RowEntry<Extra>[] {
    const ready = this.pending ? [this.pending] : [];
    this.pending = undefined;
    this.rejectedLine = line;
    return ready;
  }

  /** The rows still waiting, at the end of the file. */
  finish(): RowEntry<Extra>[] {
    const ready = this.layout === 'file' ? [...this.chosen.values()] : this.pending ? [this.pending] : [];
    this.pending = undefined;
    this.chosen.clear();
    return ready;
  }

  private chooseFromFile(entry: RowEntry<Extra>): void {
    const email = entry.row.email;
    // PrestaShop's file also holds the addresses of suppliers and brands, which have no e-mail.
    if (email === undefined) {
      this.skipped++;
      return;
    }
    const earlier = this.chosen.get(email);
    if (earlier) this.skipped++;
    if (!earlier || preferred(entry.row, earlier.row)) {
      this.chosen.set(email, { ...entry, row: withAddressOf({ email, columns: new Map() }, entry.row) });
    }
  }
}

/** Whether another address of a customer replaces the one kept so far: it is the default billing one, or that one is empty. */
function preferred(address: RowValues, kept: RowValues): boolean {
  if (!hasAddress(address)) return false;
  return !hasAddress(kept) || (address.defaultBilling === true && !kept.defaultBilling);
}

function hasAddress(row: RowValues): boolean {
  return ADDRESS_COLUMNS.some((c) => !KEPT_WHEN_EMPTY.has(c) && row.columns.get(c) != null);
}

/** An address without a phone or a company leaves the customer's (they are the customer's as much as the address's). */
const KEPT_WHEN_EMPTY: ReadonlySet<string> = new Set(['phone', 'company']);

/** `row` with the address fields of `address` in place of its own. */
function withAddressOf(row: RowValues, address: RowValues): RowValues {
  const columns = new Map(row.columns);
  for (const column of ADDRESS_COLUMNS) {
    const value = address.columns.get(column);
    if (!address.columns.has(column) || (value == null && KEPT_WHEN_EMPTY.has(column))) continue;
    columns.set(column, value!);
  }
  return { ...row, columns, defaultBilling: address.defaultBilling };
}
