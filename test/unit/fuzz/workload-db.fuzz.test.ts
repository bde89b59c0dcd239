import { isUtf8 } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWorkloadScan, type ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import { scanWorkloadsArgv, scanWorkloadsScript } from '../../../shared/remote-scripts/scan-workloads.js';
import { hostileString } from '../../support/hostile-strings.js';

/**
 * Hostile `workload_db`, `workload_vms_db` and `snapshot_db` files (issue 8) read by the real workload
 * scan (the Python script the appliance runs) and its TypeScript reader. Each fast-check run writes a
 * share of 200 workload folders and scans it once, so the full 50 runs are 10,000 workloads and 20,000 or so
 * database files: Trilio records with hostile names and metadata keys, JSON of every type, random
 * bytes, deep nesting, empty and missing files. Whatever a file holds, the scan reports every workload,
 * keeps every name byte for byte, and says what was wrong with a file as an error of that workload,
 * never as the scan's own internal failure.
 */
const perShare = 200;
// No shrinking: each run is a share of 200 workloads and a scan; a failure names its one workload.
// `npm test` scans 10 shares (2,000 workloads, a few seconds); the proof run of `npm run
// test:resilience` sets HOSTILE_INPUT_FULL=1 for all 50 (10,000 workloads).
const shares = process.env.HOSTILE_INPUT_FULL === '1' ? 50 : 10;
const runs = { numRuns: shares, endOnFailure: true };

