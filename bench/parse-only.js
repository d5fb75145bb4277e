/**
 * How long csv-parse alone takes on the bench's Shopify file (read, decode, parse; no store):
 * the floor for an import that parses on the main thread. `node bench/parse-only.js [rows]`.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { fileURLToPath } from 'node:url';

const rows = Number(process.argv[2] ?? 1_000_000);
const file = fileURLToPath(new URL(`./data/shopify-${rows}.csv`, import.meta.url));
const started = process.hrtime.bigint();
let records = 0;
const parser = parse({ relax_column_count: true, skip_empty_lines: true, on_record: () => { records++; return null; } });
for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
}
parser.end();
await new Promise((r) => parser.on('end', r).resume());
console.log(`csv-parse alone: ${records.toLocaleString('en-US')} records in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s (run "npm run bench" first to make the file)`);
