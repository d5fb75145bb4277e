/**
 * Orders export: streams the orders a query selects in a preset's layout (order-presets.ts), one row per
 * order, guarded against formulas as the customer export is; `orders import` reads each layout back.
 */
import type { Db } from '../../store/open.js';
import { listOrders, type OrderQuery } from '../orders.js';
import { CsvWriter } from './export.js';
import { ORDER_PRESETS, type OrderPresetName } from './order-presets.js';

export interface OrderExportOptions {
  preset: OrderPresetName;
  delimiter: string;
  bom: boolean;
}

/** Writes the CSV in chunks through `write`; returns how many orders it wrote. */
export async function exportOrders(db: Db, query: OrderQuery, options: OrderExportOptions, write: (chunk: string) => void | Promise<void>): Promise<number> {
  const columns = ORDER_PRESETS[options.preset].export;
  const out = new CsvWriter({ ...options, header: true }, columns.map((c) => c.header), write);
  let count = 0;
  for (const order of listOrders(db, query)) {
    await out.row(columns.length, (i) => columns[i].value(order));
    count++;
  }
  await out.end();
  return count;
}
