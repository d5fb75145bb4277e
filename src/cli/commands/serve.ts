/** serve: the store's login links and customers over local HTTP, until SIGINT or SIGTERM. */
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { CustomersError, UsageError } from '../../common/errors.js';
import type { Context } from '../context.js';
import { parser } from '../usage.js';

const DEFAULT_PORT = 8787;
/** An auth token shorter than this is too easy to guess for a server others can reach. */
const MIN_TOKEN_LENGTH = 16;

interface ServeFlags {
  host: string;
  port: number;
  authToken?: string;
}

function parsePort(raw: string): number {
  const port = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || port > 65535) throw new UsageError(`--port "${raw}" is not a port: a whole number from 0 to 65535 (0: any free port)`);
  return port;
}

export function registerServeCommand(program: Command, ctx: Context): void {
  program
    .command('serve')
    .description('a local HTTP JSON API over the store: login links (issue, verify, redeem) and customers, for storefronts under test')
    .option('--host <host>', 'address to listen on; other than this machine (127.0.0.0/8, ::1, localhost) needs --auth-token', '127.0.0.1')
    .option('--port <n>', `port to listen on; 0: a free one (the port is printed on stdout either way)`, parser(parsePort), DEFAULT_PORT)
    .option('--auth-token <token>', `require "Authorization: Bearer TOKEN" on every request (default: $CUSTOMERS_SERVE_TOKEN; at least ${MIN_TOKEN_LENGTH} characters)`)
    .addHelpText(
      'after',
      `
Routes (JSON in and out; GET /openapi.json describes them):
  POST /login-links           {"customer": "alice@example.com", "ttl": "15m", "url": "..."} -> 201 the link, with its token
  POST /login-links/verify    {"token": "..."} -> 200 {"ok": true, "customer": ...}, or 404/410 {"ok": false, "reason": ...}
  POST /login-links/redeem    {"token": "..."} -> the same, and the link is used (once, also against the CLI)
  GET  /customers/{ref}       a customer by id or percent-encoded e-mail
  GET  /healthz

One line a request on stderr (method, path, status, time; never a token or a body). SIGINT or SIGTERM
stops it once the requests in flight are answered.

Examples:
  customers serve --port 0 > port.txt &
  CUSTOMERS_SERVE_TOKEN=$(openssl rand -hex 16) customers serve --host 0.0.0.0`,
    )
    .action((flags: ServeFlags) => runServe(ctx, flags));
}

async function runServe(ctx: Context, flags: ServeFlags): Promise<void> {
  const authToken = flags.authToken ?? (ctx.io.env.CUSTOMERS_SERVE_TOKEN || undefined);
  if (authToken !== undefined && authToken.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(`the auth token is ${authToken.length} characters: give one of at least ${MIN_TOKEN_LENGTH}`, ['openssl rand -hex 16 makes one.']);
  }
  if (authToken !== undefined && /\s/.test(authToken)) {
    throw new UsageError('the auth token has a space or a line break, which an Authorization header cannot carry: give one without', ['openssl rand -hex 16 makes one.']);
  }
  if (!isLoopback(flags.host) && authToken === undefined) {
    throw new UsageError(`--host ${flags.host} lets other machines in: pass --auth-token TOKEN (or set CUSTOMERS_SERVE_TOKEN) so that only your tests can use the store`);
  }
  const api = await ctx.api({ create: true, writerNote: false });
  const { createApiServer, stopGracefully } = await import('../../serve/server.js');
  const server = createApiServer(api, { authToken, now: ctx.io.now, log: (line) => ctx.say(line) });
  const host = flags.host.trim().replace(/^\[(.*)\]$/, '$1'); // [::1] as URLs write it
  const port = await listen(server, host, flags.port);
  ctx.io.stdout.write(`${port}\n`);
  const shown = host.includes(':') ? `[${host}]` : host;
  ctx.say(`Serving ${api.path} at http://${shown}:${port}/${authToken ? ' (bearer token required)' : ''}; Ctrl-C stops.`);
  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => resolve(name));
  });
  ctx.say(`${signal}: answering the requests in flight, then stopping.`);
  await stopGracefully(server);
  ctx.say('Stopped.');
}

/** This machine only: 127.0.0.0/8, ::1, localhost. */
function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Listens, or says why not in words a user can act on. */
function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why: Record<string, string> = {
        EADDRINUSE: `port ${port} is in use by another program: pass another --port, or --port 0 for a free one`,
        EACCES: `this user may not listen on port ${port}: pass a port above 1023, or --port 0`,
        EADDRNOTAVAIL: `${host} is not an address of this machine: pass --host 127.0.0.1, or one of its addresses`,
        ENOTFOUND: `no address found for the host "${host}"`,
      };
      reject(new CustomersError(`cannot listen on ${host}:${port}: ${why[error.code ?? ''] ?? error.message}`));
    });
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}
