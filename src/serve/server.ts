/**
 * `customers serve`: a small HTTP JSON API over the library for storefronts under test, in any language.
 * Tokens travel in request bodies only, never in a URL or a log line. Every error is a JSON body
 * { "error": { "code", "message" } } with a 4xx status; nothing a client sends crashes the server.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { CustomerStore } from '../api/store.js';
import { CustomersError } from '../common/errors.js';
import { shown } from '../common/shown.js';
import { LoginLinkError } from '../core/login-links.js';
import { openApiDocument } from './openapi.js';

/** The largest request body read: a login-link request is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ServeOptions {
  /** Required of every request as `Authorization: Bearer TOKEN` when given. */
  authToken?: string;
  /** One line a request (method, path, status, time); never a body, a query string or a header. */
  log: (line: string) => void;
  now: () => Date;
}

type Json = Record<string, unknown>;

/** An answer: a status and a JSON body. */
interface Reply {
  status: number;
  body: unknown;
}

/** A client error that is not one of the library's: bad JSON, unknown route, body too large, no token. */
class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

interface Route {
  method: 'GET' | 'POST';
  /** The path, with {ref} standing for one percent-encoded segment. */
  path: string;
  handle: (store: CustomerStore, params: { ref?: string; body: Json }) => Reply;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/healthz', handle: () => ({ status: 200, body: { ok: true } }) },
  { method: 'GET', path: '/openapi.json', handle: () => ({ status: 200, body: openApiDocument() }) },
  { method: 'GET', path: '/customers/{ref}', handle: (store, { ref }) => ({ status: 200, body: store.customers.get(ref!) }) },
  {
    method: 'POST',
    path: '/login-links',
    handle: (store, { body }) => {
      const customer = field(body, 'customer', ['string', 'number'], true) as string | number;
      const link = store.loginLinks.issue(customer, {
        ttl: field(body, 'ttl', ['string', 'number']) as string | number | undefined,
        url: field(body, 'url', ['string']) as string | undefined,
        keepOthers: field(body, 'keep_others', ['boolean']) as boolean | undefined,
        createAccount: field(body, 'create_account', ['boolean']) as boolean | undefined,
      });
      return { status: 201, body: link };
    },
  },
  { method: 'POST', path: '/login-links/verify', handle: (store, { body }) => usable(() => store.loginLinks.verify(token(body))) },
  { method: 'POST', path: '/login-links/redeem', handle: (store, { body }) => usable(() => store.loginLinks.redeem(token(body))) },
];

/** The routes as the OpenAPI document names them, for a test that the two agree. */
export const ROUTE_KEYS: readonly string[] = ROUTES.map((r) => `${r.method} ${r.path}`);

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '/login-links': ['customer', 'ttl', 'url', 'keep_others', 'create_account'],
  '/login-links/verify': ['token'],
  '/login-links/redeem': ['token'],
};

function field(body: Json, name: string, types: readonly string[], required = false): unknown {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new HttpError(400, 'INVALID', `"${name}" is required`);
    return undefined;
  }
  if (!types.includes(typeof value)) throw new HttpError(400, 'INVALID', `"${name}" is ${types.join(' or ')}, not ${typeof value}`);
  return value;
}

function token(body: Json): string {
  return field(body, 'token', ['string'], true) as string;
}

/** A verify or redeem: the customer, or 404/410 with the reason (as `redeem --json` says it). */
function usable(fn: () => ReturnType<CustomerStore['loginLinks']['verify']>): Reply {
  try {
    return { status: 200, body: { ok: true, ...fn() } };
  } catch (error) {
    if (!(error instanceof LoginLinkError)) throw error;
    return { status: error.reason === 'unknown' ? 404 : 410, body: { ok: false, reason: error.reason, error: { code: error.code, message: error.message } } };
  }
}

const STATUS_OF: Record<string, number> = { NOT_FOUND: 404, CONFLICT: 409, INVALID: 400, USAGE: 400 };

