/** Drives the built CLI through a real pseudo-terminal (node-pty), as a person at a keyboard would. */
import pty from 'node-pty';
import { BIN } from './spawn-cli.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][0-9A-B]|\u001b[=>]/g;

export interface PtySession {
  /** Waits until the screen output (ANSI codes removed) contains text. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  output(): string;
  exit: Promise<number>;
}

export const KEY = { enter: '\r', down: '\u001b[B', ctrlC: '\u0003', backspace: '\u007f' };

/** A session on a terminal `cols` wide (default 120), as at a person's keyboard. */
export function startPty(args: string[], env: Record<string, string> = {}, cols = 120): PtySession {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== 'CI')) as Record<string, string>;
  const child = pty.spawn(process.execPath, [BIN, ...args], {
    name: 'xterm',
    cols,
    rows: 40,
    env: { ...baseEnv, NO_COLOR: '1', ...env },
  });
  let raw = '';
  const waiters: (() => void)[] = [];
  child.onData((data) => {
    raw += data;
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  const output = () => raw.replace(ANSI, '');
  return {
    output,
    type: (keys) => child.write(keys),
    exit,
    waitFor(text, timeoutMs = 10_000) {
      const seen = () => (typeof text === 'string' ? output().includes(text) : text.test(output()));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(text)}; screen so far:\n${output()}`)), timeoutMs);
        const check = () => {
          if (seen()) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
