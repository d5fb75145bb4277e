/**
 * Property test of history and undo: random sequences of writing commands and undos against a real store,
 * checked against a plain model. The model does not re-implement the commands: it watches what each one did
 * (the native export and the groups, before and after) and keeps, per operation, the customers and groups
 * it touched and the state before it. From that alone it says what an undo must do, or why it must refuse.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { json, type RunOptions, type RunResult, storeCli } from './helpers/run-cli.js';

const EMAILS = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'];
const NAMES = ['Ann', 'Bob'];
const COUNTRIES = ['BE', 'FR'];
// 'VIP' and 'vip' are one name to the store (group names are unique ignoring case).
const GROUPS = ['Retail', 'VIP', 'vip', 'Outlet'];
const TAGS = ['new', 'old'];

// ---------------------------------------------------------------------------------------------------------
// The state of the store as the model sees it

/** A customer as exported, its group named by id (a group rename changes no customer). */
interface Row {
  email: string;
  group: number | null;
  /** The whole exported row, group as id: two rows are equal when their keys are. */
  key: string;
}

interface State {
  customers: Map<number, Row>;
  /** Group id -> its name and creation time, as one string. */
  groups: Map<number, string>;
  groupNames: Map<number, string>;
}

interface Snapshot {
  export: string;
  state: State;
}

function readGroups(db: string): { id: number; name: string; created_at: string }[] {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare('SELECT id, name, created_at FROM groups ORDER BY id').all() as { id: number; name: string; created_at: string }[];
  } finally {
    raw.close();
  }
}

/** The native export and the groups table, read into the model's terms. */
async function snapshot(world: World): Promise<Snapshot> {
  const out = await world.cli('export');
  expect(out.code, out.stderr).toBe(0);
  const groups = readGroups(world.db);
  const byName = new Map(groups.map((g) => [g.name, g.id]));
  const [header, ...records] = parse(out.stdout) as string[][];
  const at = (name: string) => header.indexOf(name);
  const customers = new Map<number, Row>();
  for (const record of records) {
    const name = record[at('group')];
    const group = name === '' ? null : byName.get(name)!;
    expect(group, `group ${name} of an exported customer`).not.toBeUndefined();
    const fields = record.map((v, i) => (i === at('group') ? group : v));
    customers.set(Number(record[at('id')]), { email: record[at('email')], group, key: JSON.stringify(fields) });
  }
  return {
    export: out.stdout,
    state: {
      customers,
      groups: new Map(groups.map((g) => [g.id, JSON.stringify([g.name, g.created_at])])),
      groupNames: new Map(groups.map((g) => [g.id, g.name])),
    },
  };
}

/** The ids whose value differs between two maps (present in one only, or different). */
function changedKeys<V>(a: Map<number, V>, b: Map<number, V>, same: (x: V, y: V) => boolean): Set<number> {
  const ids = new Set<number>();
  for (const [id, x] of a) if (!b.has(id) || !same(x, b.get(id)!)) ids.add(id);
  for (const id of b.keys()) if (!a.has(id)) ids.add(id);
  return ids;
}

function touchedBetween(before: State, after: State): { customers: Set<number>; groups: Set<number> } {
  return {
    customers: changedKeys(before.customers, after.customers, (x, y) => x.key === y.key),
    groups: changedKeys(before.groups, after.groups, (x, y) => x === y),
  };
}

