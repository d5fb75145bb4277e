/** Runs the built bin/customers.cjs as a separate process, the way users and scripts do. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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
  options: { input?: string; stdinFile?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<SpawnResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const argv = [BIN, ...args];
    const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
    // stdout and stderr are always pipes (a union of three spawn results loses that in its type: hence the ! below).
    // stdin: closed, fed `input` through a pipe, or a file opened on it (as a shell's < does).
    const fd = options.stdinFile === undefined ? undefined : openSync(options.stdinFile, 'r');
    const child =
      options.input !== undefined
        ? spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], env })
        : fd !== undefined
          ? spawn(process.execPath, argv, { stdio: [fd, 'pipe', 'pipe'], env })
          : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
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
