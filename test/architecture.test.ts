/**
 * The shape of the code, checked: which layer may import which, no import cycles, no long functions.
 * Read with the TypeScript compiler's parser, so type-only and dynamic imports count too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const MAX_FUNCTION_LINES = 60;

interface Module {
  /** Path under src/, e.g. core/customers.ts */
  name: string;
  imports: string[];
  functions: { name: string; lines: number; line: number }[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function functionName(node: ts.Node): string {
  const parent = node.parent;
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '(anonymous)';
}

function readModule(file: string): Module {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const imports: string[] = [];
  const functions: Module['functions'] = [];
  const addImport = (specifier: string) => {
    if (specifier.startsWith('.')) imports.push(relative(SRC, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      addImport(node.moduleSpecifier.text);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0])) {
      addImport(node.arguments[0].text);
    }
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ name: functionName(node), lines: end - start + 1, line: start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { name: relative(SRC, file), imports, functions };
}

const modules = sourceFiles(SRC).map(readModule);
const layer = (name: string) => name.split('/')[0];

describe('the code base', () => {
  it('keeps its layers: store/ and mail/ import neither core/ nor cli/; core/ does not import api/ or cli/; api/ does not import cli/ or serve/', () => {
    const allowed: Record<string, string[]> = {
      common: ['common'],
      store: ['common', 'store'],
      mail: ['common', 'mail'],
      core: ['common', 'store', 'mail', 'core'],
      api: ['common', 'store', 'mail', 'core', 'api'],
      serve: ['common', 'store', 'core', 'api', 'serve'],
      cli: ['common', 'store', 'mail', 'core', 'api', 'serve', 'cli'],
    };
    const wrong = modules.flatMap((m) => m.imports.filter((i) => !allowed[layer(m.name)]?.includes(layer(i))).map((i) => `${m.name} -> ${i}`));
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(modules.map((m) => [m.name, m.imports]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'open') {
        cycles.push([...path.slice(path.indexOf(name)), name].join(' -> '));
        return;
      }
      state.set(name, 'open');
      for (const next of graph.get(name) ?? []) walk(next, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of graph.keys()) walk(name, []);
    expect(cycles).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = modules.flatMap((m) => m.functions.filter((f) => f.lines > MAX_FUNCTION_LINES).map((f) => `${m.name}:${f.line} ${f.name} (${f.lines} lines)`));
    expect(long).toEqual([]);
  });

  it('is read whole by these checks', () => {
    expect(modules.length).toBeGreaterThan(20);
    expect(modules.find((m) => m.name === join('cli', 'main.ts'))?.imports).toContain(join('cli', 'program.ts'));
  });
});
