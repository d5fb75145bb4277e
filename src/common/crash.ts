/**
 * Deterministic crash points for tests, the way SQLite's own crash tests fail at a chosen write rather than
 * at a chosen time: with CUSTOMERS_TEST_CRASH_AFTER_ROWS=N the process kills itself (SIGKILL, no clean-up)
 * once a write has written N rows, inside its transaction. Never set outside tests.
 */
export function crashPointFrom(env: Record<string, string | undefined>): number | undefined {
  const value = env.CUSTOMERS_TEST_CRASH_AFTER_ROWS;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function crashIfReached(point: number | undefined, rowsWritten: number): void {
  if (point !== undefined && rowsWritten >= point) process.kill(process.pid, 'SIGKILL');
}