/** A state as comparable plain data. */
function plain(state: State): { customers: [number, string][]; groups: [number, string][] } {
  return {
    customers: [...state.customers].map(([id, row]) => [id, row.key] as [number, string]).sort((a, b) => a[0] - b[0]),
    groups: [...state.groups].sort((a, b) => a[0] - b[0]),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The model of the history: which operation touched what, and which are still in effect

interface Op {
  id: number;
  /** What it touched, as the exports before and after it differ. */
  customers: Set<number>;
  groups: Set<number>;
  before: State;
  exportBefore: string;
  /** For an undo: the operation it reversed. */
  undoes?: number;
  /** The latest undo of it. */
  undoneBy?: number;
}

class History {
  readonly ops = new Map<number, Op>();
  /** Operation numbers, oldest first. They are the store's: one that changed nothing leaves a gap. */
  readonly order: number[] = [];

  record(id: number, op: Omit<Op, 'id'>): Op {
    const entry = { ...op, id };
    this.ops.set(id, entry);
    this.order.push(id);
    return entry;
  }

  after(id: number): number[] {
    return this.order.filter((later) => later > id);
  }

  /** In effect: never undone, or its latest undo is itself undone. */
  inEffect(id: number): boolean {
    const by = this.ops.get(id)!.undoneBy;
    return by === undefined || !this.inEffect(by);
  }

  /**
   * An operation whose effect is cancelled: it is undone by an undo in effect, or it is that undo. Such a
   * pair after `since` changes nothing overall, so it does not stand in the way of undoing `since`.
   */
  cancelled(id: number, since: number): boolean {
    const op = this.ops.get(id)!;
    if (op.undoneBy !== undefined && this.inEffect(op.undoneBy)) return true;
    if (op.undoes === undefined || op.undoes <= since) return false;
    return this.ops.get(op.undoes)!.undoneBy === id && this.inEffect(id);
  }

  /** What `undo` with no OP takes: the latest operation in effect whose effect is not cancelled. */
  latest(): number | undefined {
    return [...this.order].reverse().find((id) => this.inEffect(id) && !this.cancelled(id, 0));
  }

  /** The later operations, not cancelled, that touched any of the customers or groups `target` touched. */
  blocking(target: Op): number[] {
    const found: number[] = [];
    for (const id of this.after(target.id)) {
      const later = this.ops.get(id)!;
      if (this.cancelled(id, target.id)) continue;
      const overlap = [...later.customers].some((c) => target.customers.has(c)) || [...later.groups].some((g) => target.groups.has(g));
      if (overlap) found.push(id);
    }
    return found;
  }

  /** Whether every operation since `target` is cancelled: the store should then be as it was before it. */
  nothingSince(target: Op): boolean {
    return this.after(target.id).every((id) => this.cancelled(id, target.id));
  }
}

type Prediction = { refused: string[] } | { state: State };

/** Why undoing `target` now must be refused, in the order undo checks: what its message must say. */
function refusal(history: History, target: Op, now: State): string[] | undefined {
  if (!history.inEffect(target.id)) return [`operation ${target.id} (`, 'is already undone'];
  const blocking = history.blocking(target);
  // The message names the latest of the operations in the way.
  if (blocking.length) return [`cannot undo operation ${target.id} (`, `: operation ${Math.max(...blocking)} (`];
  const images = [...target.customers].filter((id) => target.before.customers.has(id)).map((id) => [id, target.before.customers.get(id)!] as const);
  // Its customers go back into their groups: one deleted since (not by it) is missing.
  const own = (g: number) => target.groups.has(g) && target.before.groups.has(g);
  if (images.some(([, row]) => row.group !== null && !now.groups.has(row.group) && !own(row.group))) return ['deleted since'];
  // An e-mail it gives back must not belong to a customer it leaves alone.
  const taken = images.some(([id, row]) => row.email !== '' && [...now.customers].some(([other, r]) => other !== id && r.email === row.email && !target.customers.has(other)));
  if (taken) return ['which customer'];
  // A group it renamed or deleted comes back under its old name, which must be free.
  for (const g of target.groups) {
    const name = target.before.groupNames.get(g);
    if (name === undefined) continue;
    if ([...now.groupNames].some(([other, n]) => other !== g && n.toLowerCase() === name.toLowerCase())) return ['cannot come back'];
  }
  return undefined;
}

/** What undoing `target` must leave: its customers and groups as they were before it, the rest as now. */
function predictUndo(history: History, target: Op, now: State): Prediction {
  const refused = refusal(history, target, now);
  if (refused !== undefined) return { refused };
  const next: State = { customers: new Map(now.customers), groups: new Map(now.groups), groupNames: new Map(now.groupNames) };
  for (const id of target.customers) {
    const row = target.before.customers.get(id);
    if (row) next.customers.set(id, row);
    else next.customers.delete(id);
  }
  for (const g of target.groups) {
    if (target.before.groups.has(g)) {
      next.groups.set(g, target.before.groups.get(g)!);
      next.groupNames.set(g, target.before.groupNames.get(g)!);
    } else if (![...next.customers.values()].some((row) => row.group === g)) {
      // A group it created stays when customers are in it now.
      next.groups.delete(g);
      next.groupNames.delete(g);
    }
  }
  return { state: next };
}

// ---------------------------------------------------------------------------------------------------------
// Running steps against the store and the model side by side

interface World {
  cli: (...args: (string | RunOptions)[]) => Promise<RunResult>;
  db: string;
  dir: string;
  history: History;
  now: Snapshot;
  /** Each command runs a minute after the last, so that updated_at tells changes apart. */
  clock: number;
}

type ImportRow = { email: string; name: string; group: string; tags: string };
type Step = { args: string[] } | { import: ImportRow[] } | { undo: number | null };

function run(world: World, ...args: string[]): Promise<RunResult> {
  world.clock += 60_000;
  return world.cli(...args, { now: new Date(world.clock) });
}

interface Listed {
  op: number;
  undoes: number | null;
  undone_by: number | null;
}

/**
 * Checks the operation the last command recorded against the model: the store lists the model's operations
 * and, when `record` is given, one more, which `record` adds to the model; each undoes and is undone by what
 * the model says.
 */
async function checkHistory(world: World, record?: (op: number) => void): Promise<void> {
  const listed = json<Listed[]>(await world.cli('history', '--json')).reverse();
  const known = world.history.order.length;
  expect(listed.slice(0, known).map((e) => e.op), 'the operations recorded before').toEqual(world.history.order);
  expect(listed.length, 'how many operations the command recorded').toBe(known + (record ? 1 : 0));
  record?.(listed[known].op);
  for (const entry of listed) {
    const op = world.history.ops.get(entry.op)!;
    expect([entry.undoes, entry.undone_by], `operation ${entry.op} undoes, undone by`).toEqual([op.undoes ?? null, op.undoneBy ?? null]);
  }
}

/** The customers the store says an operation touched are those whose exported row it changed. */
async function checkTouched(world: World, op: number, touched: Set<number>): Promise<void> {
  const shown = await world.cli('history', 'show', String(op), '--format', 'ids');
  const ids = shown.stdout.split('\n').filter(Boolean).map(Number);
  expect(ids.sort((a, b) => a - b), `customers of operation ${op}`).toEqual([...touched].sort((a, b) => a - b));
}

/** A writing command: recorded as an operation when it changed something; when it failed, it changed nothing. */
async function writeStep(world: World, args: string[]): Promise<void> {
  const before = world.now;
  const result = await run(world, ...args);
  const after = await snapshot(world);
  const touched = touchedBetween(before.state, after.state);
  const changed = result.code === 0 && (touched.customers.size > 0 || touched.groups.size > 0);
  if (result.code !== 0) {
    expect(after.export, `${args.join(' ')} failed (${result.stderr.trim()}) and changed nothing`).toBe(before.export);
    expect(touched.groups.size, 'a failed command leaves the groups').toBe(0);
  }
  let op: number | undefined;
  await checkHistory(world, changed ? (id) => world.history.record((op = id), { ...touched, before: before.state, exportBefore: before.export }) : undefined);
  if (op !== undefined) await checkTouched(world, op, touched.customers);
  world.now = after;
}

async function importStep(world: World, rows: ImportRow[], index: number): Promise<void> {
  const file = join(world.dir, `import-${index}.csv`);
  const quote = (v: string) => `"${v}"`;
  writeFileSync(file, ['email,first_name,group,tags', ...rows.map((r) => [r.email, r.name, r.group, r.tags].map(quote).join(','))].join('\n') + '\n');
  await writeStep(world, ['import', file]);
}

/** An undo: refused exactly when the model says so, else leaving the state the model predicts. */
async function undoStep(world: World, pick: number | null): Promise<void> {
  const { history } = world;
  const before = world.now;
  const target = pick === null ? history.latest() : history.order[pick % history.order.length];
  const result = await run(world, 'undo', ...(pick === null ? [] : [String(target)]));
  if (target === undefined) {
    expect(result, 'nothing to undo').toMatchObject({ code: 1 });
    expect(result.stderr).toContain('nothing to undo');
    expect((await snapshot(world)).export).toBe(before.export);
    return;
  }
  const op = history.ops.get(target)!;
  const prediction = predictUndo(history, op, before.state);
  if ('refused' in prediction) {
    expect(result.code, `undo ${target} must be refused: ${result.stderr}`).toBe(1);
    for (const text of prediction.refused) expect(result.stderr).toContain(text);
    expect((await snapshot(world)).export, 'a refused undo changes nothing').toBe(before.export);
    return checkHistory(world);
  }
  expect(result, `undo ${target}`).toMatchObject({ code: 0, stderr: expect.stringContaining(`Undid operation ${target} (`) });
  const after = await snapshot(world);
  expect(plain(after.state), `the store after undo ${target}`).toEqual(plain(prediction.state));
  // Nothing since it still in effect: the store is byte for byte as it was before it (before the undo it undid, for a redo).
  if (history.nothingSince(op)) expect(after.export, `the export after undo ${target}`).toBe(op.exportBefore);
  const touched = touchedBetween(before.state, after.state);
  let undo = 0;
  await checkHistory(world, (id) => {
    history.record((undo = id), { ...touched, before: before.state, exportBefore: before.export, undoes: target });
    op.undoneBy = id;
  });
  world.now = after;
  await checkTouched(world, undo, touched.customers);
}

async function runSteps(steps: Step[]): Promise<void> {
  const { cli, db, dir } = storeCli();
  const empty: State = { customers: new Map(), groups: new Map(), groupNames: new Map() };
  const world: World = { cli, db, dir, history: new History(), now: { export: '', state: empty }, clock: Date.parse('2026-03-01T10:00:00Z') };
  // The store exists from its first command on; before that, its export would be the header alone.
  expect((await run(world, 'groups', 'create', 'Retail')).code).toBe(0);
  world.now = await snapshot(world);
  const header = world.now.export.slice(0, world.now.export.indexOf('\n') + 1);
  world.history.record(1, { customers: new Set(), groups: new Set(world.now.state.groups.keys()), before: empty, exportBefore: header });
  const setup: Step[] = [
    { args: ['add', '--email', EMAILS[0], '--first-name', 'Ann', '--group', 'Retail', '--tag', 'old'] },
    { args: ['add', '--email', EMAILS[1], '--country', 'BE'] },
    { args: ['add', '--email', EMAILS[2], '--country', 'FR', '--tag', 'new'] },
  ];
  for (const [i, step] of [...setup, ...steps].entries()) {
    if ('args' in step) await writeStep(world, step.args);
    else if ('import' in step) await importStep(world, step.import, i);
    else await undoStep(world, step.undo);
  }
  const check = await cli('db', 'check');
  expect(check, 'db check').toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok/) });
}

