/** A one-line progress report on stderr, only when stderr is a terminal: rows, bytes, rate, time left. */
import type { Context } from '../context.js';

const MB = 1024 * 1024;

export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(private readonly ctx: Context, private readonly totalBytes: number | undefined, private readonly what: string) {
    this.enabled = Boolean(ctx.io.stderr.isTTY) && !ctx.global.quiet;
  }

  update(rows: number, bytes: number): void {
    const now = Date.now();
    if (!this.enabled || now - this.last < 100) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(rows / seconds);
    let line = `${rows.toLocaleString('en-US')} ${this.what}  ${(bytes / MB).toFixed(1)} MB`;
    if (this.totalBytes) {
      const left = ((this.totalBytes - bytes) / Math.max(bytes, 1)) * seconds;
      line += ` of ${(this.totalBytes / MB).toFixed(1)} MB (${Math.floor((bytes / this.totalBytes) * 100)}%)`;
      line += `  ${rate.toLocaleString('en-US')}/s  ETA ${formatDuration(left)}`;
    } else {
      line += `  ${rate.toLocaleString('en-US')}/s`;
    }
    this.ctx.io.stderr.write(`\r\u001b[2K${line}`);
    this.shown = true;
  }

  /** A step counted to a known total, e.g. "hashing passwords 120/500". */
  count(what: string, done: number, total: number): void {
    const now = Date.now();
    if (!this.enabled || (now - this.last < 100 && done !== 0 && done !== total)) return;
    this.last = now;
    this.ctx.io.stderr.write(`\r\u001b[2K${what} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
    this.shown = true;
  }

  /** Clears the line, so what follows starts on a clean one. */
  done(): void {
    if (this.shown) this.ctx.io.stderr.write('\r\u001b[2K');
  }
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
