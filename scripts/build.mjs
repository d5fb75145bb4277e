/**
 * Builds dist/ from src/ with esbuild: our code and its pure-JS dependencies in one ESM file, with the
 * modules only some commands need (prompts, tables, csv, the store) split into chunks loaded on demand.
 * One file instead of dozens is what keeps `customers --version` and `customers list` close to bare
 * Node start-up (see bench/).
 */
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons cannot be bundled.
  external: ['better-sqlite3'],
  define: { __CUSTOMERS_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (commander, cli-table3) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
