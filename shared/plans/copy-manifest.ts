import { scriptArgv } from '../shell/quote.js';

/**
 * What makes two copies of a workload folder the same backup: every `*_db` file (workload_db,
 * snapshot_db, … — JSON that Trilio rewrites on reassign) byte for byte, and every other file (the
 * qcow2 disks) by size and header. The header's first 64 KiB hold the qcow2 header, its extensions and
 * the backing-file path, so a disk rebased or written on another share differs there; reading whole
 * disks would cost what the copy costs.
 */
export const headerBytes = 65_536;

export interface ManifestEntry {
  kind: 'db' | 'disk';
  size: number;
  /** sha256 of the whole file (db) or of its first 64 KiB (disk). */
  sha: string;
}

export type Manifest = Map<string, ManifestEntry>;

/** Prints `absent`, or one `db|disk TAB size TAB sha256 TAB relative path` line per file, sorted. */
export function manifestArgv(dir: string): string[] {
  return scriptArgv(
    [
      '[ -d "$1" ] || { echo absent; exit 0; }',
      'cd -- "$1" || exit 1',
      `tab=$(printf '\\t')`,
      `find . -type f -printf '%s\\t%P\\n' | LC_ALL=C sort -t "$tab" -k 2 | while IFS="$tab" read -r size path; do`,
      '  case "$path" in',
      `    *_db) h=$(sha256sum < "$path") || exit 1; printf 'db\\t%s\\t%s\\t%s\\n' "$size" "\${h%% *}" "$path" ;;`,
      `    *) h=$(head -c ${headerBytes} < "$path" | sha256sum) || exit 1; printf 'disk\\t%s\\t%s\\t%s\\n' "$size" "\${h%% *}" "$path" ;;`,
      '  esac',
      'done',
    ].join('\n'),
    [dir],
    'trilio-dr-manifest',
  );
}

/** The output of `manifestArgv`: null when the folder is absent. */
export function parseManifest(stdout: string): Manifest | null {
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (lines[0] === 'absent') return null;
  const manifest: Manifest = new Map();
  for (const line of lines) {
    const [kind, size, sha, ...rest] = line.split('\t');
    if ((kind !== 'db' && kind !== 'disk') || !sha || rest.length === 0)
      throw new Error(`unexpected manifest line: ${line.slice(0, 200)}`);
    manifest.set(rest.join('\t'), { kind, size: Number(size), sha });
  }
  return manifest;
}

/** How a target copy differs from the source (empty lists: the same backup). */
export interface ManifestDiff {
  identical: boolean;
  /** In the source, not in the target. */
  missing: string[];
  /** In the target only (snapshots taken since, stray files). */
  extra: string[];
  /** `*_db` files whose bytes differ. */
  changedDb: string[];
  /** Disks whose size or header differs. */
  changedDisks: string[];
}

export function compareManifests(source: Manifest, target: Manifest): ManifestDiff {
  const missing: string[] = [];
  const changedDb: string[] = [];
  const changedDisks: string[] = [];
  for (const [path, s] of source) {
    const t = target.get(path);
    if (!t) missing.push(path);
    else if (s.size !== t.size || s.sha !== t.sha) (s.kind === 'db' ? changedDb : changedDisks).push(path);
  }
  const extra = [...target.keys()].filter((p) => !source.has(p));
  const identical = missing.length + extra.length + changedDb.length + changedDisks.length === 0;
  return { identical, missing, extra, changedDb, changedDisks };
}

/** One line for the plan: what differs, a few paths of each kind. */
export function describeDiff(diff: ManifestDiff): string {
  const few = (paths: string[]) =>
    `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`;
  const parts = [
    diff.changedDb.length > 0
      ? `${diff.changedDb.length} metadata file(s) differ (${few(diff.changedDb)})`
      : '',
    diff.changedDisks.length > 0
      ? `${diff.changedDisks.length} disk(s) differ in size or qcow2 header (${few(diff.changedDisks)})`
      : '',
    diff.missing.length > 0 ? `${diff.missing.length} file(s) missing (${few(diff.missing)})` : '',
    diff.extra.length > 0 ? `${diff.extra.length} file(s) only there (${few(diff.extra)})` : '',
  ];
  return parts.filter(Boolean).join('; ');
}
