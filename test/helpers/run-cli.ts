/** Runs main() in-process with streams the test controls, and a temporary store per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface RunOptions {
  stdin?: string;
  /** Pretend stdin and stdout are terminals. */
  tty?: boolean;
  env?: Record<string, string | undefined>;
  now?: Date;
  /** The terminal's width (default 120). */
  columns?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(isTTY: boolean, columns = 120): PassThrough & { isTTY: boolean; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; text: () => string; columns: number };
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  stream.isTTY = isTTY;
  stream.columns = columns;
  stream.text = () => chunks.join('');
  return stream;
}

export async function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as Readable & { isTTY?: boolean };
  stdin.isTTY = Boolean(options.tty);
  const stdout = sink(Boolean(options.tty), options.columns);
  const stderr = sink(Boolean(options.tty));
  const io: Io = {
    stdin,
    stdout,
    stderr,
    env: { HOME: '/nonexistent-home', ...options.env },
    now: () => options.now ?? new Date('2026-03-01T10:00:00Z'),
  };
  const code = await main(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A folder removed when the test finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'customers-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A CLI bound to a fresh store in its own temporary folder: `cli('list', '--json')`. */
export function storeCli(): { db: string; dir: string; cli: (...args: (string | RunOptions)[]) => Promise<RunResult> } {
  const dir = tempDir();
  const db = join(dir, 'store.db');
  const cli = (...args: (string | RunOptions)[]) => {
    const opts = (typeof args[args.length - 1] === 'object' ? args.pop() : {}) as RunOptions;
    return runCli(['--db', db, ...(args as string[])], opts);
  };
  return { db, dir, cli };
}

/** Parses JSON output, failing the test with the CLI's stderr when the command failed. */
export function json<T = unknown>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
