/**
 * The process's streams and environment, and what follows from them: colour level, whether a prompt
 * may be shown. Everything else receives an Io, so tests can run main() with their own.
 */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface Io {
  stdin: InStream;
  stdout: OutStream & NodeJS.WritableStream;
  stderr: OutStream & NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
}

/** A stream's width in columns when it is a terminal; undefined for a file or a pipe. */
export function terminalColumns(stream: OutStream): number | undefined {
  return (stream.isTTY && stream.columns) || undefined;
}

/** The real process. Streams are looked up only when used: creating process.stdin alone costs milliseconds. */
export function processIo(): Io {
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    now: () => new Date(),
  };
}

/** chalk's level (0 none, 1 basic, 2 256 colours, 3 true colour) for a stream, after NO_COLOR, --no-color and FORCE_COLOR. */
export function colorLevel(stream: OutStream, env: Record<string, string | undefined>, colorFlag: boolean): 0 | 1 | 2 | 3 {
  if (!colorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  return env.TERM?.includes('256') ? 2 : 1;
}
