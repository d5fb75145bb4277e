/** The files of fixtures/, imported into a fresh store through the CLI. */
import { join } from 'node:path';
import { json, storeCli } from './run-cli.js';

export const fixture = (name: string) => join(__dirname, '..', '..', 'fixtures', name);

export type Customer = Record<string, unknown>;

/** Imports a fixture (with --json and any other flags) into a fresh store: the summary and the customers after it. */
export async function importFixture(file: string, ...args: string[]) {
  const s = storeCli();
  const r = await s.cli('import', fixture(file), '--json', ...args);
  const list = r.code === 0 ? json<Customer[]>(await s.cli('list', '--json')) : [];
  const byEmail = (e: string) => list.find((c) => c.email === e);
  return { ...s, r, summary: r.stdout ? JSON.parse(r.stdout) : undefined, list, byEmail };
}
