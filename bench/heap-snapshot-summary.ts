import { readFileSync } from 'node:fs';

/**
 * What a V8 heap snapshot holds, summed per kind of object, and what grew between two of them: the
 * soak's tool for "which retainers grow" (bench/stream-stall-probe.ts). Pure apart from reading a file.
 */

/** A V8 heap snapshot (.heapsnapshot JSON), as much of it as a per-constructor summary needs. */
interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export type Summary = Map<string, { count: number; size: number }>;

/**
 * Objects per kind: `object` nodes by constructor name, everything else by node type (strings,
 * arrays, closures, code…). A snapshot holds only what is reachable (V8 collects before taking it).
 */
export function summarizeSnapshot(json: string): Summary {
  const snap = JSON.parse(json) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const fType = fields.indexOf('type');
  const fName = fields.indexOf('name');
  const fSize = fields.indexOf('self_size');
  const out: Summary = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + fType]!]!;
    const name = snap.strings[snap.nodes[i + fName]!] ?? '';
    // Strings are named by their text: an event-stream frame (`event: log\ndata: …`) says what it is.
    const frame =
      type.includes('string') && name.startsWith('event: ')
        ? ` SSE frame ${name.slice(7, name.indexOf('\n'))}`
        : '';
    const key = type === 'object' ? `object ${name}` : `(${type})${frame}`;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count += 1;
    e.size += snap.nodes[i + fSize]!;
    out.set(key, e);
  }
  return out;
}

export const summarizeSnapshotFile = (file: string): Summary => summarizeSnapshot(readFileSync(file, 'utf8'));

/** The kinds that grew most in bytes from `a` to `b`, and the totals. */
export function diffSummaries(a: Summary, b: Summary, top = 15): string {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys].map((k) => {
    const x = a.get(k) ?? { count: 0, size: 0 };
    const y = b.get(k) ?? { count: 0, size: 0 };
    return { k, dc: y.count - x.count, ds: y.size - x.size, count: y.count, size: y.size };
  });
  const total = (s: Summary) => [...s.values()].reduce((t, e) => t + e.size, 0);
  rows.sort((p, q) => q.ds - p.ds);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return [
    `total ${kib(total(a))} → ${kib(total(b))} (${kib(total(b) - total(a))})`,
    ...rows
      .slice(0, top)
      .map(
        (r) =>
          `  ${r.k}: ${r.dc >= 0 ? '+' : ''}${r.dc} objects, ${r.ds >= 0 ? '+' : ''}${kib(r.ds)} (now ${r.count}, ${kib(r.size)})`,
      ),
  ].join('\n');
}
