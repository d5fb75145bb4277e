/**
 * Password hashes: scrypt with a random salt, in a self-describing string
 * (`scrypt$N$r$p$salt$hash`, base64), so that the parameters can change without losing older hashes.
 * Passwords are never stored in clear, shown or exported.
 */
import { randomBytes, scryptSync } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
