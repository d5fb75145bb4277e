/**
 * One vocabulary across commands (issue 13): --fields on list and export, --sort ignoring case, delimiters by
 * name, durations with weeks and several units, groups create --json/--if-missing, --force for files that
 * exist, and the words of a few errors.
 */
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/core/values.js';
import { json, runCli, storeCli } from './helpers/run-cli.js';

describe('durations', () => {
  it('take weeks and several units, ignoring case and spaces between them', () => {
    expect(parseDuration('2w')).toBe(14 * 86400);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1w2d')).toBe(9 * 86400);
    expect(parseDuration('1h 30m')).toBe(5400);
    expect(parseDuration('14D')).toBe(14 * 86400);
    expect(parseDuration('30s')).toBe(30);
  });

  it('refuse a bare number with a hint to add a unit, and other text as before', () => {
    expect(() => parseDuration('1209600')).toThrow('"1209600" has no unit; add one, such as 1209600s, or 14d, if it is seconds (units: s, m, h, d, w)');
    expect(() => parseDuration('0')).toThrow('has no unit; add one, such as 14d');
    expect(() => parseDuration('14 days')).toThrow('"14 days" is not a duration (expected a number with a unit: 30s, 15m, 2h, 14d, 2w, 1h30m)');
    expect(() => parseDuration('1h30')).toThrow('is not a duration');
    expect(() => parseDuration('0s')).toThrow('is not a duration');
    expect(() => parseDuration('600w')).toThrow('longer than 10 years');
  });

  it('are written back in days, hours, minutes and seconds', () => {
    expect(formatDuration(14 * 86400)).toBe('14d');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(86400 + 61)).toBe('1d1m1s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('show their default as a duration in help, and are read the same way on every command', async () => {
    const help = await runCli(['login-link', 'issue', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(default: 14d)');
    expect(help.stdout).not.toContain('1209600');
    expect((await runCli(['login-link', 'purge', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('(default: any age)');

    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const issued = json<{ expires_at: string }[]>(await cli('login-link', 'issue', 'a@example.com', '--ttl', '1w2d', '--url', 'https://shop.example.com/login?key={token}', '--json'));
    expect(issued[0].expires_at).toBe('2026-03-10T10:00:00Z');
    const bare = await cli('login-link', 'issue', 'a@example.com', '--ttl', '1209600', '--url', 'https://shop.example.com/login?key={token}');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('"1209600" has no unit; add one, such as 1209600s, or 14d');
    expect((await cli('login-link', 'purge', '--older-than', '2w', '--dry-run')).code).toBe(0);
    const prune = await cli('history', 'prune', '--older-than', '90');
    expect(prune.code).toBe(2);
    expect(prune.stderr).toContain('"90" has no unit');
    expect((await cli('history', 'prune', '--older-than', '1w1d')).code).toBe(0);
  });
});