const name = fc.oneof(
  hostileString,
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Lone surrogates survive JSON escapes on both sides.
  fc.constantFrom('\ud800', 'a\udfff', ''),
);
// Keys an object in JavaScript already has: a reader that builds maps with `obj[key] = …` loses them.
const metadataKey = fc.oneof(name, fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'));

/** A workload record as the appliance writes it, with hostile values where people choose them. */
const workloadRecord = fc.record({
  id: fc.oneof(fc.uuid(), name),
  display_name: name,
  display_description: fc.option(name, { nil: null }),
  project_id: fc.uuid(),
  metadata: fc.array(
    fc.record({ key: metadataKey, value: fc.option(name, { nil: null }), deleted: fc.boolean() }),
    { maxLength: 4 },
  ),
});
const snapshotRecord = fc.record({
  id: fc.uuid(),
  display_name: name,
  snapshot_type: fc.constantFrom('full', 'incremental'),
  size: fc.nat(),
});
const vmRows = fc.array(fc.record({ vm_id: fc.uuid(), vm_name: name, deleted: fc.constant(false) }), {
  maxLength: 3,
});

/** What a database file holds: a good record, or anything else a disk can hold under that name. */
const content = <T>(record: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: record.map((value) => ({ kind: 'record' as const, value })) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => ({ kind: 'json' as const, value })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((value) => ({ kind: 'bytes' as const, value })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => ({ kind: 'deep' as const, depth })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  );
type Content<T> =
  | { kind: 'record'; value: T }
  | { kind: 'json'; value: unknown }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'deep'; depth: number }
  | { kind: 'missing' };

const workloadCase = fc.record({
  db: content(workloadRecord),
  vms: content(vmRows),
  snapshots: fc.array(content(snapshotRecord), { maxLength: 2 }),
});
type WorkloadCase = typeof workloadCase extends fc.Arbitrary<infer T> ? T : never;

const work = mkdtempSync(join(tmpdir(), 'trilio-dr-workload-db-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let share = 0;

function write(path: string, c: Content<unknown>): void {
  if (c.kind === 'missing') return;
  const bytes =
    c.kind === 'bytes'
      ? c.value
      : c.kind === 'deep'
        ? '['.repeat(c.depth)
        : (JSON.stringify(c.value) ?? 'null');
  writeFileSync(path, bytes);
}

function writeShare(cases: WorkloadCase[]): string {
  const root = join(work, `share-${share++}`);
  cases.forEach((c, i) => {
    const folder = join(root, `workload_${String(i).padStart(4, '0')}`);
    mkdirSync(folder, { recursive: true });
    write(join(folder, 'workload_db'), c.db);
    write(join(folder, 'workload_vms_db'), c.vms);
    c.snapshots.forEach((s, j) => {
      mkdirSync(join(folder, `snapshot_${j}`));
      write(join(folder, `snapshot_${j}`, 'snapshot_db'), s);
    });
  });
  return root;
}

function scan(root: string): ScannedWorkload[] {
  const [program, ...args] = scanWorkloadsArgv([root], { jobs: 2 });
  const out = spawnSync(program!, args, { input: scanWorkloadsScript, encoding: 'utf8', timeout: 60_000 });
  expect(out.stderr).toBe('');
  const parsed = parseWorkloadScan(out.stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value.workloads;
}

/** The error codes a file with this content may be reported with (none for a good record). */
function allowedCodes(c: Content<unknown>): string[] {
  switch (c.kind) {
    case 'record':
      return [];
    case 'missing':
      return ['missing'];
    case 'deep':
      return ['invalid-json'];
    case 'bytes':
      return isUtf8(c.value) ? ['invalid-json', 'invalid-shape'] : ['invalid-json'];
    case 'json':
      return ['invalid-shape'];
  }
}

/** Metadata as the scan reports it: rows not deleted, later rows winning, a null value read as ''. */
function expectedMetadata(rows: { key: string; value: string | null; deleted: boolean }[]) {
  const out = new Map<string, string>();
  for (const row of rows) if (!row.deleted) out.set(row.key, row.value ?? '');
  return Object.fromEntries(out);
}

function check(c: WorkloadCase, w: ScannedWorkload, folder: string): void {
  expect(w.errors.filter((e) => e.code === 'internal')).toEqual([]);
  const errorsOf = (file: string) => w.errors.filter((e) => e.file === file);
  for (const e of w.errors) expect(e.message).not.toBe('');

  const dbErrors = errorsOf('workload_db').map((e) => e.code);
  if (c.db.kind === 'record') {
    const db = c.db.value;
    expect(dbErrors).toEqual([]);
    expect(w.id).toBe(db.id === '' ? folder : db.id);
    expect(w.name).toBe(db.display_name);
    expect(w.description).toBe(db.display_description);
    expect(w.projectId).toBe(db.project_id);
    expect(w.metadata).toEqual(expectedMetadata(db.metadata));
    expect(Object.keys(w.metadata).sort()).toEqual(Object.keys(expectedMetadata(db.metadata)).sort());
  } else {
    const allowed = allowedCodes(c.db);
    if (
      c.db.kind === 'json' &&
      c.db.value !== null &&
      typeof c.db.value === 'object' &&
      !Array.isArray(c.db.value)
    )
      expect(dbErrors).toEqual([]);
    else if (c.db.kind !== 'bytes') expect(dbErrors).toHaveLength(1);
    for (const code of dbErrors) expect(allowed).toContain(code);
  }

  const vmErrors = errorsOf('workload_vms_db').map((e) => e.code);
  if (c.vms.kind === 'record') {
    expect(vmErrors).toEqual([]);
    expect(w.vms).toEqual(
      c.vms.value.map((v) => ({ id: v.vm_id, name: v.vm_name === '' ? null : v.vm_name })),
    );
  } else if (c.vms.kind === 'json' && Array.isArray(c.vms.value)) {
    expect(vmErrors).toEqual([]);
  } else {
    if (c.vms.kind !== 'bytes') expect(vmErrors).toHaveLength(1);
    for (const code of vmErrors) expect([...allowedCodes(c.vms), 'invalid-shape']).toContain(code);
  }

  expect(w.snapshots.map((s) => s.folder).sort()).toEqual(c.snapshots.map((_, j) => `snapshot_${j}`));
  c.snapshots.forEach((s, j) => {
    const got = w.snapshots.find((x) => x.folder === `snapshot_${j}`)!;
    const codes = errorsOf(`snapshot_${j}/snapshot_db`).map((e) => e.code);
    if (s.kind === 'record') {
      expect(codes).toEqual([]);
      expect(got).toMatchObject({ id: s.value.id, type: s.value.snapshot_type, size: s.value.size });
      expect(got.name).toBe(s.value.display_name);
    } else for (const code of codes) expect(allowedCodes(s)).toContain(code);
  });
}

describe(`workload and snapshot databases on a share (${shares * perShare} hostile workloads)`, () => {
  it('every workload is reported, names kept byte for byte, every broken file a clear error of its own', () => {
    fc.assert(
      fc.property(fc.array(workloadCase, { minLength: perShare, maxLength: perShare }), (cases) => {
        const workloads = scan(writeShare(cases));
        expect(workloads).toHaveLength(cases.length);
        cases.forEach((c, i) => {
          try {
            check(c, workloads[i]!, String(i).padStart(4, '0'));
          } catch (error) {
            throw new Error(
              `workload ${i} of the share, written from ${JSON.stringify(c)}:\n${String(error)}`,
            );
          }
        });
      }),
      runs,
    );
  }, 300_000);
});
