import { fail, ok, type Result } from '../result.js';
import type { RemoteAction, StepPlan } from '../run/plan-types.js';
import { scriptArgv } from '../shell/quote.js';

/** A folder's content in short: file count, bytes and a digest of the sorted (size, path) list. */
export interface FolderListing {
  files: number;
  bytes: number;
  digest: string;
}

export interface CopyFacts {
  tvm: string;
  tvmName: string;
  workloadId: string;
  source: string;
  target: string;
  /** Where the copy is assembled before it is renamed into place (same share, so the rename is atomic). */
  partial: string;
  sourceListing: FolderListing | null;
  targetListing: FolderListing | null;
  /**
   * Who must own the copy (`user:group` or `uid:gid`): the target Trilio's nova, by name on package
   * installs, 42436 on Kolla and director (which may have no name on the host).
   */
  owner: string;
  /**
   * The target is this run's own copy: an earlier plan of this step in this run found no target. A
   * kill between the copy's rename and the step's record leaves it there; planned again, the step
   * records the copy and sets its ownership rather than skipping both as "already there".
   */
  copiedByThisRun?: boolean;
}

/**
 * Whether the target found now is this run's own copy: an earlier plan of this step in this run (its
 * stored facts) found no target there, or already knew the copy was its own.
 */
export function isOwnEarlierCopy(
  previous: Partial<CopyFacts> | undefined,
  target: string,
  targetListing: FolderListing | null,
): boolean {
  if (targetListing === null || previous?.target !== target) return false;
  return previous.copiedByThisRun === true || previous.targetListing === null;
}

/** Prints `absent`, or `files N bytes B` and the digest line. */
export function listFolderArgv(dir: string): string[] {
  return scriptArgv(
    [
      '[ -d "$1" ] || { echo absent; exit 0; }',
      'm=$(cd "$1" && find . -type f -printf \'%s %P\\n\' | LC_ALL=C sort) || exit 1',
      'printf "%s\\n" "$m" | awk \'NF { n++; b += $1 } END { printf "files %d bytes %d\\n", n, b }\'',
      'printf "%s\\n" "$m" | sha256sum | cut -d" " -f1',
    ].join('\n'),
    [dir],
    'trilio-dr-list',
  );
}

export function parseListing(stdout: string): FolderListing | null {
  const lines = stdout.trim().split('\n');
  if (lines[0] === 'absent') return null;
  const m = /^files (\d+) bytes (\d+)$/.exec(lines[0] ?? '');
  if (!m || !lines[1]) throw new Error(`unexpected listing output: ${stdout.slice(0, 200)}`);
  return { files: Number(m[1]), bytes: Number(m[2]), digest: lines[1].trim() };
}

export function sameListing(a: FolderListing | null, b: FolderListing | null): boolean {
  return a !== null && b !== null && a.files === b.files && a.bytes === b.bytes && a.digest === b.digest;
}

/**
 * Copies into a partial folder with progress lines (`trilio-dr-progress BYTES`), then renames it into
 * place: an interrupted copy never looks like a complete workload, and a repeat starts the partial
 * folder over. A copy that fails removes its partial folder (on a full share it holds the space a
 * repeat needs); one killed with the wizard leaves it for the repeat. Refuses when the destination exists.
 */
