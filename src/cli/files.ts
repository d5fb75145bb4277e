/**
 * Files named on the command line: an input that cannot be read, or an output that cannot be written, is a
 * usage error (exit 2) said before any work starts, the same for every command.
 */
import { accessSync, constants, createWriteStream, existsSync, fchmodSync, fstatSync, lstatSync, openSync, realpathSync, rmSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConflictError, CustomersError, UsageError } from '../common/errors.js';
import { describeFsError } from '../common/fs-errors.js';

/** Checks that an input file can be read; returns its size. */
export function checkInputFile(path: string): { size: number } {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(error)}`);
  }
  if (stat.isDirectory()) throw new UsageError(`cannot read ${path}: it is a folder, not a file`);
  return { size: stat.size };
}

/**
 * Checks now that a file could be written, without creating it (it is opened only once there is something
 * to write): its folder exists and is writable, and it is not a folder.
 */
export function checkOutputFile(path: string): void {
  let why: string | undefined;
  try {
    if (existsSync(path) && statSync(path).isDirectory()) why = 'it is a folder';
    else accessSync(existsSync(path) ? path : dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    why = describeWriteError(error, path);
  }
  if (why) throw new UsageError(`cannot write ${path}: ${why}`);
}

/**
 * Refuses to replace a file that exists unless --force was given (export, orders export, db backup, an
 * import's --errors): standard output, a FIFO or a device is written into as before, with nothing replaced.
 */
export function checkReplacing(path: string, force: boolean | undefined): void {
  if (force || path === '-') return;
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (stat.isFile()) throw new ConflictError(`${path} already exists`, ['Pass --force to replace it, or name another file.']);
}

/**
 * The checks of a file a command writes its output to (export, orders export), made before any work: it can
 * be written, it is not the store, and an existing file is replaced only with --force. `-` is standard output.
 */
export function checkOutputTarget(path: string, storePath: string, force: boolean | undefined): void {
  if (path === '-') return;
  checkOutputFile(path);
  checkNotClobbering(path, [{ path: storePath, what: 'the store' }]);
  checkReplacing(path, force);
}

/** A path as the file system resolves it (symlinks followed), also for a file not created yet. */
function realPath(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

/**
 * The file a write to `path` should replace: a symlink's target (so an export through a link updates the
 * file it leads to, as writing through it would, instead of replacing the link by a file).
 */
export function replacedFile(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realPath(path) : path;
  } catch {
    return path;
  }
}

/** A file the command reads or keeps: by path, or by an open descriptor (standard input redirected from a file). */
export type KeptFile = { what: string } & ({ path: string } | { fd: number });

/**
 * Refuses an output that is one of the files the command reads or keeps: the input, the store or its
 * -wal/-shm files (writing there would destroy them before, or while, they are read). Compared by path after
 * symlinks, and for files that exist by device and inode (hard links, standard input).
 */
export function checkNotClobbering(output: string, kept: KeptFile[]): void {
  const target = realPath(output);
  const targetId = fileId(() => statSync(output));
  // SQLite keeps the journal beside the file a symlinked store path leads to: both names are the journal's.
  const journals = (store: string) =>
    [...new Set([store, realPath(store)])].flatMap((p) => [`${p}-wal`, `${p}-shm`]).map((path) => ({ path, what: "the store's journal" }));
  const named = kept.flatMap((k) => ('path' in k && k.what === 'the store' ? [k, ...journals(k.path)] : [k]));
  const hit = named.find((k) => {
    const id = fileId(() => ('path' in k ? statSync(k.path) : fstatSync(k.fd)));
    return ('path' in k && realPath(k.path) === target) || (id !== undefined && id === targetId);
  });
  if (hit) throw new UsageError(`cannot write ${output}: it is ${hit.what}`, ['Name another file.']);
}

/** A regular file's device and inode, or undefined (no such file, a pipe, a terminal). */
function fileId(stat: () => Stats): string | undefined {
  try {
    const s = stat();
    return s.isFile() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** A FIFO, a terminal or /dev/stdout: written to directly, never replaced by a file of the same name. */
export function isSpecialFile(path: string): boolean {
  try {
    const stat = statSync(path);
    return !stat.isFile() && !stat.isDirectory();
  } catch {
    return false;
  }
}

/** A file being written: its stream, and the first error writing it met (a full disk), if any. */
export type OutputStream = ReturnType<typeof createWriteStream> & { failure?: Error };

/**
 * Opens a file for writing now, so a bad path is a clear error before any work (not a crash later). Only its
 * owner may read it, from the first byte (it holds customer data), also when it existed with another mode.
 * A write error is kept on the stream for writeWithBackpressure and the end, never an unhandled event.
 */
export function openForWriting(path: string, shownAs: string = path, options: { exclusive?: boolean } = {}): OutputStream {
  let fd: number;
  try {
    // exclusive: a file only this process creates (a temporary name), never one planted there, nor a symlink.
    fd = openSync(path, options.exclusive ? 'wx' : 'w', 0o600);
    if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`cannot write ${shownAs}: ${path} is already there (the file it is first written to, then renamed); remove it`);
    }
    throw new UsageError(`cannot write ${shownAs}: ${describeWriteError(error, path)}`);
  }
  const stream: OutputStream = createWriteStream('', { fd });
  stream.on('error', (error) => (stream.failure ??= new CustomersError(`cannot write ${shownAs}: ${describeFsError(error)}`)));
  return stream;
}

/** Ends a file being written; rejects with the first error writing it met. */
export function finishWriting(out: OutputStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.failure) return reject(out.failure);
    out.end((error?: Error | null) => {
      if (!error) return out.failure ? reject(out.failure) : resolve();
      // The write error that destroyed the stream may be emitted just after this callback: wait for it.
      setImmediate(() => {
        if (!out.failure) out.emit('error', error);
        reject(out.failure);
      });
    });
  });
}

/** Why a file cannot be written: a missing path means a missing folder, which is named. */
function describeWriteError(error: unknown, path: string): string {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return describeFsError(error);
  return `the folder ${dirname(resolve(path))} does not exist; create it first, or name a file in a folder that exists`;
}

export async function writeWithBackpressure(out: NodeJS.WritableStream & { failure?: Error }, chunk: string): Promise<void> {
  if (out.failure) throw out.failure;
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', done);
      out.off('error', done);
      if (error) reject(out.failure ?? error);
      else resolve();
    };
    out.on('drain', done);
    out.on('error', done);
  });
}

/** Files half written (a partial export, a backup, an --errors file): removed if the process is interrupted. */
const halfWritten = new Set<string>();
let listening = false;

/**
 * Removes the file if SIGINT or SIGTERM ends the process while it is written (which then dies of the signal
 * as it would have); the returned function says it is complete.
 */
export function removeIfInterrupted(path: string): () => void {
  listen();
  halfWritten.add(path);
  return () => {
    halfWritten.delete(path);
  };
}

/** What a first SIGINT does instead of ending the process, while a command can wind down by itself. */
let cancel: (() => void) | undefined;

/**
 * Until the returned function is called, a first SIGINT (Ctrl-C) calls `onCancel`, and the command winds
 * down by itself (an import rolls back, removes what it half wrote and says so); a second one ends the
 * process as before.
 */
export function cancelOnInterrupt(onCancel: () => void): () => void {
  listen();
  cancel = onCancel;
  return () => {
    if (cancel === onCancel) cancel = undefined;
  };
}

function listen(): void {
  if (listening) return;
  listening = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  if (signal === 'SIGINT' && cancel) {
    const onCancel = cancel;
    cancel = undefined;
    onCancel();
    return;
  }
  for (const path of halfWritten) rmSync(path, { force: true });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}
