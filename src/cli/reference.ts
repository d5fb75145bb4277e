/**
 * docs/cli.md: every command's --help, in the order of the program's help, written from the commands' own
 * definitions by `npm run docs` (scripts/docs.mjs) and checked to be current by test/reference.test.ts.
 */
import { PassThrough, Readable } from 'node:stream';
import type { Command } from 'commander';
import { Context } from './context.js';
import { everyCommand } from './help.js';
import { createProgram } from './program.js';

/** The program with every command defined, its help written to `out` (80 columns, no colour). */
export function fullProgram(out: (text: string) => void): Command {
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => out(chunk.toString('utf8')));
  const io = { stdin: Readable.from([]), stdout, stderr: new PassThrough(), env: {}, now: () => new Date(0) };
  return createProgram(new Context(io), ['help']);
}

export function cliReference(): string {
  let text = '';
  const program = fullProgram((chunk) => (text += chunk));
  const sections = everyCommand(program).map(({ path, command }) => {
    text = '';
    command.outputHelp();
    return `## ${path}\n\n\`\`\`text\n${text.trimEnd()}\n\`\`\`\n`;
  });
  const contents = everyCommand(program).map(({ path }) => `- [${path}](#${path.replace(/ /g, '-')})`);
  return [
    '# customers: command-line reference',
    '',
    'Generated from the commands\' own definitions by `npm run docs`; do not edit by hand (test/reference.test.ts',
    'fails when this file is not current).',
    '',
    ...contents,
    '',
    ...sections,
  ].join('\n');
}
