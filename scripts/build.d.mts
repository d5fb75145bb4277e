/** Types for build.mjs, which stays JavaScript so that `node scripts/build.mjs` runs without a compiler. */

/** Replaces dist/ with a fresh build of src/. */
export function buildDist(): Promise<void>;