export function copyFolderArgv(source: string, partial: string, target: string): string[] {
  return scriptArgv(
    [
      '[ -e "$3" ] && { echo "trilio-dr: $3 already exists" >&2; exit 3; }',
      'rm -rf "$2" && mkdir -p "$2" || exit 1',
      'cp -a "$1/." "$2/" & pid=$!',
      // Progress from the bytes cp wrote (/proc, cheap), else the partial folder's size; the monitor runs
      // beside cp, so the copy ends as soon as cp does.
      '( while kill -0 "$pid" 2>/dev/null; do',
      '    w=$(awk \'/^wchar:/ { print $2 }\' "/proc/$pid/io" 2>/dev/null) || w=""',
      '    [ -n "$w" ] || w=$(du -sb "$2" 2>/dev/null | cut -f1)',
      '    printf "trilio-dr-progress %s\\n" "$w"; sleep 1 </dev/null >/dev/null 2>&1',
      '  done ) & mon=$!',
      'wait "$pid"; rc=$?',
      'kill "$mon" 2>/dev/null',
      // A failed cp (disk full, permission denied) gives back the space its partial folder took.
      '[ "$rc" -eq 0 ] || { rm -rf "$2"; exit 1; }',
      'mv -T "$2" "$3"',
    ].join('\n'),
    [source, partial, target],
    'trilio-dr-copy',
  );
}

const workloadIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Runbook: "The identified workload needs to be copied with all subdirectories and files. Afterward,
 * it is necessary to adjust the ownership to nova:nova with the right permissions." Through the
 * appliance, so the data never passes through the wizard's machine.
 */
export function planCopy(facts: CopyFacts): Result<StepPlan> {
  if (!workloadIdPattern.test(facts.workloadId))
    return fail({ code: 'validation', message: `"${facts.workloadId}" is not a workload id.` });
  if (!facts.sourceListing)
    return fail({
      code: 'precondition',
      message: `${facts.tvmName}: ${facts.source} does not exist.`,
      host: facts.tvmName,
      hint: 'Check the workload id (Find step) and that the synced copy share holds it.',
    });
  const base: StepPlan = {
    step: 'copy',
    title: 'Copy',
    summary: '',
    actions: [],
    verify: [],
    warnings: [],
  };
  const identical = sameListing(facts.sourceListing, facts.targetListing);
  if (identical && !facts.copiedByThisRun)
    return ok({
      ...base,
      summary: `${facts.target} is already there and identical (${facts.sourceListing.files} files, ${facts.sourceListing.bytes} bytes): nothing to copy.`,
    });
  if (facts.targetListing && !identical)
    return fail({
      code: 'precondition',
      message: `${facts.tvmName}: ${facts.target} already exists and differs from the copy on the synced share (${facts.targetListing.files} vs ${facts.sourceListing.files} files).`,
      host: facts.tvmName,
      hint: 'The wizard never overwrites backup data. Compare both folders and move the target away if it is not needed, then plan again.',
    });
  const remote = (id: string, argv: string[], description: string): RemoteAction => ({
    kind: 'remote',
    id: `${id}:${facts.tvm}`,
    host: facts.tvm,
    argv,
    privileged: true,
    description,
  });
  const copy: RemoteAction = identical
    ? // The copy finished before the interruption: check it is in place, and record it as this run's.
      remote(
        'copy',
        ['test', '-d', facts.target],
        `Copy the workload folder to ${facts.target} (finished before the run was interrupted; checked in place)`,
      )
    : remote(
        'copy',
        copyFolderArgv(facts.source, facts.partial, facts.target),
        `Copy the workload folder to ${facts.target}`,
      );
  return ok({
    ...base,
    summary: identical
      ? `${facts.target} was copied by this run before it was interrupted (${facts.sourceListing.files} files, ${facts.sourceListing.bytes} bytes, identical): record the copy, then give it to ${facts.owner}.`
      : `Copy ${facts.source} to ${facts.target} on ${facts.tvmName} (${facts.sourceListing.files} files, ${facts.sourceListing.bytes} bytes), then give it to ${facts.owner}.`,
    actions: [
      { ...copy, change: { kind: 'workload-copy', undo: [] } },
      remote(
        'chown',
        ['chown', '-R', '--', facts.owner, facts.target],
        `Set ownership of ${facts.target} to ${facts.owner}`,
      ),
      remote(
        'chmod',
        ['chmod', '-R', '--', 'u+rwX,g+rwX', facts.target],
        `Let ${facts.owner.split(':')[0]} read and write everything in ${facts.target}`,
      ),
    ],
  });
}