// ---------------------------------------------------------------------------------------------------------
// Random steps: a handful of customers, groups whose names may clash, and many undos

const ref = fc.oneof(fc.integer({ min: 1, max: 6 }).map(String), fc.constantFrom(...EMAILS));
const group = fc.constantFrom(...GROUPS);
const tag = fc.constantFrom(...TAGS);

const selector = fc.oneof(
  fc.constantFrom(['--all'], ['--country', 'BE'], ['--country', 'FR'], ['--tag', 'old'], ['--tag', 'new'], ['--no-group']),
  group.map((g) => ['--group', g]),
  fc.array(ref, { minLength: 1, maxLength: 2 }),
);

const bulkChange = fc.oneof(
  fc.constantFrom(...COUNTRIES, '').map((c) => ['--set', `country=${c}`]),
  fc.constantFrom(...NAMES).map((n) => ['--set', `first_name=${n}`]),
  fc.constantFrom(...GROUPS, '').map((g) => ['--set', `group=${g}`]),
  tag.map((t) => ['--add-tag', t]),
  tag.map((t) => ['--remove-tag', t]),
);

const editChange = fc.oneof(
  fc.constantFrom(...EMAILS).map((e) => ['--email', e]),
  fc.constantFrom(...NAMES).map((n) => ['--first-name', n]),
  fc.constantFrom(...COUNTRIES).map((c) => ['--country', c]),
  group.map((g) => ['--group', g]),
  fc.constant(['--no-group']),
  tag.map((t) => ['--add-tag', t]),
  tag.map((t) => ['--remove-tag', t]),
);

