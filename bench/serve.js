/**
 * `customers serve` under load: redeems a second over keep-alive connections from a local client, and their
 * latency (p50, p99), against a reference in the same run: a bare Node HTTP server answering the same
 * requests with a fixed JSON body (what HTTP alone costs on this machine). Target: at least 2,000 redeems
 * a second. Prints figures; never fails on timing.
 *
 *   BENCH_LINKS=20000      links issued, then redeemed once each (default 20,000)
 *   BENCH_CONNECTIONS=8    keep-alive connections the client keeps busy
 */
import { spawn } from 'node:child_process';
import { createServer, Agent, request } from 'node:http';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './store.js';

const LINKS = Number(process.env.BENCH_LINKS ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const { openStore } = createRequire(import.meta.url)('../dist/api.cjs');
const db = join(tmpdir(), `customers-bench-serve-${process.pid}.db`);
const clean = () => ['', '-wal', '-shm'].forEach((s) => rmSync(db + s, { force: true }));

/** POSTs each body in turn over CONNECTIONS keep-alive connections; returns the statuses and latencies. */
async function load(port, bodies) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  const statuses = new Map();
  let next = 0;
  const one = (body) => new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path: '/login-links/redeem', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  const worker = async () => {
    while (next < bodies.length) await one(bodies[next++]);
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: bodies.length / seconds, p50: at(0.5), p99: at(0.99), statuses };
}

/** The reference: the same requests, answered by a bare server with a fixed body of the same size. */
async function reference(bodies, answer) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await load(server.address().port, bodies);
  await new Promise((resolve) => server.close(resolve));
  return result;
}

async function startServe() {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []), BIN, '--db', db, '--quiet', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  return { port, stop: () => new Promise((resolve) => child.on('exit', resolve).kill('SIGTERM')) };
}

clean();
try {
  const store = openStore(db);
  await store.seed.generate({ count: LINKS, seed: 'bench' });
  const issued = store.loginLinks.issueMany({ all: true }, { url: 'http://localhost:3000/login?key={token}', createAccount: true }).links;
  const sample = JSON.stringify({ ok: true, ...store.loginLinks.verify(issued[0].token) });
  store.close();
  const bodies = issued.map((l) => JSON.stringify({ token: l.token }));

  console.log(`customers serve bench; Node ${process.version}; ${LINKS.toLocaleString('en-US')} redeems over ${CONNECTIONS} keep-alive connections\n`);
  const served = await startServe();
  const redeem = await load(served.port, bodies);
  await served.stop();
  const bare = await reference(bodies, sample);
  const row = (name, r) => console.log(`${name.padEnd(34)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(7)}/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms`);
  row('customers serve: POST redeem', redeem);
  row('bare Node server, same requests', bare);
  console.log(`  statuses ${JSON.stringify(Object.fromEntries(redeem.statuses))} (every link redeemed once: all 200)`);
  console.log(`  redeems ${(redeem.perSecond / bare.perSecond * 100).toFixed(0)}% of bare HTTP; target >= 2,000/s: ${redeem.perSecond >= 2000 ? 'met' : 'NOT met'}`);
} finally {
  clean();
}
