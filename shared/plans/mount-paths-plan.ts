import type { NeededMountPath } from '../discovery/chain-report.js';
import { addBindMount, bindMountLine, parseFstab } from '../fstab/fstab.js';
import { isNfsExport } from '../nfs/nfs-export.js';
import { fail, ok, type Result } from '../result.js';
import type { RemoteAction, StepPlan } from '../run/plan-types.js';
import { fstabLinesOn, type EarlierMount } from './earlier-mounts.js';
import {
  appendLineArgv,
  bindMountArgv,
  mkdirArgv,
  rebindMountArgv,
  removeLineArgv,
  rmdirIfEmptyArgv,
  unmountArgv,
} from './host-scripts.js';

/** How a needed folder reads to the user: the export, or the path and which release wrote it. */
function describeShare(n: NeededMountPath): string {
  if (!n.share) return '?';
  return n.share.nfsExport ?? `share path ${n.share.path}, folder named by path only (T4O 4.2 or later)`;
}

/** What the mount-path step found on one host before planning. */
export interface HostMountState {
  host: string;
  hostName: string;
  /** Needed paths (and the live path) that exist as directories / are mount points there. */
  dirs: string[];
  mounts: string[];
  /** `/etc/fstab` as read from the host. */
  fstab: string;
  /**
   * Needed paths that are mount points showing the live share (same device and inode). Absent in the
   * facts of plans made before it was probed: every mount point then counts as right, as it did.
   */
  bound?: string[];
}

export interface MountPathsFacts {
  /** The mount path of the share that holds the workload now (B1 single, B2 full cloud). */
  livePath: string;
  liveExport: string;
  /** Mount paths the workload's backing chains reference (from a chain check on the appliance). */
  needed: NeededMountPath[];
  hosts: HostMountState[];
  /** Folder of the workload(s) whose chains must resolve, for the verification. */
  workloadDirs: string[];
  /** Bind mounts and fstab lines on the needed paths that the wizard made and has not undone. */
  earlier?: EarlierMount[];
}

/**
 * Plans the runbook's "make the right mount paths available": for every mount path the backing chains
 * need, on the appliance and every compute node, create the directory, `mount --bind` the live share
 * onto it and add the fstab line once (after a backup). Only what is missing is planned.
 */
