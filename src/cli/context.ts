/**
 * What every command receives: the Io, the global options, and the store, opened on first use.
 * Built fresh for each run of main(), so nothing leaks between runs (or tests).
 */
import type { ChalkInstance } from 'chalk';
import { escapeControls } from '../common/shown.js';
import { redactSmtpUrl } from '../mail/transport.js';
import { resolveStorePath } from '../store/path.js';
import type { Store } from '../store/open.js';
import type { CustomerStore } from '../api/store.js';
import { colorLevel, type Io } from './io.js';

export interface GlobalOptions {
  db?: string;
  color: boolean;
  input: boolean;
  quiet?: boolean;
}

export class Context {
  global: GlobalOptions = { color: true, input: true };
  private opened: Store | undefined;
  /** The running command for the writer's note: names and flags only (describeCommand). */
  command = 'customers';
  /** The command line as the history records it: values included, secrets not (historyCommandLine). */
  commandLine = 'customers';

  constructor(readonly io: Io) {}

  get storePath(): string {
    return resolveStorePath(this.global.db, this.io.env);
  }

  /**
   * The store. Commands that write pass `create: true`, which creates a missing store (mode 0600) and says so;
   * commands that only read fail on a missing store, saying where they looked; a dry run passes 'scratch'
   * and checks a missing store against an empty one that is thrown away; `dryRun` gives a store this user may
   * only read as a private copy to write and roll back.
   */
  async store(options: { create: boolean | 'scratch'; dryRun?: boolean; writerNote?: boolean; busyTimeoutMs?: number }): Promise<Store> {
    if (this.opened) return this.opened;
    const { openStore } = await import('../store/open.js');
    this.opened = openStore(this.storePath, {
      create: options.create,
      dryRun: options.dryRun,
      writerNote: options.writerNote,
      onCreate: (path) => this.say(`Created a new store at ${path}`),
      command: this.command,
      commandLine: this.commandLine,
      history: this.io.env.CUSTOMERS_BENCH_NO_HISTORY !== '1',
      busyTimeoutMs: options.busyTimeoutMs ?? testMs(this.io.env.CUSTOMERS_TEST_BUSY_TIMEOUT_MS),
      pauseInIdentityMs: testMs(this.io.env.CUSTOMERS_TEST_PAUSE_IN_IDENTITY_MS),
    });
    return this.opened;
  }

  /** The store as the library gives it (src/api): the operations the CLI shares with programs and `serve`. */
  async api(options: { create: boolean | 'scratch'; dryRun?: boolean; writerNote?: boolean }): Promise<CustomerStore> {
    const store = await this.store(options);
    const { CustomerStore } = await import('../api/store.js');
    return new CustomerStore(store, () => this.io.now());
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }

  /** Prompts only when stdin and stdout are terminals and --no-input was not given. */
  canPrompt(): boolean {
    return Boolean(this.global.input && this.io.stdin.isTTY && this.io.stdout.isTTY);
  }

  /**
   * A message for the person at the terminal: stderr, and nothing with --quiet. One line: control characters
   * in it (from a file name, a value) are shown escaped, never sent to the terminal raw.
   */
  say(message: string): void {
    if (!this.global.quiet) this.io.stderr.write(escapeControls(message) + '\n');
  }

  async chalk(stream: 'stdout' | 'stderr'): Promise<ChalkInstance> {
    const { Chalk } = await import('chalk');
    return new Chalk({ level: colorLevel(this.io[stream], this.io.env, this.global.color) });
  }
}


/**
 * CUSTOMERS_BENCH_NO_HISTORY=1: writes record no history, so bench/ can time the same write with and without
 * it (nothing written so can be undone). Test settings, never set outside tests. CUSTOMERS_TEST_BUSY_TIMEOUT_MS: how long to wait for another writer,
 * instead of 30 s (a test of the "being written by" message must not wait 30 s). CUSTOMERS_TEST_PAUSE_IN_IDENTITY_MS:
 * a pause while the store's identity is read, so a test can create the store in between (OpenStoreOptions).
 */
function testMs(value: string | undefined): number | undefined {
  const ms = Number(value);
  return value && Number.isInteger(ms) && ms >= 0 ? ms : undefined;
}

/**
 * "customers import --json": the command's names and the names of its flags, never a value (a value may be
 * an SMTP URL with its password, or a customer's e-mail), for the note that says who is writing the store.
 */
export function describeCommand(names: readonly string[], argv: readonly string[]): string {
  const flags = argv.map((arg) => arg.split('=')[0]).filter((arg) => /^(--[A-Za-z][\w-]*|-[A-Za-z])$/.test(arg));
  return ['customers', ...names, ...flags].join(' ');
}

/** A URL's scheme and authority (smtp://user:password@host:port), up to its path. */
const URL_AUTHORITY = /[a-z][a-z0-9+.-]*:\/\/[^\s/?#]*/gi;

/**
 * "customers update --tag vip --set 'note=Met at the fair'": the command line as typed, for the history,
 * with what would give access removed: a URL's password (an SMTP server's; the user name may hold an @, and
 * so may the password), and any token in what is given to `login-link redeem` and `verify` (a URL, a path,
 * a query string: it logs in whoever holds it), and serve's --auth-token. Control characters are kept escaped, as messages show them.
 */
export function historyCommandLine(names: readonly string[], argv: readonly string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  const tokens = names[0] === 'login-link' && (names[1] === 'redeem' || names[1] === 'verify');
  const hide = (arg: string) => {
    const shown = arg.replace(URL_AUTHORITY, (authority) => redactSmtpUrl(authority));
    return tokens ? shown.replace(/[\w-]{20,}/g, '***') : shown;
  };
  // serve's --auth-token: the value goes, whether after a space or an "=".
  const shown = argv.map((arg, i) => (argv[i - 1] === '--auth-token' ? '***' : arg.replace(/^(--auth-token=).*/s, '$1***')));
  return ['customers', ...shown.map((arg) => quote(escapeControls(hide(arg))))].join(' ');
}
