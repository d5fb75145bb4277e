import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __CUSTOMERS_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Generous: on a 2-core CI machine the property, fuzz and big-file tests run side by side (a property test
    // of 4 s alone once took over 20 s there). A test that hangs still fails, within a minute.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
