/**
 * Password hashes: scrypt with a random salt, in a self-describing string
 * (`scrypt$N$r$p$salt$hash`, base64), so that the parameters can change without losing older hashes.
 * Passwords are never stored in clear, shown or exported.
 *
 * Each hash costs ~50 ms of CPU: an import hashes its file's passwords with the asynchronous versions
 * (on libuv's threads, several at once) before its write transaction, and the synchronous ones are its fallback.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem?: number }) => Promise<Buffer>;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return formatHash(salt, scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }));
}

/** hashPassword, off this thread. */
export async function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(salt, await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }));
}

function formatHash(salt: Buffer, hash: Buffer): string {
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether a stored hash (ours: scrypt$...) is the hash of this password; false for another platform's hash. */
export function passwordMatches(password: string, stored: string | null): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return timingSafeEqual(scryptSync(password, parsed.salt, parsed.hash.length, parsed.options), parsed.hash);
}

/** passwordMatches, off this thread. */
export async function passwordMatchesAsync(password: string, stored: string | null): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  return timingSafeEqual(await scryptAsync(password, parsed.salt, parsed.hash.length, parsed.options), parsed.hash);
}

/** Whether a stored hash is one of ours (scrypt$...), which can be checked against a password. */
export function isOurHash(stored: string | null): boolean {
  return parseHash(stored) !== undefined;
}

function parseHash(stored: string | null): { salt: Buffer; hash: Buffer; options: { N: number; r: number; p: number; maxmem: number } } | undefined {
  const parts = stored?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const hash = Buffer.from(parts[5], 'base64');
  if (![N, r, p].every(Number.isSafeInteger) || hash.length === 0) return undefined;
  return { salt: Buffer.from(parts[4], 'base64'), hash, options: { N, r, p, maxmem: 256 * N * r + 1024 * 1024 } };
}
