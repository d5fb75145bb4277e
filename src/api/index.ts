/**
 * `import { openStore } from 'customers'`: the store as a library, with the CLI's operations and rules.
 *
 *   const store = openStore('test.db');
 *   const alice = store.customers.add({ email: 'alice@example.com', first_name: 'Alice' });
 *   const { url, token } = store.loginLinks.issue(alice.id, { url: 'http://localhost:3000/login?key={token}' });
 *   store.loginLinks.redeem(token);             // once; again: LoginLinkError, code LINK_USED
 *   store.close();
 */
export { openStore, withStore, CustomerStore, Customers, Groups, type OpenOptions } from './store.js';
export { LoginLinks } from './login-links.js';
export { CsvFiles, Seeding, type ImportCsvOptions, type ImportResult, type ExportCsvOptions, type SeedOptions } from './csv.js';
export type * from './types.js';
export {
  CustomersError, NotFoundError, ConflictError, ValidationError, StoreError, type ErrorCode,
} from '../common/errors.js';
export { LoginLinkError } from '../core/login-links.js';
export type { GroupRow } from '../core/groups.js';
export type { ExportResult } from '../core/csv/export.js';
export type { SeedResult, SeededLink } from '../core/seed/fixture.js';
