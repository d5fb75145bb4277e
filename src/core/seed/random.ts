/**
 * The random numbers of `customers seed`: a seed string hashed to a number, and a small generator that faker
 * draws from (as its Randomizer) and that the seed code draws from directly.
 *
 * Why not faker's own Mersenne Twister: every customer is generated from a fresh seed (its own index), so
 * that customer(i) never depends on the customers before it, and seeding faker's twister costs ~30 µs — half
 * a minute for a million customers. sfc32 (Doty-Humphrey's Small Fast Chaotic generator) seeds in a few
 * steps, and uses only 32-bit integer operations, so a seed gives the same numbers on every machine.
 */
import type { Randomizer } from '@faker-js/faker';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** FNV-1a (32 bits) of the text's UTF-8 bytes: the number a seed string stands for. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
}

/** MurmurHash3's finaliser: a bijection of 32-bit words that spreads every input bit over the output. */
function mix(word: number): number {
  let h = word >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit word of a seed value (faker may pass any number): its low word, folded with its high one. */
function wordOf(value: number): number {
  const whole = Math.trunc(Math.abs(value)) || 0;
  return (whole % TWO_32) ^ mix(Math.floor(whole / TWO_32));
}

export class SeedRandom implements Randomizer {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number | number[] = 0) {
    this.seed(seed);
  }

  /**
   * Starts the sequence of `seed` (a number, or up to three numbers such as [seed, index]). Distinct seeds
   * give distinct starting states (each word goes through a bijection), and the first outputs are skipped,
   * as sfc32's author advises, so that neighbouring indexes give unrelated sequences.
   */
  seed(seed: number | number[]): void {
    const [x = 0, y = 0, z = 0] = Array.isArray(seed) ? seed : [seed];
    this.a = mix(wordOf(x));
    this.b = mix(wordOf(y) ^ 0x9e3779b9);
    this.c = mix(wordOf(z) ^ 0x7f4a7c15);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The next 32-bit unsigned integer (sfc32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1) with 53 random bits, as faker expects of a Randomizer. */
  next(): number {
    const high = this.uint32() >>> 5;
    const low = this.uint32() >>> 6;
    return (high * 67108864 + low) / TWO_53;
  }

  /** An integer in [0, n), n below 2^32. */
  below(n: number): number {
    return Math.floor((this.uint32() / TWO_32) * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uint32() < p * TWO_32;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** An index of `weights` (non-negative numbers), each as likely as its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let left = this.below(total);
    for (let i = 0; i < weights.length; i++) {
      left -= weights[i];
      if (left < 0) return i;
    }
    return weights.length - 1;
  }
}
