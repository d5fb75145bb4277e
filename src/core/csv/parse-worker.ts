/**
 * Worker thread: reads and parses a CSV file (readRecords) and hands the records to the main thread in
 * batches, at most three ahead of what the main thread has acknowledged, so memory stays flat.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { CsvSyntaxError, type ReadOptions, readRecords } from './read.js';

const { file, options } = workerData as { file: string; options: ReadOptions };
const port = parentPort!;
const AHEAD = 2;
let unacknowledged = 0;
let resume: (() => void) | undefined;

port.on('message', () => {
  unacknowledged--;
  resume?.();
});

async function run(): Promise<void> {
  try {
    for await (const batch of readRecords(createReadStream(file, { highWaterMark: 1 << 18 }), options)) {
      port.postMessage({ type: 'batch', batch });
      if (++unacknowledged >= AHEAD) await new Promise<void>((r) => (resume = r));
    }
    port.postMessage({ type: 'end' });
  } catch (error) {
    const e = error as Error & { details?: string[] };
    const span = error instanceof CsvSyntaxError ? [error.fromLine, error.toLine] : undefined;
    const atEnd = error instanceof CsvSyntaxError && error.atEnd;
    port.postMessage({ type: 'error', error: { name: e.name, message: e.message, details: e.details ?? [], span, atEnd } });
  }
}

void run();
