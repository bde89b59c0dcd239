import { mountPathFor } from '../nfs/mount-path.js';
import { fail, ok, type Result } from '../result.js';
import type { Action, RemoteAction, StepPlan } from '../run/plan-types.js';
import { displayCommand } from '../shell/quote.js';
import { jujuCharms } from '../trilio/installer-facts.js';
import type { TrilioFacts } from '../trilio/trilio-facts.js';
import type { FileConfigModel } from '../config/share-config.js';

/** One Trilio config file of a node as read before planning. */
export interface NodeFile {
  file: string;
  /** The shares the file configures, or null with `problem` when they could not be read. */
  exports: string[] | null;
  model: FileConfigModel;
  problem?: string;
}

/** One node's Trilio configuration as read before planning. */
export interface NodeConfig {
  host: string;
  hostName: string;
  role: 'tvm' | 'compute';
  /**
   * The config files that exist there: on an appliance every WLM service file the installer knows
   * (Kolla and director keep one per service), on a compute the datamover's.
   */
  files: NodeFile[];
  /** Set when none of the installer's config files exists on the node. */
  problem?: string;
  /** B2 is already mounted at its mount path on this node. */
  mounted: boolean;
}

export interface ReconfigureFacts {
  syncedCopy: string;
  /** The target Trilio's facts: mount root, folder form, config model, restarts, installer. */
  trilio: TrilioFacts;
  /** NFS B1, which may share a path-form folder with B2. */
  target: string;
  nodes: NodeConfig[];
  /** Workloads with a snapshot running now: a restart would break them. */
  busyWorkloads: string[];
}

export type ExportEditMode = 'add' | 'remove';

/**
 * An edit of a node's config file: B2 added to or removed from its backup targets, in the file's own
 * model (export list or backend section). The executor re-reads the file, applies the edit with the
 * byte-preserving editor and writes it back atomically with a backup. The file itself never goes into
 * the plan: it holds passwords.
 */
export interface ExportEdit {
  file: string;
  mode: ExportEditMode;
  nfsExport: string;
}

export const exportEditPrefix = 'edit:';

/** Stable action ids: the node's first file keeps the short id (one file per node is the usual case). */
function fileKey(node: NodeConfig, index: number): string {
  return index === 0 ? node.host : `${node.host}:${node.files[index]!.file}`;
}

export function editAction(
  node: NodeConfig,
  index: number,
  mode: ExportEditMode,
  nfsExport: string,
): RemoteAction {
  const file = node.files[index]!;
  const verb = mode === 'add' ? 'Add' : 'Remove';
  const where =
    file.model === 'backends' ? 'a backup-target section (enabled_backends)' : 'vault_storage_nfs_export';
  const edit: RemoteAction & { edit: ExportEdit } = {
    kind: 'remote',
    id: `${exportEditPrefix}${mode}:${fileKey(node, index)}`,
    host: node.host,
    argv: [
      'trilio-dr-edit-option',
      file.file,
      file.model === 'backends' ? 'enabled_backends' : 'vault_storage_nfs_export',
      `${mode === 'add' ? '+' : '-'}${nfsExport}`,
    ],
    privileged: true,
    description: `${verb} ${nfsExport} ${mode === 'add' ? 'to' : 'from'} ${where} in ${file.file} (atomic write, backup next to it)`,
    edit: { file: file.file, mode, nfsExport },
    ...(mode === 'add'
      ? {
          effect: {
            kind: 'list-option' as const,
            file: file.file,
            option: file.model === 'backends' ? 'enabled_backends' : 'vault_storage_nfs_export',
            value: nfsExport,
            model: file.model === 'backends' ? ('backends' as const) : ('exports' as const),
          },
        }
      : {}),
  };
  return edit;
}

export function restartAction(node: NodeConfig, mode: ExportEditMode, restart: string[]): RemoteAction {
  return {
    kind: 'remote',
    id: `restart-${mode}:${node.host}`,
    host: node.host,
    argv: restart,
    privileged: true,
    description: `Restart ${restart.at(-1)} on ${node.hostName} (${displayCommand(restart)})`,
    effect: { kind: 'service-restart' },
  };
}

/**
 * Runbook (full cloud): on every appliance node add NFS B2 to workloadmgr.conf and restart the workloads
 * service; on every datamover node the same for tvault-contego.conf; then B2 is mounted at its base64
 * path everywhere. Juju: the orchestrator applies it (a manual action to confirm).
 */
