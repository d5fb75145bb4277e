import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
// Bundled into dist/main.cjs (scripts/build.mjs): resolving better-sqlite3's dozen files from node_modules
// on every start cost ~5 ms. Only the compiled addon is loaded from the package, by path (nativeBinding).
import Database from 'better-sqlite3';
import { NotFoundError, StoreError } from '../common/errors.js';
import { foldText } from '../common/fold.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

/** "CUST": marks a SQLite file as a customers store, so another program's database is never taken for one. */
const APPLICATION_ID = 0x43555354;

/** How long a writer waits for another process's write to finish before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

export type Db = Database.Database;

/** The compiled addon, where `npm ci` builds (or downloads) it. */
function nativeBinding(): string {
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
}

/** Opens (or creates) a store: the one way in, so every connection has the same settings and SQL functions. */
export function openStore(path: string, options: OpenStoreOptions): Store {
  if (options.create === 'scratch' && !existsSync(path)) return openScratchStore();
  const created = ensureFile(path, options.create === true);
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: true, nativeBinding: nativeBinding() });
  } catch (error) {
    throw storeError(path, error);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    checkIdentity(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Off while migrating (better-sqlite3 turns them on by default): a table rebuilt must not cascade.
    db.pragma('foreign_keys = OFF');
    migrate(db);
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
  } catch (error) {
    db.close();
    throw storeError(path, error);
  }
  if (created) options.onCreate?.(path);
  return storeOver(db, path);
}

function storeOver(db: Db, path: string): Store {
  return {
    db,
    path,
    write<T>(fn: () => T | Rollback<T>): T {
      try {
        return db.transaction(() => {
          const result = fn();
          if (result instanceof Rollback) throw result;
          return result;
        }).immediate();
      } catch (error) {
        if (error instanceof Rollback) return error.result as T;
        throw error;
      }
    },
    async writeAsync<T>(fn: () => Promise<T | Rollback<T>>): Promise<T> {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        if (result instanceof Rollback) {
          db.exec('ROLLBACK');
          return result.result;
        }
        db.exec('COMMIT');
        return result;
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
      }
    },
    close: () => db.close(),
  };
}

function openScratchStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'customers-scratch-'));
  try {
    const store = openStore(join(dir, 'store.db'), { create: true });
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
    if (statSync(path).isDirectory()) throw new StoreError(`${path} is a folder, not a store file`, ['Pass --db with a file path.']);
    return false;
  }
  if (!create) {
    throw new NotFoundError(`no store at ${path}`, [
      'A command that writes (customers add, customers import) creates it; or point --db or CUSTOMERS_DB at an existing store.',
    ]);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false; // another process created it first
  }
  chmodSync(path, 0o600); // the umask may have taken bits away; 0600 is what we promise
  return true;
}

/** Refuses files that are not ours or were written by a newer version, before anything is written to them. */
function checkIdentity(db: Db, path: string): void {
  // One read transaction: a process creating the store may commit its schema between two separate reads,
  // which would look like tables without our application id (another program's database).
  const { applicationId, version, tables } = db.transaction(() => ({
    applicationId: db.pragma('application_id', { simple: true }) as number,
    version: db.pragma('user_version', { simple: true }) as number,
    tables: db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number,
  }))();
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

function storeError(path: string, error: unknown): Error {
  if (error instanceof StoreError || error instanceof NotFoundError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') {
    return new StoreError(`${path} is not a customers store: it is not an SQLite database`, [
      'Pass --db with the path of a customers store, or a new file name to create one.',
    ]);
  }
  if (code === 'SQLITE_CORRUPT') {
    return new StoreError(`${path} is damaged (SQLite reports corruption)`, ['Restore it from a backup (customers db backup).']);
  }
  if (code === 'SQLITE_BUSY') {
    return new StoreError(`${path} is locked by another process that has been writing for over ${BUSY_TIMEOUT_MS / 1000} s`, [
      'Wait for it to finish and run the command again.',
    ]);
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'EACCES') {
    return new StoreError(`cannot open ${path} for writing (${(error as Error).message})`, ['Check the file and folder permissions.']);
  }
  return error as Error;
}
