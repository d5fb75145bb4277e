/**
 * Builds dist/ once before any test runs, and again before each re-run in watch mode: several tests spawn
 * bin/customers.cjs, which loads dist/main.cjs, and must not test a build older than src/.
 */
import type { TestProject } from 'vitest/node';
import { buildDist } from '../scripts/build.mjs';

export default async function setup(project: TestProject): Promise<void> {
  await buildDist();
  project.onTestsRerun(() => buildDist());
}
