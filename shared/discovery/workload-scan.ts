import { z } from 'zod';
import { ownRecord } from '../json/own-record.js';
import { ok, type Result } from '../result.js';
import { scanWorkloadsVersion } from '../remote-scripts/scan-workloads.js';
import { firstIssue, outputError, readFramedLines } from './json-lines.js';

/**
 * What the workload scan (shared/remote-scripts/scan-workloads.ts) found on a backup target: the
 * workloads the appliance would list as orphaned after a DR, read from their folders, not from the API.
 * Field values come from Trilio's own `*_db` files; null where the file did not say (or was broken).
 */
export interface ScannedSnapshot {
  id: string;
  name: string | null;
  /** `full` or `incremental`. */
  type: string | null;
  status: string | null;
  createdAt: string | null;
  /** Bytes, as the appliance recorded it in `snapshot_db`. */
  size: number | null;
  /** The snapshot's folder name inside the workload folder (`snapshot_<id>`). */
  folder: string;
}

/** A file of a workload folder that could not be read; the rest of the workload is still reported. */
export interface ScanProblem {
  /** Path relative to the workload folder, e.g. `workload_db` or `snapshot_<id>/snapshot_db`. */
  file: string;
  code: 'missing' | 'unreadable' | 'invalid-json' | 'invalid-shape' | 'internal';
  message: string;
}

export interface ScannedWorkload {
  id: string;
  name: string | null;
  description: string | null;
  projectId: string | null;
  userId: string | null;
  status: string | null;
  createdAt: string | null;
  /** Workload metadata as key → value (Trilio stores it as rows of key/value). */
  metadata: Record<string, string>;
  vms: { id: string | null; name: string | null }[];
  /** Oldest first. */
  snapshots: ScannedSnapshot[];
  /** Sum of the sizes of every file below the workload folder. */
  sizeBytes: number;
  fileCount: number;
  /** The workload folder (`<root>/workload_<id>`). */
  path: string;
  /** The share folder it was found in. */
  root: string;
  errors: ScanProblem[];
}

export interface ScannedRoot {
  path: string;
  /** Why the folder could not be listed (e.g. "No such file or directory"), or null. */
  error: string | null;
}

export interface WorkloadScan {
  roots: ScannedRoot[];
  workloads: ScannedWorkload[];
}

const text = z.string().nullable();
const count = z.number().int().nonnegative();

const snapshotSchema = z.object({
  id: z.string(),
  name: text,
  type: text,
  status: text,
  createdAt: text,
  size: z.number().int().nullable(),
  folder: z.string(),
}) satisfies z.ZodType<ScannedSnapshot>;

const workloadSchema = z.object({
  kind: z.literal('workload'),
  id: z.string(),
  name: text,
  description: text,
  projectId: text,
  userId: text,
  status: text,
  createdAt: text,
  metadata: ownRecord(z.string(), z.string()),
  vms: z.array(z.object({ id: text, name: text })),
  snapshots: z.array(snapshotSchema),
  sizeBytes: count,
  fileCount: count,
  path: z.string(),
  root: z.string(),
  errors: z.array(
    z.object({
      file: z.string(),
      code: z.enum(['missing', 'unreadable', 'invalid-json', 'invalid-shape', 'internal']),
      message: z.string(),
    }),
  ),
});

const rootSchema = z.object({ kind: z.literal('root'), path: z.string(), error: text });
const endSchema = z.object({ kind: z.literal('end'), workloads: count });

const what = 'workload scan';

/** Reads the scan script's output. Fails (`validation`) on anything malformed, cut off or of another version. */
export function parseWorkloadScan(output: string): Result<WorkloadScan> {
  const framed = readFramedLines(output, what, 'scan', scanWorkloadsVersion, endSchema);
  if (!framed.ok) return framed;
  const roots: ScannedRoot[] = [];
  const workloads: ScannedWorkload[] = [];
  for (const { line, value } of framed.value.body) {
    const kind = (value as { kind?: unknown } | null)?.kind;
    if (kind === 'root') {
      const parsed = rootSchema.safeParse(value);
      if (!parsed.success) return lineError(line, parsed.error, value);
      roots.push({ path: parsed.data.path, error: parsed.data.error });
    } else if (kind === 'workload') {
      const parsed = workloadSchema.safeParse(value);
      if (!parsed.success) return lineError(line, parsed.error, value);
      const { kind: _kind, ...workload } = parsed.data;
      workloads.push(workload);
    } else
      return outputError(
        what,
        `line ${line} has an unknown kind ${JSON.stringify(kind)}.`,
        undefined,
        snip(value),
      );
  }
  if (workloads.length !== framed.value.end.workloads)
    return outputError(
      what,
      `the end line counts ${framed.value.end.workloads} workloads but ${workloads.length} were printed.`,
    );
  return ok({ roots, workloads });
}

const snip = (value: unknown) => JSON.stringify(value) ?? String(value);
const lineError = (line: number, error: z.ZodError, value: unknown) =>
  outputError(what, `line ${line}: ${firstIssue(error)}.`, undefined, snip(value));

const haystacks = new WeakMap<ScannedWorkload, string>();

/** Everything a user may remember a workload by, lower-cased, built once per workload. */
function haystackOf(w: ScannedWorkload): string {
  let found = haystacks.get(w);
  if (found === undefined) {
    const parts = [w.id, w.name, w.description, w.projectId, w.userId, w.status];
    for (const [key, value] of Object.entries(w.metadata)) parts.push(key, value);
    for (const vm of w.vms) parts.push(vm.id, vm.name);
    for (const s of w.snapshots) parts.push(s.id, s.name);
    found = parts
      .filter((p): p is string => typeof p === 'string' && p !== '')
      .join('\n')
      .toLowerCase();
    haystacks.set(w, found);
  }
  return found;
}

/**
 * Whether a workload matches a search: every whitespace-separated word of `query` must occur
 * (case-insensitively) in its id, name, description, project or user id, metadata keys or values, VM
 * ids or names, or snapshot ids or names. The runbook's fallback when the workload id is not known.
 * An empty query matches everything.
 */
export function matchesQuery(w: ScannedWorkload, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = haystackOf(w);
  return words.every((word) => haystack.includes(word));
}
