import { mountPathFor } from '../nfs/mount-path.js';
import { fail, ok, type Result } from '../result.js';
import type { Action, RemoteAction, StepPlan } from '../run/plan-types.js';
import { displayCommand } from '../shell/quote.js';
import type { FlavorFacts } from './flavors.js';

/** One node's Trilio configuration as read before planning. */
export interface NodeConfig {
  host: string;
  hostName: string;
  role: 'tvm' | 'compute';
  file: string;
  /** The exports in `vault_storage_nfs_export`, or why they could not be read. */
  exports: string[] | null;
  problem?: string;
  /** B2 is already mounted at its base64 path on this node. */
  mounted: boolean;
}

export interface ReconfigureFacts {
  syncedCopy: string;
  mountRoot: string;
  flavor: FlavorFacts;
  flavorName: string;
  nodes: NodeConfig[];
  /** Workloads with a snapshot running now: a restart would break them. */
  busyWorkloads: string[];
}

export type ExportEditMode = 'add' | 'remove';

/**
 * An edit of `vault_storage_nfs_export` in a node's config file. The executor re-reads the file, applies
 * the edit with the byte-preserving editor (comments and every other line kept) and writes it back
 * atomically with a backup. The file itself never goes into the plan: it holds passwords.
 */
export interface ExportEdit {
  file: string;
  mode: ExportEditMode;
  nfsExport: string;
}

export const exportEditPrefix = 'edit:';

export function editAction(
  node: NodeConfig,
  mode: ExportEditMode,
  nfsExport: string,
  restart: string[],
): RemoteAction[] {
  const verb = mode === 'add' ? 'Add' : 'Remove';
  const edit: RemoteAction & { edit: ExportEdit } = {
    kind: 'remote',
    id: `${exportEditPrefix}${mode}:${node.host}`,
    host: node.host,
    argv: [
      'trilio-dr-edit-option',
      node.file,
      'vault_storage_nfs_export',
      `${mode === 'add' ? '+' : '-'}${nfsExport}`,
    ],
    privileged: true,
    description: `${verb} ${nfsExport} ${mode === 'add' ? 'to' : 'from'} vault_storage_nfs_export in ${node.file} (atomic write, backup next to it)`,
    edit: { file: node.file, mode, nfsExport },
  };
  const restartAction: RemoteAction = {
    kind: 'remote',
    id: `restart-${mode}:${node.host}`,
    host: node.host,
    argv: restart,
    privileged: true,
    description: `Restart ${restart.at(-1)} on ${node.hostName} (${displayCommand(restart)})`,
  };
  return restart.length > 0 ? [edit, restartAction] : [edit];
}

/**
 * Runbook (full cloud): on every appliance node add NFS B2 to workloadmgr.conf and restart the workloads
 * service; on every datamover node the same for tvault-contego.conf; then B2 is mounted at its base64
 * path everywhere. Juju: the orchestrator applies it (a manual action to confirm).
 */
export function planReconfigure(facts: ReconfigureFacts): Result<StepPlan> {
  const warnings = [
    'While Trilio is reconfigured, backups of the target region are on hold: do not create new backup jobs until the original configuration is restored (Revert step).',
  ];
  if (facts.busyWorkloads.length > 0)
    return fail({
      code: 'precondition',
      message: `Snapshots are running for ${facts.busyWorkloads.length} workload(s) (${facts.busyWorkloads.slice(0, 5).join(', ')}): restarting Trilio now would break them.`,
      hint: 'Wait for them to finish (or cancel them), then plan again.',
    });
  const actions: Action[] = [];
  if (!facts.flavor.editsFiles && facts.flavor.juju) {
    const j = facts.flavor.juju;
    const current = facts.nodes.find((n) => n.exports)?.exports ?? [];
    const value = [...current.filter((e) => e !== facts.syncedCopy), facts.syncedCopy].join(',');
    actions.push({
      kind: 'manual',
      id: 'juju-nfs-shares',
      target: 'juju',
      description: `Add ${facts.syncedCopy} to the ${j.option} option of ${j.wlmApp} and ${j.datamoverApp}`,
      instructions: [
        `juju config ${j.wlmApp} ${j.option}='${value}'`,
        `juju config ${j.datamoverApp} ${j.option}='${value}'`,
        'Wait until both applications are active/idle (juju status), then confirm.',
      ].join('\n'),
    });
  } else {
    for (const node of facts.nodes) {
      if (node.exports === null)
        return fail({
          code: 'precondition',
          message: `${node.hostName}: cannot read vault_storage_nfs_export from ${node.file}: ${node.problem ?? 'unknown'}`,
          host: node.hostName,
          hint: 'Check the deployment flavor and config paths in the profile.',
        });
      const restart = node.role === 'tvm' ? facts.flavor.restartWlm : facts.flavor.restartContego;
      if (node.exports.includes(facts.syncedCopy)) {
        // Configured but not mounted: an earlier attempt stopped between the edit and the restart (or
        // the service never picked the file up). Restart only; the edit, if it was ours, is recorded.
        if (!node.mounted) actions.push(...editAction(node, 'add', facts.syncedCopy, restart).slice(1));
        continue;
      }
      const [edit, ...rest] = editAction(node, 'add', facts.syncedCopy, restart);
      const undo = editAction(node, 'remove', facts.syncedCopy, restart);
      actions.push({ ...edit!, change: { kind: 'config-edit', undo } }, ...rest);
    }
  }
  return ok({
    step: 'reconfigure',
    title: 'Reconfigure Trilio',
    summary: `Add ${facts.syncedCopy} to Trilio's NFS exports on ${facts.nodes.length} node(s) (${facts.flavorName}); it will be mounted at ${mountPathFor(facts.syncedCopy, facts.mountRoot)}.`,
    actions,
    verify: [],
    warnings,
  });
}
