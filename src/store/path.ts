import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';

/**
 * Where the store lives: --db, else $CUSTOMERS_DB, else $XDG_DATA_HOME/customers/customers.db (a relative
 * XDG_DATA_HOME is ignored, as the XDG specification says). An empty --db (a script's unset variable) is an
 * error, never the default store.
 */
export function resolveStorePath(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError("the store path is empty (--db ''); give the store file, or leave --db out for the default store");
    return resolve(flag);
  }
  if (env.CUSTOMERS_DB) return resolve(env.CUSTOMERS_DB);
  const xdg = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : undefined;
  const dataHome = xdg ?? join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'customers', 'customers.db');
}