const importRow: fc.Arbitrary<ImportRow> = fc.record({
  email: fc.constantFrom(...EMAILS),
  name: fc.constantFrom('', ...NAMES),
  group: fc.constantFrom('', ...GROUPS),
  tags: fc.constantFrom('', 'old', 'new, old'),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...EMAILS), fc.constantFrom(...NAMES), fc.constantFrom(...COUNTRIES), fc.option(group), fc.option(tag)).map(([e, n, c, g, t]) => ({
    args: ['add', '--email', e, '--first-name', n, '--country', c, ...(g ? ['--group', g] : []), ...(t ? ['--tag', t] : [])],
  })) },
  { weight: 2, arbitrary: fc.tuple(ref, editChange).map(([r, c]) => ({ args: ['edit', r, ...c] })) },
  { weight: 3, arbitrary: fc.tuple(selector, fc.array(bulkChange, { minLength: 1, maxLength: 2 })).map(([s, c]) => ({ args: ['update', ...s, ...c.flat(), '--yes'] })) },
  { weight: 1, arbitrary: selector.map((s) => ({ args: ['delete', ...s, '--yes'] })) },
  { weight: 2, arbitrary: fc.array(importRow, { minLength: 1, maxLength: 3 }).map((rows) => ({ import: rows })) },
  { weight: 1, arbitrary: group.map((g) => ({ args: ['groups', 'create', g] })) },
  // A rename to the same name is left out: it records an operation that changed nothing (a test below). So
  // is a change of case only, which may be one ('VIP' to 'vip' when the group is named 'vip').
  { weight: 1, arbitrary: fc.tuple(group, group).filter(([a, b]) => a.toLowerCase() !== b.toLowerCase()).map(([a, b]) => ({ args: ['groups', 'rename', a, b] })) },
  { weight: 1, arbitrary: group.map((g) => ({ args: ['groups', 'delete', g, '--yes'] })) },
  { weight: 5, arbitrary: fc.option(fc.nat(), { freq: 2 }).map((pick) => ({ undo: pick })) },
);

