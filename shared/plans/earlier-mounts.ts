import { parseFstab } from '../fstab/fstab.js';
import type { ChangeView } from '../run/run-types.js';

/**
 * Bind mounts and fstab lines this wizard made in an earlier run of the same profile (or earlier in
 * this run) and has not undone: its journal knows them, so a later run may re-point them to the share
 * it needs after saying so. Anything on a needed path that the journal does not know was made by
 * someone else and stops the run.
 */
export interface EarlierMount {
  runId: string;
  changeId: number;
  host: string;
  kind: 'bind-mount' | 'fstab-line';
  path: string;
  /** fstab-line: the exact line the run added. */
  line?: string;
  description: string;
}

/** The mount path of a bind or fstab change (`bind:<host>:<path>`, `fstab:<host>:<path>`). */
function pathOf(change: ChangeView): string | null {
  const prefix = change.kind === 'bind-mount' ? 'bind:' : change.kind === 'fstab-line' ? 'fstab:' : null;
  if (!prefix || !change.actionId.startsWith(`${prefix}${change.host}:`)) return null;
  return change.actionId.slice(prefix.length + change.host.length + 1);
}

/** The line an fstab change added: the last argument of its recorded removal. */
function lineOf(change: ChangeView): string | undefined {
  const undo = change.undo[0];
  return undo?.kind === 'remote' ? undo.argv.at(-1) : undefined;
}

/** The journal's open bind-mount and fstab-line changes on `hosts` for `paths`. */
export function earlierMounts(
  journal: readonly { runId: string; change: ChangeView }[],
  hosts: readonly string[],
  paths: readonly string[],
): EarlierMount[] {
  const out: EarlierMount[] = [];
  for (const { runId, change } of journal) {
    const path = pathOf(change);
    if (path === null || !hosts.includes(change.host) || !paths.includes(path)) continue;
    const line = change.kind === 'fstab-line' ? lineOf(change) : undefined;
    out.push({
      runId,
      changeId: change.id,
      host: change.host,
      kind: change.kind as EarlierMount['kind'],
      path,
      ...(line !== undefined ? { line } : {}),
      description: change.description,
    });
  }
  return out;
}

const normalised = (line: string) =>
  line
    .trim()
    .split(/[ \t]+/)
    .join(' ');

/**
 * The fstab lines on `path` in `fstab` that the wizard did not add (by the journal), and those it did.
 */
export function fstabLinesOn(
  fstab: string,
  path: string,
  ours: readonly EarlierMount[],
): { ours: { raw: string; mount: EarlierMount }[]; foreign: { raw: string; line: number; spec: string }[] } {
  const result = {
    ours: [] as { raw: string; mount: EarlierMount }[],
    foreign: [] as { raw: string; line: number; spec: string }[],
  };
  for (const e of parseFstab(fstab).filter((x) => x.file === path)) {
    const mount = ours.find(
      (m) => m.kind === 'fstab-line' && m.line !== undefined && normalised(m.line) === normalised(e.raw),
    );
    if (mount) result.ours.push({ raw: e.raw, mount });
    else result.foreign.push({ raw: e.raw, line: e.line, spec: e.spec });
  }
  return result;
}
