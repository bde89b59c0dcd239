import type { NeededMountPath } from '../discovery/chain-report.js';
import { addBindMount, bindMountLine } from '../fstab/fstab.js';
import { isNfsExport } from '../nfs/nfs-export.js';
import { fail, ok, type Result } from '../result.js';
import type { RemoteAction, StepPlan } from '../run/plan-types.js';
import {
  appendLineArgv,
  bindMountArgv,
  mkdirArgv,
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
          change: {
            kind: 'mkdir',
            undo: [remote('rmdir', rmdirIfEmptyArgv(n.mountPath), `Remove ${n.mountPath} if empty`)],
          },
        });
      if (!host.mounts.includes(n.mountPath))
        actions.push({
          ...remote(
            'bind',
            bindMountArgv(facts.livePath, n.mountPath),
            `Bind ${facts.livePath} onto ${n.mountPath}`,
          ),
          change: {
            kind: 'bind-mount',
            undo: [remote('umount', unmountArgv(n.mountPath), `Unmount ${n.mountPath}`)],
          },
        });
      const edit = addBindMount(fstab, facts.livePath, n.mountPath);
      if (!edit.ok)
        return fail({
          code: 'precondition',
          message: `${host.hostName}: /etc/fstab ${edit.message}.`,
          host: host.hostName,
          hint: 'Resolve the conflicting fstab line on that host, then plan again.',
        });
      if (edit.changed) {
        const line = bindMountLine(facts.livePath, n.mountPath);
        fstab = edit.text;
        actions.push({
          ...remote(
            'fstab',
            appendLineArgv('/etc/fstab', line, `/etc/fstab.trilio-dr-${runId}`),
            `Add to /etc/fstab (backup /etc/fstab.trilio-dr-${runId}): ${line}`,
          ),
          change: {
            kind: 'fstab-line',
            undo: [remote('unfstab', removeLineArgv('/etc/fstab', line), `Remove from /etc/fstab: ${line}`)],
          },
        });
      }
    }
  }
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