export function planReconfigure(facts: ReconfigureFacts): Result<StepPlan> {
  const t = facts.trilio;
  const warnings = [
    'While Trilio is reconfigured, backups of the target region are on hold: do not create new backup jobs until the original configuration is restored (Revert step).',
  ];
  if (t.durableChange)
    warnings.push(
      `Not durable: ${t.durableChange} The DR reverts its change anyway; do not make it durable.`,
    );
  if (facts.busyWorkloads.length > 0)
    return fail({
      code: 'precondition',
      message: `Snapshots are running for ${facts.busyWorkloads.length} workload(s) (${facts.busyWorkloads.slice(0, 5).join(', ')}): restarting Trilio now would break them.`,
      hint: 'Wait for them to finish (or cancel them), then plan again.',
    });
  if (t.configModel === 'managed')
    return fail({
      code: 'precondition',
      message: `Trilio ${t.release} manages its backup targets through its own backup-target service, not through config files: the wizard does not edit them.`,
      hint: `Add ${facts.syncedCopy} as an NFS backup target in Trilio (dashboard: Backup Targets, or the /backup_targets API), wait until it is mounted on every node, then run this step again: it will find B2 mounted and change nothing. Remove the target the same way after the DR instead of Revert.`,
    });
  const b2Path = mountPathFor(facts.syncedCopy, t.mountRoot, t.folderForm);
  if (facts.target && mountPathFor(facts.target, t.mountRoot, t.folderForm) === b2Path)
    return fail({
      code: 'precondition',
      message: `NFS B1 (${facts.target}) and B2 (${facts.syncedCopy}) have the same path, and Trilio ${t.release} names mount folders by the path only: both would be mounted at ${b2Path}.`,
      hint: 'Trilio cannot use two shares with the same path at once. Export B2 under another path, or restore single workloads by copying them into B1.',
    });
  const actions: Action[] = [];
  if (!t.editsFiles) {
    const current = facts.nodes.flatMap((n) => n.files).find((f) => f.exports)?.exports ?? [];
    const value = [...current.filter((e) => e !== facts.syncedCopy), facts.syncedCopy].join(',');
    actions.push({
      kind: 'manual',
      id: 'juju-nfs-shares',
      target: 'juju',
      description: `Add ${facts.syncedCopy} to the ${jujuCharms.option} option of ${jujuCharms.wlmApp} and ${jujuCharms.datamoverApp}`,
      instructions: [
        `juju config ${jujuCharms.wlmApp} ${jujuCharms.option}='${value}'`,
        `juju config ${jujuCharms.datamoverApp} ${jujuCharms.option}='${value}'`,
        'Wait until both applications are active/idle (juju status), then confirm.',
      ].join('\n'),
    });
  } else {
    for (const node of facts.nodes) {
      const unreadable = node.files.find((f) => f.exports === null);
      if (node.files.length === 0 || unreadable)
        return fail({
          code: 'precondition',
          message: `${node.hostName}: cannot read the backup targets from ${unreadable?.file ?? 'any Trilio config file'}: ${unreadable?.problem ?? node.problem ?? 'unknown'}`,
          host: node.hostName,
          hint: `Check the target cloud's Trilio release and installer (${t.release}, ${t.installer}) and the config paths in the profile.`,
        });
      const restart = node.role === 'tvm' ? t.restartAppliance : t.restartDatamover;
      const edits: RemoteAction[] = [];
      node.files.forEach((file, index) => {
        if (file.exports!.includes(facts.syncedCopy)) return;
        const undo: Action[] = [editAction(node, index, 'remove', facts.syncedCopy)];
        edits.push({
          ...editAction(node, index, 'add', facts.syncedCopy),
          change: { kind: 'config-edit', undo },
        });
      });
      // One restart per node after all its files; its undo restarts once too, after the last file is
      // edited back: the first edit's undo runs last (undos run newest first).
      if (edits.length > 0 && restart.length > 0)
        edits[0]!.change!.undo.push(restartAction(node, 'remove', restart));
      actions.push(...edits);
      // Configured but not mounted: an earlier attempt stopped between the edit and the restart (or the
      // service never picked the file up). Restart only; the edit, if it was ours, is recorded.
      if (restart.length > 0 && (edits.length > 0 || !node.mounted))
        actions.push(restartAction(node, 'add', restart));
    }
  }
  return ok({
    step: 'reconfigure',
    title: 'Reconfigure Trilio',
    summary: `Add ${facts.syncedCopy} to Trilio's backup targets on ${facts.nodes.length} node(s) (Trilio ${t.release}, ${t.installerLabel}); it will be mounted at ${b2Path}.`,
    actions,
    verify: [],
    warnings,
  });
}
