/** The help of every command (issue 13): examples, option groups, command groups, `help A B`, bare parents. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { everyCommand } from '../src/cli/help.js';
import { fullProgram } from '../src/cli/reference.js';
import { runCli } from './helpers/run-cli.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const PATHS = everyCommand(fullProgram(() => {})).map(({ path }) => path.split(' ').slice(1));

/** The lines of a help's section, up to the next blank line. */
function section(help: string, heading: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('every command’s help', () => {
  it('has a description and two or three examples, one customers command line each', async () => {
    const wrong: string[] = [];
    for (const path of PATHS) {
      const { stdout, code } = await runCli([...path, '--help']);
      const name = ['customers', ...path].join(' ');
      const examples = section(stdout, 'Examples:');
      if (code !== 0 || examples.length < 2 || examples.length > 3) wrong.push(`${name}: ${examples.length} examples`);
      if (!examples.every((line) => /^ {2}\S/.test(line) && /\bcustomers /.test(line))) wrong.push(`${name}: ${examples.join(' / ')}`);
      if (stdout.split('\n')[2].trim() === '') wrong.push(`${name}: no description`);
    }
    expect(wrong).toEqual([]);
  });

  it('groups the options: the command’s own, then filters, output, customer fields, global ones', async () => {
    const list = (await runCli(['list', '--help'])).stdout;
    expect(list.indexOf('\nOptions:')).toBeLessThan(list.indexOf('\nFilters:'));
    expect(section(list, 'Filters:').join('\n')).toMatch(/--group <name>[\s\S]*--logged-in-before/);
    expect(section(list, 'Output:').join('\n')).toMatch(/--format[\s\S]*--sort[\s\S]*--offset/);
    expect(section(list, 'Global Options:').join('\n')).toMatch(/--db <path>[\s\S]*--no-color[\s\S]*--no-input[\s\S]*--quiet/);
    expect(section(list, 'Options:').join('\n')).not.toContain('--group');
    const add = (await runCli(['add', '--help'])).stdout;
    expect(section(add, 'Customer fields:').join('\n')).toMatch(/--email[\s\S]*--phone/);
  });
});

describe('the program’s help', () => {
  it('groups the commands and ends with the quick start of README.md', async () => {
    const { stdout, code } = await runCli(['--help']);
    expect(code).toBe(0);
    const headings = stdout.split('\n').filter((line) => /^\S.*:$/.test(line) && line !== 'Examples:');
    expect(headings).toEqual(['Options:', 'Customers:', 'Bulk changes:', 'CSV files:', 'Orders:', 'Login links:', 'Store:', 'Help and completion:']);
    const names = (heading: string) => section(stdout, heading).filter((line) => /^ {2}\S/.test(line)).map((line) => line.trim().split(' ')[0]);
    expect(names('Customers:')).toEqual(['add', 'show', 'edit', 'list', 'search']);
    expect(names('Bulk changes:')).toEqual(['update', 'delete']);
    expect(names('Store:')).toEqual(['groups', 'config', 'history', 'undo', 'db', 'seed']);
    expect(names('Help and completion:')).toEqual(['completion', 'help']);
    // README's first command line, without the install (npm ci) and npx.
    const quickStart = /```sh\n(.*)\n/.exec(README)![1].replace(/^npm ci && /, '').replace(/npx /g, '');
    expect(stdout.trimEnd().split('\n').at(-1)).toContain(quickStart);
  });

  it('is printed on stdout, exit 0, for a bare customers or a bare parent command, as gh does', async () => {
    for (const args of [[], ['groups'], ['login-link']]) {
      const result = await runCli(args);
      expect(result, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: customers/);
    }
  });
});

describe('customers help', () => {
  it('shows the help of a command at any depth', async () => {
    for (const path of [['login-link', 'issue'], ['groups', 'create'], ['list'], ['history', 'prune']]) {
      const asked = await runCli(['help', ...path]);
      expect(asked.code).toBe(0);
      expect(asked.stdout).toBe((await runCli([...path, '--help'])).stdout);
      expect(asked.stdout).toMatch(new RegExp(`^Usage: customers ${path.join(' ')} `));
    }
    expect((await runCli(['help'])).stdout).toBe((await runCli(['--help'])).stdout);
  });

  it('refuses an unknown command (exit 2), listing the commands there are', async () => {
    const result = await runCli(['help', 'login-link', 'isue']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('customers login-link has no command "isue"');
    expect(result.stderr).toContain('issue, redeem, verify');
  });
});
