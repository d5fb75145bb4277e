/** A customer REF typed on the command line: an id or an e-mail; anything else is a usage error (exit 2). */
import { resolveRef } from '../../core/customers.js';
import type { Db } from '../../store/open.js';
import { asUsageError } from '../usage.js';

export function resolveRefArg(db: Db, ref: string): number {
  return asUsageError(() => resolveRef(db, ref));
}
