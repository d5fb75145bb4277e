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
  /** Continuation layout: the customer row above was rejected, so its further addresses go with it. */
  private orphaned = false;
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
      this.orphaned = false;
      return ready;
    }
    if (!this.pending) {
      if (this.orphaned) {
        this.skipped++;
        return [];
      }
      return { column: this.emailHeader, value: '', reason: 'a row without e-mail continues the customer above it, and there is none: give its e-mail' };
    }
    this.skipped++;
    if (row.defaultBilling && !this.pending.row.defaultBilling) this.pending = { ...this.pending, row: withAddressOf(this.pending.row, row) };
    return [];
  }

  /** A customer row was rejected: the rows without e-mail that follow it are its addresses, not kept either. */
  customerRejected(): RowEntry<Extra>[] {
    const ready = this.pending ? [this.pending] : [];
    this.pending = undefined;
    this.orphaned = true;
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
    if (!earlier || (entry.row.defaultBilling && !earlier.row.defaultBilling)) {
      this.chosen.set(email, { ...entry, row: withAddressOf({ email, columns: new Map() }, entry.row) });
    }
  }
}

/** `row` with the address fields of `address` in place of its own. */
function withAddressOf(row: RowValues, address: RowValues): RowValues {
  const columns = new Map(row.columns);
  for (const column of ADDRESS_COLUMNS) {
    if (address.columns.has(column)) columns.set(column, address.columns.get(column)!);
  }
  return { ...row, columns, defaultBilling: address.defaultBilling };
}
