/**
 * The writer's note: a small file beside the store (`<store>-writer`) saying which customers process holds
 * the write lock, so that a command that waited in vain can say who holds it. Written when a write
 * transaction starts, removed when it ends; a note left by a killed process is ignored (its pid is gone).
 * It holds the command's name and flag names only (see the CLI's describeCommand), never argument values,
 * which may be passwords (an SMTP URL).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface WriterNote {
  pid: number;
  command: string;
  since: string;
}

const notePath = (store: string) => `${store}-writer`;

export function writeWriterNote(store: string, command: string): void {
  const note: WriterNote = { pid: process.pid, command, since: new Date().toISOString() };
  try {
    // Created afresh, never written through what is there: a symlink planted in a shared folder would
    // lead the note onto another file. Whatever note is there is stale (this process holds the lock).
    rmSync(notePath(store), { force: true });
    writeFileSync(notePath(store), JSON.stringify(note), { mode: 0o600, flag: 'wx' });
  } catch {
    // The note only improves a message: a folder we cannot write to must not stop the write.
  }
}

export function removeWriterNote(store: string): void {
  if (readWriterNote(store)?.pid === process.pid) rmSync(notePath(store), { force: true });
}

/** The note of a process that is still running, if there is one. */
export function readWriterNote(store: string): WriterNote | undefined {
  let note: WriterNote;
  try {
    note = JSON.parse(readFileSync(notePath(store), 'utf8')) as WriterNote;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(note.pid) || typeof note.command !== 'string') return undefined;
  try {
    process.kill(note.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined; // no such process
  }
  return note;
}

/** "another customers process (pid 1234, `customers import --json`, since 10:02:03)", or less when no note says who. */
export function describeWriter(store: string): string {
  const note = readWriterNote(store);
  if (!note) return 'another process';
  const since = new Date(note.since);
  const time = Number.isNaN(since.getTime()) ? '' : `, since ${since.toTimeString().slice(0, 8)}`;
  return `another customers process (pid ${note.pid}, \`${note.command}\`${time})`;
}
