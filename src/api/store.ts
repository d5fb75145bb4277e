/**
 * The library: one store file, the CLI's operations as methods, the same rules (the CLI and `customers serve`
 * are its clients). Every method runs synchronously on the caller's thread except those that read or write
 * files (import, export, seed --count), which return promises.
 */
import { CUSTOMER_FIELDS } from '../core/fields.js';
import { type CustomerChanges, createCustomer, editCustomer, getCustomer, listCustomers, countCustomers, resolveRef } from '../core/customers.js';
import { deleteCustomers } from '../core/bulk.js';
import { createGroup, deleteGroup, groupIdByName, listGroups, renameGroup, type GroupRow } from '../core/groups.js';
import { ValidationError } from '../common/errors.js';
import { openStore as openCoreStore, type Store } from '../store/open.js';
import { resolveStorePath } from '../store/path.js';
import { normalizeGroupName } from '../core/values.js';
import { LoginLinks } from './login-links.js';
import { fieldsOf, objectOf, optionalFlag, optionalText, refOf, textOf } from './input.js';
import { filterOf } from './query.js';
import { CsvFiles, Seeding } from './csv.js';
import type { Customer, CustomerChangesInput, CustomerFields, CustomerQuery, CustomerRef, ListOptions, WriteOptions } from './types.js';

export interface OpenOptions {
  /** Create the store (mode 0600, with its folder) when the file is missing; default true. false: NOT_FOUND. */
  create?: boolean;
  /** The clock every operation reads; tests pin it. Default: the system clock. */
  now?: () => Date;
  /** What the history records as the command of this program's operations; default "customers (library)". */
  commandLine?: string;
  /** How long a write waits for another process's write before failing; default 30 s. */
  busyTimeoutMs?: number;
}

/**
 * Opens a store: the file given, else $CUSTOMERS_DB, else the CLI's default place. Close it when done
 * (or use `withStore`). The same file may be open in other processes (the CLI, `customers serve`) at once:
 * writes queue up, and a login link is redeemed by exactly one of them.
 */
export function openStore(path?: string, options: OpenOptions = {}): CustomerStore {
  const file = resolveStorePath(path, process.env);
  const store = openCoreStore(file, {
    create: options.create ?? true,
    command: 'customers (library)',
    commandLine: options.commandLine ?? 'customers (library)',
    busyTimeoutMs: options.busyTimeoutMs,
  });
  return new CustomerStore(store, options.now ?? (() => new Date()));
}

/** Opens the store, runs fn with it, and closes it whatever happens. */
export async function withStore<T>(path: string | undefined, fn: (store: CustomerStore) => T | Promise<T>, options?: OpenOptions): Promise<T> {
  const store = openStore(path, options);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

export class CustomerStore {
  readonly customers: Customers;
  readonly groups: Groups;
  readonly loginLinks: LoginLinks;
  readonly csv: CsvFiles;
  readonly seed: Seeding;

  /** @internal Wraps a store the CLI opened; programs use openStore. */
  constructor(
    /** @internal */ readonly store: Store,
    /** @internal */ readonly now: () => Date,
  ) {
    this.customers = new Customers(store, now);
    this.groups = new Groups(store, now);
    this.loginLinks = new LoginLinks(store, now);
    this.csv = new CsvFiles(store, now);
    this.seed = new Seeding(store, now);
  }

  /** The store file's path. */
  get path(): string {
    return this.store.path;
  }

  close(): void {
    this.store.close();
  }
}

/** The options of a program's add or update, checked for their type. */
function writeOptionsOf(given: WriteOptions): WriteOptions {
  const options = objectOf(given, 'the options');
  if (options.onGroupCreated !== undefined && typeof options.onGroupCreated !== 'function') throw new ValidationError('onGroupCreated is a function');
  return { createGroup: optionalFlag(options.createGroup, 'createGroup'), onGroupCreated: options.onGroupCreated };
}

export class Customers {
  /** @internal */
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /** The customer's id; NOT_FOUND when none has this id or e-mail, INVALID when ref is neither. */
  idOf(ref: CustomerRef): number {
    return resolveRef(this.store.db, refOf(ref));
  }

  get(ref: CustomerRef): Customer {
    return getCustomer(this.store.db, this.idOf(ref)) as unknown as Customer;
  }

  /**
   * Creates a customer (CONFLICT: the e-mail is taken; INVALID: a value cannot be stored). A group the store
   * lacks is NOT_FOUND, unless `createGroup` (then it is created with the customer, or not at all).
   */
  add(fields: CustomerFields, options: WriteOptions = {}): Customer {
    return createCustomer(this.store, fieldsOf(fields) as CustomerChanges, this.now(), writeOptionsOf(options)) as unknown as Customer;
  }

  /**
   * Changes only the given fields; `changed` names those whose value changed (none: nothing was written).
   * A group the store lacks: as in `add`.
   */
  update(ref: CustomerRef, changes: CustomerChangesInput, options: WriteOptions = {}): { customer: Customer; changed: string[] } {
    const { customer, changed } = editCustomer(this.store, this.idOf(ref), fieldsOf(changes, 'the changes') as CustomerChanges, this.now(), writeOptionsOf(options));
    return { customer: customer as unknown as Customer, changed };
  }

  /** Deletes a customer (its orders stay, with their e-mail); returns it as it was. */
  delete(ref: CustomerRef): Customer {
    const customer = this.get(ref);
    deleteCustomers(this.store, { ids: [customer.id] }, { dryRun: false, now: this.now() });
    return customer;
  }

  /** The customers matching the query, sorted and paged (no limit unless given). */
  list(options: ListOptions = {}): Customer[] {
    return [...this.iterate(options)];
  }

  /** The same, one at a time: for stores too large to hold in memory at once. */
  *iterate(given: ListOptions = {}): Generator<Customer> {
    const options = objectOf(given, 'the list options');
    const { limit, offset } = options;
    const sort = optionalText(options.sort, 'sort');
    for (const name of ['limit', 'offset'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) throw new ValidationError(`${name} is a whole number, not ${JSON.stringify(value)}`);
    }
    const filter = filterOf(options, ['sort', 'limit', 'offset']);
    yield* listCustomers(this.store.db, { filter, fields: CUSTOMER_FIELDS, sort, limit, offset }) as Generator<unknown> as Generator<Customer>;
  }

  count(query: CustomerQuery = {}): number {
    return countCustomers(this.store.db, filterOf(objectOf(query, 'the query')));
  }
}

export class Groups {
  /** @internal */
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  list(): GroupRow[] {
    return listGroups(this.store.db);
  }

  /** Creates a group; CONFLICT when it exists, unless ifMissing (then nothing is written). Returns its name. */
  create(name: string, options: { ifMissing?: boolean } = {}): { name: string; created: boolean } {
    textOf(name, 'a group name');
    if (optionalFlag(objectOf(options, 'the options').ifMissing, 'ifMissing') && groupIdByName(this.store.db, normalizeGroupName(name)) !== undefined) return { name: normalizeGroupName(name), created: false };
    return { name: createGroup(this.store, name, this.now()), created: true };
  }

  rename(from: string, to: string): { from: string; to: string } {
    return renameGroup(this.store, textOf(from, 'a group name'), textOf(to, 'a group name'), this.now());
  }

  /** Deletes a group; its members stay, in no group. */
  delete(name: string): { name: string; members: number } {
    return deleteGroup(this.store, textOf(name, 'a group name'), this.now());
  }
}