export function planMountPaths(facts: MountPathsFacts, runId: string): Result<StepPlan> {
  const warnings: string[] = [];
  // Backing paths come from qcow2 headers on the share: data, not trust. Only a folder under a known
  // Trilio mount root whose name is base64 of an NFS export (`HOST:/path`, up to T4O 4.1) or of a share
  // path (`/path`, later releases) is a Trilio mount path; anything else (`..`, garbage) is never
  // created or bound onto, so a damaged or hostile image cannot make the wizard mount over a system
  // folder.
  const targets = facts.needed.filter((n) => {
    if (n.mountPath === facts.livePath) return false;
    if (n.share !== null && (n.share.nfsExport === null || isNfsExport(n.share.nfsExport))) return true;
    warnings.push(
      `${n.mountPath} is referenced by backing files but is not a Trilio mount path (base64 of HOST:/path or of /path): ` +
        'it is left alone, and chains through it stay broken.',
    );
    return false;
  });
  const actions: RemoteAction[] = [];
  const conflicts: string[] = [];
  const repointed = new Set<string>();

  for (const host of facts.hosts) {
    if (!host.mounts.includes(facts.livePath))
      return fail({
        code: 'precondition',
        message: `${host.hostName}: the share ${facts.liveExport} is not mounted at ${facts.livePath}.`,
        host: host.hostName,
        hint: 'Trilio on this node does not use that share: check its NFS configuration and service, then plan again.',
      });
    let fstab = host.fstab;
    for (const n of targets) {
      const id = `${host.host}:${n.mountPath}`;
      const remote = (suffix: string, argv: string[], description: string) => ({
        kind: 'remote' as const,
        id: `${suffix}:${id}`,
        host: host.host,
        argv,
        privileged: true,
        description,
      });
      if (!host.dirs.includes(n.mountPath))
        actions.push({
          ...remote('mkdir', mkdirArgv(n.mountPath), `Create ${n.mountPath}`),
          effect: { kind: 'directory', path: n.mountPath },
          change: {
            kind: 'mkdir',
            undo: [remote('rmdir', rmdirIfEmptyArgv(n.mountPath), `Remove ${n.mountPath} if empty`)],
          },
        });
      const earlier = (facts.earlier ?? []).filter((e) => e.host === host.host && e.path === n.mountPath);
      const ourBind = earlier.find((e) => e.kind === 'bind-mount');
      const bindChange = {
        kind: 'bind-mount',
        undo: [remote('umount', unmountArgv(n.mountPath), `Unmount ${n.mountPath}`)],
      };
      if (!host.mounts.includes(n.mountPath))
        actions.push({
          ...remote(
            'bind',
            bindMountArgv(facts.livePath, n.mountPath),
            `Bind ${facts.livePath} onto ${n.mountPath}`,
          ),
          effect: bindEffect(facts.livePath, n.mountPath),
          change: bindChange,
        });
      else if (host.bound && !host.bound.includes(n.mountPath)) {
        if (!ourBind)
          conflicts.push(`${host.hostName}: ${n.mountPath} is a mount point that shows another folder`);
        else {
          repointed.add(`${n.mountPath} (bound by run ${ourBind.runId})`);
          actions.push({
            ...remote(
              'bind',
              rebindMountArgv(facts.livePath, n.mountPath),
              `Re-point ${n.mountPath} to ${facts.livePath}: unmount the bind run ${ourBind.runId} made, then bind the live share`,
            ),
            change: bindChange,
            takesOver: [{ runId: ourBind.runId, changeId: ourBind.changeId }],
          });
        }
      }
      const line = bindMountLine(facts.livePath, n.mountPath);
      const fstabChange = {
        kind: 'fstab-line',
        undo: [remote('unfstab', removeLineArgv('/etc/fstab', line), `Remove from /etc/fstab: ${line}`)],
      };
      const append = () =>
        actions.push({
          ...remote(
            'fstab',
            appendLineArgv('/etc/fstab', line, `/etc/fstab.trilio-dr-${runId}`),
            `Add to /etc/fstab (backup /etc/fstab.trilio-dr-${runId}): ${line}`,
          ),
          effect: { ...bindEffect(facts.livePath, n.mountPath), kind: 'fstab-line', line },
          change: fstabChange,
        });
      const edit = addBindMount(fstab, facts.livePath, n.mountPath);
      if (edit.ok) {
        if (edit.changed) {
          fstab = edit.text;
          append();
        }
        continue;
      }
      const lines = fstabLinesOn(fstab, n.mountPath, earlier);
      if (lines.foreign.length > 0) {
        for (const f of lines.foreign)
          conflicts.push(`${host.hostName}: /etc/fstab line ${f.line} mounts ${f.spec} on ${n.mountPath}`);
        continue;
      }
      // Only lines the wizard added: replaced by the line for the live share.
      for (const [i, o] of lines.ours.entries()) {
        repointed.add(`${n.mountPath} (fstab line of run ${o.mount.runId})`);
        actions.push({
          ...remote(
            `unfstab-earlier-${i}`,
            removeLineArgv('/etc/fstab', o.raw),
            `Remove from /etc/fstab the line run ${o.mount.runId} added: ${o.raw}`,
          ),
          takesOver: [{ runId: o.mount.runId, changeId: o.mount.changeId }],
        });
      }
      fstab = removeLines(fstab, n.mountPath);
      const added = addBindMount(fstab, facts.livePath, n.mountPath);
      if (added.ok) fstab = added.text;
      append();
    }
  }
  if (conflicts.length > 0) {
    const hosts = new Set(conflicts.map((c) => c.slice(0, c.indexOf(':'))));
    return fail({
      code: 'precondition',
      ...(hosts.size === 1 ? { host: [...hosts][0]! } : {}),
      message: `The mount paths the backing chains need are taken on ${hosts.size} host(s), by mounts or fstab lines this wizard did not make: ${conflicts.join('; ')}.`,
      hint: 'The wizard never replaces mounts it did not make. Unmount them and remove those fstab lines on every host named (or finish the run that made them with its clean-up), then plan again.',
    });
  }
  if (repointed.size > 0)
    warnings.push(
      `Earlier runs of this wizard bound ${[...repointed].join(', ')} to another share; they are re-pointed to ${facts.livePath} on the hosts below, and those runs' clean-up no longer touches them.`,
    );
  if (targets.length === 0)
    warnings.push('The backing chains only reference the live share: no extra mount path is needed.');
  return ok({
    step: 'mount-paths',
    title: 'Mount paths',
    summary:
      `Backing files of the workload point to ${targets.map((t) => `${t.mountPath} (${describeShare(t)})`).join(', ') || 'the live share only'}. ` +
      `On ${facts.hosts.length} node(s) the live share ${facts.liveExport} (${facts.livePath}) is bound there with mount --bind and kept in /etc/fstab.`,
    actions,
    verify: [],
    warnings,
  });
}

/** A bind mount of the live share onto a needed path, as `bindMountLine` writes it to fstab. */
function bindEffect(source: string, target: string) {
  return { kind: 'mounted' as const, source, target, fstype: 'none', opts: 'bind' };
}

/** The fstab text without the lines mounting on `path` (the wizard's own, being replaced). */
function removeLines(text: string, path: string): string {
  const drop = new Set(
    parseFstab(text)
      .filter((e) => e.file === path)
      .map((e) => e.line),
  );
  return text
    .split('\n')
    .filter((_, i) => !drop.has(i + 1))
    .join('\n');
}
