/**
 * The plain-text passwords of an import file, hashed before its write transaction. scrypt costs ~50 ms a
 * password: hashed inside the transaction, 500 rows held the store's write lock for 26 s and blocked every
 * other writer. Here they are hashed off this thread, several at once, while the store is only read (the
 * hash each customer has, by e-mail); the writer then takes what was found, and hashes or checks
 * synchronously only what was not (a row found by its source id, a hash changed meanwhile).
 */
import { availableParallelism } from 'node:os';
import type { Db } from '../../store/open.js';
import { hashPassword, hashPasswordAsync, isOurHash, passwordMatches, passwordMatchesAsync } from '../passwords.js';
import { type Plan, passwordOf } from './columns.js';

export class PasswordHashes {
  /** A new hash of each record's password, by record (the same array reaches the writer). */
  private readonly fresh = new Map<readonly string[], { password: string; hash: string }>();
  /** The password each known hash is of: this import's new hashes, and stored hashes found to match. */
  private readonly passwordsOf = new Map<string, string>();
  /** Stored hashes found not to be a password's hash, by `${hash}\n${password}`. */
  private readonly mismatches = new Set<string>();

  /** A hash of the record's password: the one made ahead, else one made now. */
  hash(record: readonly string[], password: string): string {
    const fresh = this.fresh.get(record);
    return fresh?.password === password ? fresh.hash : hashPassword(password);
  }

  /** Whether a stored hash is the password's hash: as found ahead, else checked now. */
  matches(password: string, stored: string | null): boolean {
    if (stored === null) return false;
    const known = this.passwordsOf.get(stored);
    if (known !== undefined) return known === password;
    if (this.mismatches.has(`${stored}\n${password}`)) return false;
    return passwordMatches(password, stored);
  }

  /** Hashes the record's password, or checks it against the customer's stored hash first (a file imported again). */
  async prepare(record: readonly string[], password: string, stored: string | null): Promise<void> {
    if (stored !== null) {
      if (await passwordMatchesAsync(password, stored)) {
        this.passwordsOf.set(stored, password);
        return;
      }
      this.mismatches.add(`${stored}\n${password}`);
    }
    const hash = await hashPasswordAsync(password);
    this.fresh.set(record, { password, hash });
    this.passwordsOf.set(hash, password);
  }
}

/**
 * Hashes the passwords of these records (or checks them against the hashes their customers have), as many at
 * once as the machine has cores; told of each one done. The store is only read, outside any transaction.
 */
export async function hashPasswordsAhead(
  db: Db,
  plan: Plan,
  records: Iterable<readonly string[]>,
  onHashing?: (done: number, total: number) => void,
): Promise<PasswordHashes> {
  const storedHash = db.prepare('SELECT password_hash FROM customers WHERE email = ?').pluck();
  const jobs: { record: readonly string[]; password: string; stored: string | null }[] = [];
  for (const record of records) {
    const { password, email } = passwordOf(plan, record);
    if (password === undefined) continue;
    const stored = email === undefined ? null : ((storedHash.get(email) as string | null | undefined) ?? null);
    jobs.push({ record, password, stored: isOurHash(stored) ? stored : null });
  }
  const hashes = new PasswordHashes();
  let next = 0;
  let done = 0;
  if (jobs.length) onHashing?.(0, jobs.length);
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await hashes.prepare(job.record, job.password, job.stored);
      onHashing?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), jobs.length) }, worker));
  return hashes;
}
