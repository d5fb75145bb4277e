/** customers serve, over real HTTP on a free loopback port, against the built CLI in another process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROUTE_KEYS } from '../src/serve/server.js';
import { BIN, spawnCli } from './helpers/spawn-cli.js';

const LOGIN = 'http://localhost:3000/login?key={token}';

interface Served {
  base: string;
  port: number;
  db: string;
  child: ChildProcess;
  stderr: () => string;
  /** Sends the signal and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; stderr: string }>;
}

async function storeWithAlice(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'customers-serve-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'store.db');
  expect((await spawnCli(['--db', db, 'add', '--email', 'alice@example.com', '--first-name', 'Alice'])).code).toBe(0);
  expect((await spawnCli(['--db', db, 'config', 'set', 'store.login_url', LOGIN])).code).toBe(0);
  return db;
}

/** Starts `customers serve --port 0` and reads the port it prints. */
async function serve(db: string, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, '--db', db, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.endsWith('\n')) resolve(Number(stdout.trim()));
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`, port, db, child, stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return { code: await exited, stderr };
    },
  };
}

async function post(served: Served, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(served.base + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: await res.json() };
}

describe('serve', () => {
  it('issues, verifies and redeems links once, finds customers, and logs no token', async () => {
    const served = await serve(await storeWithAlice());
    expect(await (await fetch(`${served.base}/healthz`)).json()).toEqual({ ok: true });
    const issued = await post(served, '/login-links', { customer: 'alice@example.com', ttl: '15m' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ customer_id: 1, email: 'alice@example.com' });
    expect(issued.body.url).toBe(`http://localhost:3000/login?key=${issued.body.token}`);
    expect(await post(served, '/login-links/verify', { token: issued.body.url })).toMatchObject({ status: 200, body: { ok: true, customer: { email: 'alice@example.com' } } });
    expect(await post(served, '/login-links/redeem', { token: issued.body.token })).toMatchObject({ status: 200, body: { ok: true, link: { id: issued.body.id } } });
    expect(await post(served, '/login-links/redeem', { token: issued.body.token })).toMatchObject({ status: 410, body: { ok: false, reason: 'used', error: { code: 'LINK_USED' } } });
    expect(await post(served, '/login-links/verify', { token: 'x'.repeat(43) })).toMatchObject({ status: 404, body: { reason: 'unknown', error: { code: 'LINK_UNKNOWN' } } });

    const alice = await fetch(`${served.base}/customers/${encodeURIComponent('ALICE@example.com')}`);
    expect(await alice.json()).toMatchObject({ id: 1, first_name: 'Alice', last_login_at: expect.any(String) });
    expect((await fetch(`${served.base}/customers/2`)).status).toBe(404);

    const { code, stderr } = await served.stop('SIGINT');
    expect(code).toBe(0);
    expect(stderr).toMatch(/POST \/login-links\/redeem 410 \d+\.\dms/);
    expect(stderr).toMatch(/GET \/customers\/ALICE%40example\.com 200/);
    expect(stderr).not.toContain(issued.body.token);
    expect(stderr).toMatch(/Stopped\.\n$/);
  });

  it('describes exactly the routes it answers in /openapi.json', async () => {
    const served = await serve(await storeWithAlice());
    const doc = await (await fetch(`${served.base}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    const described = Object.entries(doc.paths as Record<string, object>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual([...ROUTE_KEYS].sort());
    expect(Object.keys(doc.components.schemas.Customer.properties)).toContain('last_login_at');
  });

  it('answers hostile requests with 4xx JSON and keeps serving', async () => {
    const served = await serve(await storeWithAlice());
    const cases: [string, string, string | undefined, number, string][] = [
      ['POST', '/login-links/redeem', '{"token": ', 400, 'INVALID'],
      ['POST', '/login-links/redeem', '["token"]', 400, 'INVALID'],
      ['POST', '/login-links/redeem', '{"token": 42}', 400, 'INVALID'],
      ['POST', '/login-links/redeem', '{}', 400, 'INVALID'],
      ['POST', '/login-links', '{"customer": "alice@example.com", "admin": true}', 400, 'INVALID'],
      ['POST', '/login-links', '{"customer": "alice@example.com", "ttl": "forever"}', 400, 'INVALID'],
      ['POST', '/login-links', '{"customer": "nobody@example.com"}', 404, 'NOT_FOUND'],
      ['POST', '/login-links', '{"customer": "alice@example.com", "url": "http://evil.example.com/?k={token}"}', 400, 'INVALID'],
      ['POST', '/login-links/redeem', JSON.stringify({ token: 'a'.repeat(70_000) }), 413, 'TOO_LARGE'],
      ['GET', '/customers/%E0%A4%A', undefined, 400, 'INVALID'],
      ['GET', '/customers/Bob', undefined, 400, 'INVALID'],
      ['GET', '/admin', undefined, 404, 'NOT_FOUND'],
      ['DELETE', '/login-links', undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['GET', '/login-links/redeem?token=abc', undefined, 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await fetch(served.base + path, { method, body });
      expect([method, path, res.status]).toEqual([method, path, status]);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await res.json()).error.code).toBe(code);
    }
    expect((await fetch(`${served.base}/login-links`, { method: 'DELETE' })).headers.get('allow')).toBe('POST');
    const huge = await fetch(`${served.base}/healthz`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect((await huge.json()).error.message).toMatch(/16 KiB/);
    expect(await post(served, '/login-links', { customer: 1, url: 'http://localhost/\r\nX: y?k={token}' })).toMatchObject({ status: 400, body: { error: { code: 'INVALID' } } });
    expect((await fetch(`${served.base}/healthz`)).status).toBe(200);
    const { stderr } = await served.stop();
    expect(stderr).toMatch(/GET \/login-links\/redeem 405/); // the query string is not logged
    expect(stderr).not.toContain('token=abc');
  });

  it('redeems a token exactly once when the server and the CLI race for it', async () => {
    const served = await serve(await storeWithAlice());
    for (let round = 0; round < 5; round++) {
      const { body: link } = await post(served, '/login-links', { customer: 1 });
      const [http, cli] = await Promise.all([post(served, '/login-links/redeem', { token: link.token }), spawnCli(['--db', served.db, 'login-link', 'redeem', '--json', link.token])]);
      const cliWon = cli.code === 0;
      expect([http.status === 200, cliWon].filter(Boolean), `round ${round}: ${JSON.stringify(http.body)} / ${cli.stdout}`).toHaveLength(1);
      expect(cliWon ? http.body.reason : JSON.parse(cli.stdout).reason).toBe('used');
    }
  });

  it('finishes a request in flight when stopped, then exits 0', async () => {
    const served = await serve(await storeWithAlice());
    const { body: link } = await post(served, '/login-links', { customer: 1 });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${served.base}/login-links/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write('{"token": ');
      // The body's end comes after the stop signal.
      setTimeout(() => req.end(JSON.stringify(link.token) + '}'), 400);
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stopped = served.stop('SIGTERM');
    expect(await answer).toMatchObject({ status: 200 });
    const { code, stderr } = await stopped;
    expect(code).toBe(0);
    expect(stderr).toMatch(/SIGTERM: answering the requests in flight/);
  });

  it('needs a bearer token to listen beyond this machine, and checks it on every request', async () => {
    const db = await storeWithAlice();
    const open = await spawnCli(['--db', db, 'serve', '--host', '0.0.0.0', '--port', '0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--auth-token/);
    expect((await spawnCli(['--db', db, 'serve', '--auth-token', 'short'])).code).toBe(2);
    const spaced = await spawnCli(['--db', db, 'serve', '--auth-token', 'a token with spaces in it']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toMatch(/space or a line break/);

    const secret = 'k3y-0f-the-test-suite-1234';
    const served = await serve(db, ['--host', '0.0.0.0', '--auth-token', secret]);
    const denied = await fetch(`${served.base}/healthz`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${served.base}/healthz`, { headers: { authorization: 'Bearer wrong-token-of-the-same-size' } })).status).toBe(401);
    const issued = await post(served, '/login-links', { customer: 1 }, { authorization: `Bearer ${secret}` });
    expect(issued.status).toBe(201);
    await served.stop();
    const history = await spawnCli(['--db', db, 'history', '--format', 'json']);
    expect(history.stdout).toContain("serve --port 0 --host 0.0.0.0 --auth-token '***'");
    expect(history.stdout).not.toContain(secret);

    const fromEnv = await serve(db, [], { CUSTOMERS_SERVE_TOKEN: secret });
    expect((await fetch(`${fromEnv.base}/healthz`)).status).toBe(401);
    expect((await fetch(`${fromEnv.base}/healthz`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
  });

  it('says when the port is taken', async () => {
    const served = await serve(await storeWithAlice());
    const second = await spawnCli(['--db', served.db, 'serve', '--port', String(served.port)]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`port ${served.port} is in use by another program: pass another --port, or --port 0`));
    expect((await spawnCli(['--db', served.db, 'serve', '--port', '70000'])).code).toBe(2);
  });
});
