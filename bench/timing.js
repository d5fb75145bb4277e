/** Times whole processes: runs each command `runs` times, interleaved so drift hits all alike. */
import { spawnSync } from 'node:child_process';

/** @param {{ name: string, argv: string[], env?: Record<string,string> }[]} commands */
export function timeCommands(commands, runs = 20) {
  const samples = new Map(commands.map((c) => [c.name, []]));
  for (let i = 0; i < runs + 2; i++) {
    for (const c of commands) {
      const started = process.hrtime.bigint();
      const r = spawnSync(c.argv[0], c.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...c.env }, maxBuffer: 1 << 30 });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
      if (i >= 2) samples.get(c.name).push(ms); // the first two runs warm the file cache
    }
  }
  return new Map([...samples].map(([name, ms]) => [name, summarize(ms)]));
}

export function summarize(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], runs: sorted.length };
}

export function timeOnce(argv, env = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
