import { accessSync, chmodSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Bundled into dist/main.cjs (scripts/build.mjs): resolving better-sqlite3's dozen files from node_modules
// on every start cost ~5 ms. Only the compiled addon is loaded from the package, by path (nativeBinding).
import Database from 'better-sqlite3';
import { NotFoundError, StoreError } from '../common/errors.js';
import { foldText } from '../common/fold.js';
import { RESTORE_ADVICE } from './integrity.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { describeWriter, removeWriterNote, writeWriterNote } from './writer-note.js';

/** "CUST": marks a SQLite file as a customers store, so another program's database is never taken for one. */
const APPLICATION_ID = 0x43555354;

/** How long a writer waits for another process's write to finish before giving up (tests pass less: busyTimeoutMs). */
const BUSY_TIMEOUT_MS = 30_000;

export type Db = Database.Database;

/** The highest id a table with AUTOINCREMENT has ever given (0 for none): rows above it are new since. */
export function lastId(db: Db, table: 'customers' | 'orders'): number {
  return (db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(table) as number | undefined) ?? 0;
}

/** The compiled addon, where `npm ci` builds (or downloads) it. */
function nativeBinding(): string {
  // First where it is when customers is installed on its own (dist/../node_modules): resolving the package
  // through require.resolve, which reads package.json files on the way, was ~0.9 ms of every start.
  const beside = fileURLToPath(new URL('../node_modules/better-sqlite3/build/Release/better_sqlite3.node', import.meta.url));
  if (existsSync(beside)) return beside;
  let addon: string | undefined;
  try {
    const root = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
    addon = join(root, 'build', 'Release', 'better_sqlite3.node');
  } catch {
    // better-sqlite3 is not installed: said below
  }
  if (!addon || !existsSync(addon)) {
    throw new StoreError('the SQLite driver (better-sqlite3) is not built', ['Run npm ci (or npm rebuild better-sqlite3) in the customers folder.']);
  }
  return addon;
}

/**
 * Returned (not thrown) by the function of a write to roll the transaction back and still hand a result
 * back: a dry run does all the work, counts it, and keeps none of it.
 */
export class Rollback<T> {
  constructor(readonly result: T) {}
}

export interface Store {
  db: Db;
  path: string;
  /** The command line the history records for the operations written through this store (secrets removed). */
  commandLine: string;
  /** Whether writes record operations in the history (always, except where bench/ measures what that costs). */
  history: boolean;
  /**
   * Runs fn in a write transaction taken at once (BEGIN IMMEDIATE), so concurrent writers queue up.
   * Everything fn reads that the write depends on must be read inside fn. A throw or a Rollback undoes it all.
   */
  write<T>(fn: () => T | Rollback<T>): T;
  /** The same for work that awaits in between (an import reading its file): one transaction around it all. */
  writeAsync<T>(fn: () => Promise<T | Rollback<T>>): Promise<T>;
  close(): void;
}

export interface OpenStoreOptions {
  /**
   * What to do when the file is missing: fail (commands that only read), create it with its folder
   * (commands that write), or 'scratch': use an empty store in a temporary folder, removed on close, so
   * that a dry run checks everything and still creates nothing.
   */
  create: boolean | 'scratch';
  /** Told when the file was created, so the CLI can say where. */
  onCreate?: (path: string) => void;
  /** What is writing, for the writer's note (no argument values: they may hold passwords). */
  command?: string;
  /** The whole command line, secrets removed, for the history (a library caller may name itself). */
  commandLine?: string;
  /** false only to measure what recording the history costs (bench/): nothing written could be undone. */
  history?: boolean;
  /**
   * The command rolls back all it writes (a dry run): a store this user may only read is opened as a
   * private copy it may write, so the dry run still checks everything.
   */
  dryRun?: boolean;
  /**
   * false: writes leave no writer's note. For a process whose writes are each a few statements (serve): the
   * note's file writes were a fifth of a redeem's time, and no other process waits long behind such writes.
   */
  writerNote?: boolean;
  /** How long to wait for another writer; BUSY_TIMEOUT_MS unless a test wants a short wait. */
  busyTimeoutMs?: number;
  /**
   * Tests only: a pause between reading the store's application id and its tables, the moment where a
   * process creating the store could commit its schema (checkIdentity must read both from one snapshot).
   */
  pauseInIdentityMs?: number;
}

/** Opens (or creates) a store: the one way in, so every connection has the same settings and SQL functions. */
export function openStore(path: string, options: OpenStoreOptions): Store {
  if (options.create === 'scratch' && !existsSync(path)) return openScratchStore(options.commandLine);
  const created = ensureFile(path, options.create === true);
  const timeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  if (!canWrite(path)) return openReadOnly(path, timeout, Boolean(options.dryRun), options.commandLine);
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: true, nativeBinding: nativeBinding() });
  } catch (error) {
    throw storeError(path, error, timeout);
  }
  try {
    db.pragma(`busy_timeout = ${timeout}`);
    checkIdentity(db, path, options.pauseInIdentityMs);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Off while migrating (better-sqlite3 turns them on by default): a table rebuilt must not cascade.
    db.pragma('foreign_keys = OFF');
    migrate(db);
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
  } catch (error) {
    db.close();
    throw storeError(path, error, timeout);
  }
  if (created) options.onCreate?.(path);
  return storeOver(db, path, { command: options.command ?? 'customers', commandLine: options.commandLine, history: options.history, timeout, note: options.writerNote });
}

