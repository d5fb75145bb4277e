/** docs/cli.md is the reference the commands' own definitions give (like sqlite-utils' cog-checked docs). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { cliReference } from '../src/cli/reference.js';

it('docs/cli.md is current (npm run docs regenerates it)', () => {
  const current = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8');
  const wanted = cliReference();
  if (current !== wanted) expect.fail('docs/cli.md is not current: run `npm run docs` to regenerate it');
  expect(wanted).toContain('## customers login-link issue');
  expect(wanted).toContain('## customers completion');
});
