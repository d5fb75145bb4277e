/**
 * The help and README.md document every command: walks `--help` of the program and of every command and
 * subcommand (found in each help's "Commands:" section, not listed here), and checks that each command,
 * option and setting the help shows is described, and that README.md names every command and setting.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_FIELDS, type FieldDef } from '../src/core/fields.js';
import { runCli } from './helpers/run-cli.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/**
 * Shown by the help but not yet in README.md. Each must still be missing (so that this list only shrinks):
 * when README.md documents one, remove it here.
 */
const NOT_YET_IN_README: readonly string[] = [];

interface Entry {
  term: string;
  description: string;
}

/** The entries of one section of a help text ("Commands:", "Options:", ...), their wrapped descriptions joined. */
function section(help: string, title: string): Entry[] {
  const lines = help.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start === -1) return [];
  const entries: Entry[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    // An entry is indented by 2, its description (if any) 2 or more spaces after the term; the lines a long
    // description wraps onto are indented further.
    const entry = /^ {2}(\S(?:.*?\S)?)(?: {2,}(\S.*?))?\s*$/.exec(line);
    const last = entries.at(-1);
    if (entry) entries.push({ term: entry[1], description: entry[2] ?? '' });
    else if (/^ {3,}\S/.test(line) && last) last.description += ` ${line.trim()}`;
    else throw new Error(`unexpected line in the "${title}" section of the help:\n${line}`);
  }
  return entries;
}

/** The commands a help lists: under "Commands:", or under the program's headings ("Customers:", "Store:", ...). */
function commandEntries(help: string): Entry[] {
  const headings = help.split('\n').filter((line) => /^[A-Z][a-z ]*:$/.test(line) && !OPTION_HEADINGS.has(line));
  return headings.flatMap((heading) => section(help, heading.slice(0, -1)));
}

/** The headings of options and other entries that are not commands. */
const OPTION_HEADINGS = new Set(['Options:', 'Arguments:', 'Filters:', 'Output:', 'Customer fields:', 'Global Options:', 'Settings:', 'Examples:', 'Usage:']);

/** The names of a "Commands:" entry: "add [options]" -> ["add"], "list|ls [options]" -> ["list", "ls"]. */
function commandNames(entry: Entry): string[] {
  return entry.term.split(' ')[0].split('|');
}

/** What a description says besides what commander adds to it: "(default: ...)", "(choices: ...)" and the like. */
function ownWords(description: string): string {
  return description.replace(/\((?:default|choices|env|preset): [^)]*\)/g, '').trim();
}

/** "customers groups create" -> its --help text, for the program and every command and subcommand. */
const helps = new Map<string, string>();

async function walk(path: string[]): Promise<void> {
  const result = await runCli([...path, '--help']);
  const name = ['customers', ...path].join(' ');
  if (result.code !== 0 || result.stderr !== '') throw new Error(`${name} --help: exit ${result.code}\n${result.stderr}`);
  helps.set(name, result.stdout);
  for (const entry of commandEntries(result.stdout)) {
    const [command] = commandNames(entry);
    if (command !== 'help') await walk([...path, command]); // commander's own, in every list
  }
}

/** Matches `customers groups create` as whole words, not as the start of `customers groups created`. */
function mentions(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`).test(text);
}

describe('docs', () => {
  beforeAll(async () => {
    await walk([]);
  });

  it('finds every command through the help', () => {
    const top = commandEntries(helps.get('customers') ?? '');
    expect(top.length).toBeGreaterThan(5);
    // Each command's own help was read, and every help has an "Options:" section (at least --help).
    for (const entry of top) {
      const [name] = commandNames(entry);
      if (name !== 'help') expect(helps.has(`customers ${name}`), name).toBe(true);
    }
    expect([...helps.keys()].filter((name) => name.split(' ').length === 3).length).toBeGreaterThan(5);
    for (const [name, help] of helps) {
      expect(help, name).toMatch(new RegExp(`^Usage: ${name} `));
      expect(section(help, 'Options').length, name).toBeGreaterThan(0);
    }
  });

  it('describes every command, argument, option and setting the help shows', () => {
    const undescribed: string[] = [];
    for (const [name, help] of helps) {
      for (const title of ['Commands', 'Arguments', 'Options', 'Settings', 'Filters', 'Output', 'Customer fields', 'Global Options', 'Customers', 'Store']) {
        for (const entry of section(help, title)) {
          if (ownWords(entry.description) === '') undescribed.push(`${name} --help, ${title}: ${entry.term}`);
        }
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('names every command in README.md', () => {
    const missing = [...helps.keys()].filter((name) => name !== 'customers' && !mentions(README, name));
    expect(missing.filter((name) => !NOT_YET_IN_README.includes(name))).toEqual([]);
  });

  it('names every setting of `customers config` in README.md', () => {
    const keys = section(helps.get('customers config') ?? '', 'Settings').map((entry) => entry.term);
    expect(keys.length).toBeGreaterThan(0);
    const missing = keys.filter((key) => !mentions(README, key));
    expect(missing.filter((key) => !NOT_YET_IN_README.includes(key))).toEqual([]);
  });

  it('lists in NOT_YET_IN_README only commands and settings that README.md still lacks', () => {
    const settings = section(helps.get('customers config') ?? '', 'Settings').map((entry) => entry.term);
    expect(NOT_YET_IN_README.filter((phrase) => !helps.has(phrase) && !settings.includes(phrase))).toEqual([]);
    expect(NOT_YET_IN_README.filter((phrase) => mentions(README, phrase))).toEqual([]);
  });
});

/** README's table of fields, as the field registry says it should read. */
function fieldsTable(): string {
  const setBy = (f: FieldDef) => (f.access === 'editable' ? 'add, edit, import' : f.access === 'imported' ? 'import' : 'never (derived)');
  const rows = CUSTOMER_FIELDS.map((f) => `| \`${f.name}\` | ${f.type} | ${setBy(f)} | ${f.doc ?? f.flag?.help ?? ''} |`);
  return ['| field | type | set by | what it is |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

describe('README.md and the field registry', () => {
  it('has the table of fields the registry declares (copy it from this failure when a field changes)', () => {
    expect(README).toContain(fieldsTable());
  });

  it('describes every field', () => {
    expect(CUSTOMER_FIELDS.filter((f) => !(f.doc ?? f.flag?.help))).toEqual([]);
  });
});