describe('undo, against a model of the history', () => {
  it('reverses exactly what an operation did, and refuses when a later one touched the same customers or groups', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), (steps) => runSteps(steps)),
      { numRuns: 30 },
    );
  });
});

// Found by the property test, and left failing until src is fixed.
describe('undo, cases the property test found', () => {
  it('records no operation for a rename to the name the group already has, so it does not block undoing the group', async () => {
    const { cli } = storeCli();
    await cli('groups', 'create', 'Retail');
    await cli('groups', 'create', 'vip');
    // The second finds "vip" ignoring case, and gives it the name it has.
    expect((await cli('groups', 'rename', 'Retail', 'Retail')).code).toBe(0);
    expect((await cli('groups', 'rename', 'VIP', 'vip')).code).toBe(0);
    const ops = json<{ op: number; kind: string }[]>(await cli('history', '--json')).map((e) => e.kind);
    expect(ops).toEqual(['groups create', 'groups create']);
    expect(await cli('undo', '1')).toMatchObject({ code: 0, stderr: expect.stringContaining('Undid operation 1 (groups create') });
  });

  it('history show takes its own output options (--json, --format ids, --fields), which history also has', async () => {
    const { cli } = storeCli();
    await cli('add', '--email', 'a@example.com');
    const shown = await cli('history', 'show', '1', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject([{ customer_id: 1, action: 'created', email: 'a@example.com' }]);
    expect(await cli('history', 'show', '1', '--format', 'ids')).toMatchObject({ code: 0, stdout: '1\n' });
    expect(await cli('history', 'show', '1', '--format', 'tsv', '--fields', 'email')).toMatchObject({ code: 0, stdout: 'email\na@example.com\n' });
  });
});