/**
 * Whether this user may write the store: the file, and the folder where SQLite keeps its -wal and -shm files
 * (unless both exist and are writable). A reader who may not must not create them: files of another owner
 * beside the store would make every later write of its owner fail.
 */
function canWrite(path: string): boolean {
  const writable = (p: string) => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (!writable(path)) return false;
  return writable(dirname(path)) || (writable(`${path}-wal`) && writable(`${path}-shm`));
}

/**
 * A store this user may only read. When its owner has it open (-wal and -shm exist) SQLite reads it in
 * place, creating nothing. Otherwise SQLite would create them beside the store, so a private copy is read
 * instead (the main file and its -wal, if one was left), removed on close. A dry run, which writes and rolls
 * back, always gets a private copy it may write (from a consistent snapshot of a store in use).
 */
function openReadOnly(path: string, timeout: number, dryRun: boolean, commandLine?: string): Store {
  const inPlace = existsSync(`${path}-wal`) && existsSync(`${path}-shm`);
  const dir = inPlace && !dryRun ? undefined : mkdtempSync(join(tmpdir(), 'customers-readonly-'));
  const cleanUp = () => dir && rmSync(dir, { recursive: true, force: true });
  const open = (file: string, readonly: boolean) => new Database(file, { readonly, fileMustExist: true, nativeBinding: nativeBinding() });
  let db: Db | undefined;
  try {
    if (dir) {
      const file = join(dir, 'store.db');
      if (inPlace) {
        const source = open(path, true);
        try {
          writeFileSync(file, source.serialize(), { mode: 0o600 });
        } finally {
          source.close();
        }
      } else {
        copyFileSync(path, file, constants.COPYFILE_FICLONE);
        if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${file}-wal`, constants.COPYFILE_FICLONE);
        // A copy keeps the mode of a store its owner made read-only (0444): ours must be writable, for a dry run.
        for (const copy of [file, `${file}-wal`]) if (existsSync(copy)) chmodSync(copy, 0o600);
      }
      db = open(file, false); // ours: SQLite may bring a copied -wal's changes in
    } else {
      db = open(path, true);
    }
    db.pragma(`busy_timeout = ${timeout}`);
    checkIdentity(db, path);
    if ((db.pragma('user_version', { simple: true }) as number) < SCHEMA_VERSION) {
      if (!dryRun) throw readOnlyError(path, 'upgrade it to this version of customers');
      db.pragma('foreign_keys = OFF');
      migrate(db);
    }
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
  } catch (error) {
    db?.close();
    cleanUp();
    throw storeError(path, error, timeout);
  }
  const store = storeOver(db, path, { command: '', commandLine, timeout, readOnly: !dryRun, note: false });
  return { ...store, close: () => (store.close(), cleanUp()) };
}

function readOnlyError(path: string, doing: string): StoreError {
  return new StoreError(`cannot ${doing}: ${path} is read-only for this user (the file or its folder is not writable)`, [
    'Run the command as the owner of the store, or ask them to give you write access to the file and its folder.',
  ]);
}

/** Statements kept per connection: the most recent ones, by their SQL. */
const STATEMENTS_KEPT = 256;

/**
 * Makes db.prepare keep what it prepared: a long-running process (serve) runs the same few statements
 * thousands of times, and preparing them again was a third of each request's time. A kept statement is
 * handed out reset to plain rows (callers set pluck or raw on it as they do on a new one); one that is
 * being iterated is never shared: a new one is prepared instead.
 */
function keepStatements(db: Db): void {
  const kept = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    if (!db.open) throw new StoreError('the store is closed: open it again to use it');
    const statement = kept.get(sql);
    if (statement && !statement.busy) {
      kept.delete(sql); // most recent last
      kept.set(sql, statement);
      if (statement.reader) statement.raw(false).pluck(false);
      return statement;
    }
    const fresh = prepare(sql);
    if (!statement) {
      kept.set(sql, fresh);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
    }
    return fresh;
  }) as Db['prepare'];
}

/** `note`: whether writes leave the writer's note beside the store (not for a private copy of it). */
function storeOver(
  db: Db,
  path: string,
  writer: { command: string; commandLine?: string; history?: boolean; timeout: number; readOnly?: boolean; note?: boolean },
): Store {
  const writable = () => {
    if (writer.readOnly) throw readOnlyError(path, 'change the store');
  };
  const note = writer.note ?? true;
  keepStatements(db);
  return {
    db,
    path,
    commandLine: writer.commandLine ?? writer.command,
    history: writer.history ?? true,
    write<T>(fn: () => T | Rollback<T>): T {
      writable();
      const outer = !db.inTransaction; // a write nested in another (a savepoint) leaves the note to the outer one
      try {
        return db.transaction(() => {
          if (outer && note) writeWriterNote(path, writer.command);
          const result = fn();
          if (result instanceof Rollback) throw result;
          return result;
        }).immediate();
      } catch (error) {
        if (error instanceof Rollback) return error.result as T;
        throw storeError(path, error, writer.timeout);
      } finally {
        if (outer && note) removeWriterNote(path);
      }
    },
    async writeAsync<T>(fn: () => Promise<T | Rollback<T>>): Promise<T> {
      writable();
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw storeError(path, error, writer.timeout);
      }
      if (note) writeWriterNote(path, writer.command);
      try {
        const result = await fn();
        if (result instanceof Rollback) {
          db.exec('ROLLBACK');
          return result.result;
        }
        db.exec('COMMIT');
        return result;
      } catch (error) {
        throw storeError(path, error, writer.timeout);
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
        if (note) removeWriterNote(path);
      }
    },
    close: () => db.close(),
  };
}

/** "database is locked" after the wait, said with who holds the store and what to do. */
function busyError(path: string, error: unknown, timeout: number): unknown {
  if ((error as { code?: string }).code !== 'SQLITE_BUSY') return error;
  const seconds = timeout >= 1000 ? `${Math.round(timeout / 1000)} s` : `${timeout} ms`;
  return new StoreError(`${path} is being written by ${describeWriter(path)}; gave up after waiting ${seconds}`, [
    'Wait for it to finish and run the command again.',
  ]);
}

function openScratchStore(commandLine?: string): Store {
  const dir = mkdtempSync(join(tmpdir(), 'customers-scratch-'));
  try {
    const store = openStore(join(dir, 'store.db'), { create: true, commandLine });
    return {
      ...store,
      close: () => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** SQL functions the queries use: `customers_fold(text)` folds case and accents, for sorting and searching. */
function registerFunctions(db: Db): void {
  db.function('customers_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldText(text) : text));
}

function ensureFile(path: string, create: boolean): boolean {
  if (existsSync(path)) {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new StoreError(`${path} is a folder, not a store file`, ['Pass --db with a file path.']);
    // A device or a pipe: SQLite would create its journal beside it (/dev/null-journal).
    if (!stat.isFile()) throw new StoreError(`${path} is not a store file: it is a device or a pipe`, ['Pass --db with the path of a customers store, or a new file name to create one.']);
    return false;
  }
  if (!create) {
    throw new NotFoundError(`no store at ${path}`, [
      'A command that writes (customers add, customers import) creates it; or point --db or CUSTOMERS_DB at an existing store.',
    ]);
  }
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StoreError(`cannot create the store ${path}: its folder is not writable by this user`, [
        'Pass --db (or set CUSTOMERS_DB) with a path in a folder of yours, or ask the folder\'s owner for write access.',
      ]);
    }
    if (code !== 'EEXIST') throw error;
    return false; // another process created it first
  }
  chmodSync(path, 0o600); // the umask may have taken bits away; 0600 is what we promise
  return true;
}

/** Refuses files that are not ours or were written by a newer version, before anything is written to them. */
function checkIdentity(db: Db, path: string, pauseMs = 0): void {
  // One read transaction: a process creating the store may commit its schema between two separate reads,
  // which would look like tables without our application id (another program's database).
  const { applicationId, version, tables } = db.transaction(() => {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (pauseMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
    return { applicationId, version, tables: db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number };
  })();
  if (applicationId !== APPLICATION_ID) {
    if (applicationId !== 0 || version !== 0 || tables > 0) {
      throw new StoreError(`${path} is an SQLite database of another program, not a customers store`, [
        'Pass --db with the path of a customers store, or a new file name to create one.',
      ]);
    }
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `${path} was written by a newer version of customers (schema ${version}; this version reads up to ${SCHEMA_VERSION})`,
      ['Upgrade customers to use this store; it has not been changed.'],
    );
  }
}

function migrate(db: Db): void {
  if ((db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Read again inside the write lock: another process may have migrated meanwhile.
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    // The result must hold the foreign keys that were not enforced while migrating.
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length) throw new StoreError(`the upgrade of this store would leave ${broken.length} broken references; it has not been changed`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** What went wrong with the store, said for its user: SQLite's codes turned into what happened and what to do. */
function storeError(path: string, error: unknown, timeout: number): Error {
  if (error instanceof StoreError || error instanceof NotFoundError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') {
    return new StoreError(`${path} is not a customers store: it is not an SQLite database`, [
      'Pass --db with the path of a customers store, or a new file name to create one.',
    ]);
  }
  if (code === 'SQLITE_CORRUPT') {
    return new StoreError(`${path} is damaged (SQLite reports corruption)`, [RESTORE_ADVICE]);
  }
  if (code === 'SQLITE_BUSY') return busyError(path, error, timeout) as Error;
  // A full disk, a file size limit or a failing disk: SQLite has rolled the transaction back.
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    const why = code === 'SQLITE_FULL' ? 'the disk is full' : `a read or write of the disk failed (${(error as Error).message}: full, over a size limit or failing)`;
    return new StoreError(`cannot write ${path}: ${why}; this command changed nothing`, [
      'Free space on the disk that holds the store (or raise the file size limit), then run the command again; customers db check tells whether the store is sound.',
    ]);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EPERM') {
    return new StoreError(`cannot open ${path}: permission denied (${(error as Error).message})`, [
      'Run the command as the owner of the store, ask them for access to the file and its folder, or pass --db with a store of yours.',
    ]);
  }
  return error as Error;
}
