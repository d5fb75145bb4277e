/**
 * Builds dist/main.cjs from src/ with esbuild: our code, commander and better-sqlite3's JavaScript in one
 * CommonJS file; and
 * dist/parse-worker.cjs, the worker thread that parses CSV files during an import; and
 * dist/api.cjs, dist/api.mjs and dist/types/: the library (`import { openStore } from 'customers'`).
 *
 * Why: start-up is most of what `customers list` costs, and loading dozens of ES modules took ~30 ms
 * more than bare Node; one CommonJS file loads ~12 ms faster than the same bundle as an ES module on
 * Node 20 (measured with bench/). The packages only some commands need (prompts, tables, colour, csv)
 * stay outside the bundle and are imported when used.
 *
 * `node scripts/build.mjs` builds; the tests import buildDist() and build before they run (test/global-setup.ts),
 * so they never spawn a dist/ older than src/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * commander requires node:child_process at load, for executable subcommands, which this program has none of:
 * loading it (with dgram, internal/child_process...) was ~1.5 ms of every start (`node -e` timing require of
 * node:child_process, 1.2-1.9 ms). It is required when spawn is first called instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`${args.path}: no "${eager}" to make lazy (commander changed?)`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

/** Replaces dist/ with a fresh build of src/, from whichever folder it is called. */
export async function buildDist() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts', 'parse-worker': 'src/core/csv/parse-worker.ts', api: 'src/api/index.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // better-sqlite3's JavaScript is bundled (its native addon is loaded by path, see src/store/open.ts), so
    // 'bindings', which it would use to find the addon otherwise, stays out.
    // @faker-js/faker (and its locale/* entry points) stays out too: bundled, its locales would be parsed by every
    // command; outside, `seed` alone imports them (src/core/seed/generate.ts).
    external: ['bindings', '@inquirer/prompts', 'chalk', 'cli-table3', 'csv-parse', 'csv-stringify', 'iconv-lite', 'nodemailer', '@faker-js/faker'],
    define: {
      __CUSTOMERS_VERSION__: JSON.stringify(pkg.version),
      'import.meta.url': '__importMetaUrl',
    },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
    metafile: true,
    plugins: [lazyChildProcess],
  });
  routeDynamicImports(result.metafile);
  writeEsmEntry();
  // The library's type declarations (dist/types), from the sources as they are.
  execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.types.json'], { cwd: root, stdio: 'inherit' });
}

/**
 * bin/customers.cjs compiles dist/main.cjs with vm.Script to use V8's code cache (bin/code-cache.cjs), and code
 * compiled that way cannot run `import()` on Node 20 without --experimental-vm-modules. So each `import("pkg")`
 * of an external package (chalk, csv-parse, nodemailer...) becomes `__customersImport("pkg")`, which the banner
 * below defines: the loader's import when bin/ passes one, else a plain import() (dist/main.cjs required as is,
 * e.g. by scripts/docs.mjs). The count is checked against esbuild's own list, so none is missed or mangled.
 */
function routeDynamicImports(metafile) {
  const file = new URL('../dist/main.cjs', import.meta.url);
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith('main.cjs'))[1];
  const expected = output.imports.filter((i) => i.kind === 'dynamic-import' && i.external).length;
  let found = 0;
  const text = readFileSync(file, 'utf8').replace(/(?<![.\w$])import\((?=")/g, () => {
    found++;
    return '__customersImport(';
  });
  if (found !== expected) throw new Error(`dist/main.cjs: ${found} import("...") calls rewritten, esbuild lists ${expected}`);
  const banner = "const __customersImport = typeof __customersImportHook === 'function' ? __customersImportHook : (specifier) => import(specifier);\n";
  writeFileSync(file, banner + text);
}

/**
 * dist/api.mjs: `import { openStore } from 'customers'` in an ES module gets the CommonJS bundle's exports, so
 * that a program mixing import and require has one copy of the library (one LoginLinkError class, not two).
 */
function writeEsmEntry() {
  const names = Object.keys(createRequire(import.meta.url)('../dist/api.cjs')).filter((name) => name !== 'default');
  const lines = ["import api from './api.cjs';", `export const { ${names.join(', ')} } = api;`, 'export default api;', ''];
  writeFileSync(new URL('../dist/api.mjs', import.meta.url), lines.join('\n'));
}

// Run as a script (npm run build, prepare), not imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await buildDist();
