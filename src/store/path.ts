import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the store lives: --db, else $CUSTOMERS_DB, else $XDG_DATA_HOME/customers/customers.db. */
export function resolveStorePath(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return resolve(flag);
  if (env.CUSTOMERS_DB) return resolve(env.CUSTOMERS_DB);
  const dataHome = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'customers', 'customers.db');
}
