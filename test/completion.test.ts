/** customers completion bash|zsh|fish, and the hidden `__complete groups` the scripts call. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, storeCli, tempDir } from './helpers/run-cli.js';
import { BIN } from './helpers/spawn-cli.js';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

/** COMPREPLY of the bash script for these words (the last one is the word being completed). */
function bashComplete(script: string, words: string[]): string[] {
  const dir = tempDir();
  const file = join(dir, 'customers.bash');
  writeFileSync(file, script);
  const program = `set -u; source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _customers; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', program, 'bash', file, ...words], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('customers completion bash', () => {
  it('completes commands, flags, sort fields and group names from the store', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    expect(bashComplete(script, ['customers', 'li'])).toEqual(['list']);
    expect(bashComplete(script, ['customers', 'list', '--so'])).toEqual(['--source-id', '--sort']);
    const sorts = bashComplete(script, ['customers', 'list', '--sort', '']);
    expect(sorts).toContain('total_spent:desc');
    expect(sorts).toContain('email');
    expect(bashComplete(script, ['customers', 'list', '--format', 'js'])).toEqual(['json', 'jsonl']);
    expect(bashComplete(script, ['customers', 'groups', ''])).toEqual(['list', 'create', 'rename', 'delete']);
    expect(bashComplete(script, ['customers', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete(script, ['customers', 'export', '--fields', 'em'])).toEqual(['email']);
    expect(bashComplete(script, ['customers', 'list', '--he'])).toEqual(['--help']);
    const { cli, db } = storeCli();
    expect((await cli('groups', 'create', 'VIP')).code).toBe(0);
    expect((await cli('groups', 'create', 'Wholesale EU')).code).toBe(0);
    // The script runs the command as typed (here the built bin), with the --db given on the line.
    expect(bashComplete(script, [BIN, '--db', db, 'list', '--group', ''])).toEqual(['VIP', 'Wholesale\\ EU']);
    expect(bashComplete(script, [BIN, '--db', db, 'groups', 'rename', 'V'])).toEqual(['VIP']);
    expect(bashComplete(script, ['customers', 'help', ''])).toEqual([]);
  });

  it('offers a group name that looks like shell code as text, never running it', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const { cli, db, dir } = storeCli();
    const marker = join(dir, 'ran');
    for (const name of [`$(touch ${marker})`, `\`touch ${marker}\``, "it's; touch x"]) expect((await cli('groups', 'create', name)).code).toBe(0);
    const offered = bashComplete(script, [BIN, '--db', db, 'list', '--group', '']);
    expect(existsSync(marker)).toBe(false);
    expect(offered).toHaveLength(3);
    // Each is escaped for the command line: bash reads it back as the name.
    const names = execFileSync('bash', ['-c', `printf '%s\\n' ${offered.join(' ')}`], { encoding: 'utf8' });
    expect(existsSync(marker)).toBe(false);
    expect(names.split('\n').filter(Boolean).sort()).toEqual([`$(touch ${marker})`, `\`touch ${marker}\``, "it's; touch x"].sort());
  });
});

describe('customers __complete groups', () => {
  it('gives no names, soon, when another process holds the store locked', { timeout: 20_000 }, async () => {
    const { cli, db } = storeCli();
    await cli('groups', 'create', 'VIP');
    const { default: Database } = await import('better-sqlite3');
    const holder = new Database(db);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      // The usual busy wait is 30 s: past this test's time limit.
      expect(await cli('__complete', 'groups')).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('prints one group a line, and nothing (exit 0) when there is no store', async () => {
    const { cli } = storeCli();
    expect(await cli('__complete', 'groups')).toEqual({ code: 0, stdout: '', stderr: '' });
    await cli('groups', 'create', 'VIP');
    await cli('groups', 'create', 'B2B');
    expect(await cli('__complete', 'groups')).toMatchObject({ code: 0, stdout: 'B2B\nVIP\n' });
  });
});

describe('customers completion zsh and fish', () => {
  it('writes scripts with every command, flag and value table', async () => {
    const zsh = (await runCli(['completion', 'zsh'])).stdout;
    const fish = (await runCli(['completion', 'fish'])).stdout;
    expect(zsh.split('\n')[0]).toBe('#compdef customers');
    for (const script of [zsh, fish]) {
      expect(script).toMatch(/login-link.*serve/);
      expect(script).toContain('total_spent:desc');
      expect(script).toContain('__complete groups');
    }
    expect(zsh).toContain(`['customers groups']='list create rename delete'`);
    expect(fish).toContain("complete -c customers -f -a '(__customers_complete)'");
    if (has('zsh')) expect(spawnSync('zsh', ['-n'], { input: zsh }).status).toBe(0);
    if (has('fish')) expect(spawnSync('fish', ['-n'], { input: fish }).status).toBe(0);
  });

  it('refuses another shell (exit 2), naming bash, zsh and fish', async () => {
    const result = await runCli(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bash, zsh, fish');
  });
});
