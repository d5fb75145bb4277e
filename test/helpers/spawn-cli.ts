/** Runs the built bin/customers.cjs as a separate process, the way users and scripts do. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/customers.cjs', import.meta.url));

export interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Spawns the CLI with stdin closed (or fed `input`), no terminal anywhere; kills it after `timeoutMs`.
 * An `env` entry set to undefined removes that variable.
 */
export function spawnCli(
  args: string[],
  options: { input?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<SpawnResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const argv = [BIN, ...args];
    const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
    // Two literal stdio tuples, so the types know stdout and stderr are pipes (one computed tuple would not say).
    const child =
      options.input === undefined
        ? spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env })
        : spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // stdin is a pipe only when there is input to feed.
    child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