/** The server; the caller listens, and closes it (see stopGracefully). */
export function createApiServer(store: CustomerStore, options: ServeOptions): Server {
  const expected = options.authToken === undefined ? undefined : digest(options.authToken);
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.log(`${options.now().toISOString()} ${req.method} ${shown(path)} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    answer(store, req, path, expected)
      .catch((error: unknown) => errorReply(error))
      .then((reply) => send(res, reply));
  });
  // A client that sends nothing, or trickles a request out, does not hold a connection for Node's 5 minutes.
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // What Node refuses before a request exists (headers over 16 KiB, a malformed request line): a JSON answer too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    options.log(`${options.now().toISOString()} - - ${status} (${error.code ?? 'bad request'})`);
    if (!socket.writable) return socket.destroy();
    const text = JSON.stringify({ error: { code: 'INVALID', message: status === 431 ? 'the request headers are over 16 KiB' : status === 408 ? 'the request took too long to arrive' : 'not an HTTP request this server can read' } });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
  });
  return server;
}

/** How long a client may take to send its headers, and its whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

async function answer(store: CustomerStore, req: IncomingMessage, path: string, expected: Buffer | undefined): Promise<Reply & { headers?: Record<string, string> }> {
  if (expected && !authorized(req.headers.authorization, expected)) {
    throw new HttpError(401, 'UNAUTHORIZED', 'this server needs Authorization: Bearer TOKEN (the token serve was started with)', { 'www-authenticate': 'Bearer' });
  }
  const { route, ref } = findRoute(req.method ?? 'GET', path);
  if (route.method === 'GET') {
    await drain(req);
    return route.handle(store, { ref, body: {} });
  }
  return route.handle(store, { ref, body: await readJson(req, path) });
}

function findRoute(method: string, path: string): { route: Route; ref?: string } {
  const matches = ROUTES.flatMap((route) => {
    const ref = matchPath(route.path, path);
    return ref === false ? [] : [{ route, ref }];
  });
  if (!matches.length) throw new HttpError(404, 'NOT_FOUND', `no such route: ${shown(path)} (GET /openapi.json lists them)`);
  const match = matches.find((m) => m.route.method === method);
  if (!match) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${shown(path)} takes ${matches.map((m) => m.route.method).join(', ')}, not ${method}`, { allow: matches.map((m) => m.route.method).join(', ') });
  return { route: match.route, ref: match.ref };
}

/** undefined: matched without a parameter; a string: the {ref} segment, decoded; false: no match. */
function matchPath(pattern: string, path: string): string | undefined | false {
  const at = pattern.indexOf('{ref}');
  if (at < 0) return pattern === path ? undefined : false;
  const prefix = pattern.slice(0, at);
  const segment = path.startsWith(prefix) ? path.slice(prefix.length) : '';
  if (segment === '' || segment.includes('/')) return false;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'INVALID', `"${shown(segment)}" is not a percent-encoded customer id or e-mail`);
  }
}

/** The body, at most MAX_BODY_BYTES, as a JSON object. */
async function readJson(req: IncomingMessage, path: string): Promise<Json> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'INVALID', `the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'INVALID', 'the body is a JSON object, such as {"token": "..."}');
  const unknown = Object.keys(body).filter((key) => !KNOWN_KEYS[path]?.includes(key));
  if (unknown.length) throw new HttpError(400, 'INVALID', `unknown field "${shown(unknown[0])}"; ${path} takes ${KNOWN_KEYS[path].join(', ')}`);
  return body as Json;
}

function tooLarge(): HttpError {
  return new HttpError(413, 'TOO_LARGE', `the body is over ${MAX_BODY_BYTES / 1024} KiB`, { connection: 'close' });
}

async function drain(req: IncomingMessage): Promise<void> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
  }
}

function errorReply(error: unknown): Reply & { headers?: Record<string, string> } {
  if (error instanceof HttpError) return { status: error.status, body: { error: { code: error.code, message: error.message } }, headers: error.headers };
  if (error instanceof CustomersError) {
    return { status: STATUS_OF[error.code] ?? 500, body: { error: { code: error.code, message: error.message, details: error.details } } };
  }
  return { status: 500, body: { error: { code: 'ERROR', message: (error as Error)?.message ?? String(error) } } };
}

function send(res: ServerResponse, reply: Reply & { headers?: Record<string, string> }): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...reply.headers });
  res.end(text);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares the token as hashes of equal length, in constant time. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]), expected);
}

/** How long a stop waits for requests in flight before closing their connections. */
const STOP_DEADLINE_MS = 10_000;

/**
 * Stops taking connections, lets the requests in flight finish (their answers are sent), closes keep-alive
 * connections as they fall idle, and resolves once every connection is gone (or after STOP_DEADLINE_MS).
 */
export function stopGracefully(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 20);
    const deadline = setTimeout(() => server.closeAllConnections(), STOP_DEADLINE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
