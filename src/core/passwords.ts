/**
 * Password hashes: scrypt with a random salt, in a self-describing string
 * (`scrypt$N$r$p$salt$hash`, base64), so that the parameters can change without losing older hashes.
 * Passwords are never stored in clear, shown or exported.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether a stored hash (ours: scrypt$...) is the hash of this password; false for another platform's hash. */
export function passwordMatches(password: string, stored: string | null): boolean {
  const parts = stored?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const hash = Buffer.from(parts[5], 'base64');
  if (![N, r, p].every(Number.isSafeInteger) || hash.length === 0) return false;
  const computed = scryptSync(password, Buffer.from(parts[4], 'base64'), hash.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(computed, hash);
}
