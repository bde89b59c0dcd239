import type { NodeConfig, NodeFile, ReconfigureFacts } from '../../../../shared/plans/reconfigure-plan.js';
import type { Action, StepPlan } from '../../../../shared/run/plan-types.js';
import type { ChangeView, RunView } from '../../../../shared/run/run-types.js';
import { displayCommand } from '../../../../shared/shell/quote.js';

/**
 * What the Reconfigure and Revert steps do on each node, as the user checks it before running: the
 * file, the exact change of `vault_storage_nfs_export` (before → after) and the restart command.
 */
export const NFS_OPTION = 'vault_storage_nfs_export';

export interface NodeChange {
  host: string;
  hostName: string;
  role: 'tvm' | 'compute';
  file: string;
  /** The option's value before and after the step ('' when it could not be read). */
  before: string;
  after: string;
  /** '' when nothing is restarted there (the orchestrator restarts, or the node is left alone). */
  restart: string;
  /** The step leaves this node alone (B2 already configured, or nothing recorded to revert). */
  unchanged: boolean;
  /** Reconfigure: B2 is mounted there already. */
  mounted: boolean;
  problem: string;
}

export interface ConfigChanges {
  syncedCopy: string;
  flavorName: string;
  nodes: NodeChange[];
  /** Workloads with a snapshot running on the target Trilio (null: not checked, e.g. revert). */
  busyWorkloads: string[] | null;
  /** Juju: the orchestrator change the user applies and confirms. */
  manual: { id: string; description: string; instructions: string } | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The reconfigure step's facts, when they have the shape the shared planner reads. */
export function reconfigureFactsOf(facts: unknown): ReconfigureFacts | null {
  if (!isRecord(facts) || !Array.isArray(facts.nodes) || typeof facts.syncedCopy !== 'string') return null;
  if (!Array.isArray(facts.busyWorkloads) || !isRecord(facts.trilio)) return null;
  return facts as unknown as ReconfigureFacts;
}

const joined = (exports: readonly string[]) => exports.join(',');

function restartOf(plan: StepPlan | undefined, id: string): string {
  const action = plan?.actions.find((a) => a.id === id);
  return action?.kind === 'remote' ? displayCommand(action.argv) : '';
}

function manualOf(plan: StepPlan | undefined): ConfigChanges['manual'] {
  const action = plan?.actions.find((a): a is Extract<Action, { kind: 'manual' }> => a.kind === 'manual');
  return action
    ? { id: action.id, description: action.description, instructions: action.instructions }
    : null;
}

/**
 * Reconfigure: every config file of every node with B2 added to its targets (files that list it
 * already are left alone). A node with several files (Kolla, director: one per WLM service) has a row
 * per file.
 */
export function reconfigureChanges(facts: unknown, plan: StepPlan | undefined): ConfigChanges | null {
  const f = reconfigureFactsOf(facts);
  if (!f) return null;
  const b2 = f.syncedCopy;
  const nodes = f.nodes.flatMap((n: NodeConfig): NodeChange[] => {
    const restartFallback = n.role === 'tvm' ? f.trilio.restartAppliance : f.trilio.restartDatamover;
    const files: (NodeFile | null)[] = n.files.length > 0 ? n.files : [null];
    return files.map((file) => {
      const exports = file?.exports ?? [];
      const unchanged = file?.exports != null && exports.includes(b2);
      return {
        host: n.host,
        hostName: n.hostName,
        role: n.role,
        file: file?.file ?? '',
        before: file?.exports ? joined(exports) : '',
        after: file?.exports ? joined([...exports.filter((e) => e !== b2), b2]) : '',
        // A node listing B2 already is restarted only when the plan says so (B2 in the file, not mounted).
        restart:
          restartOf(plan, `restart-add:${n.host}`) ||
          (!unchanged && restartFallback.length > 0 ? displayCommand(restartFallback) : ''),
        unchanged,
        mounted: n.mounted,
        problem: file?.problem ?? n.problem ?? '',
      };
    });
  });
  return {
    syncedCopy: b2,
    flavorName: trilioLabel(f),
    nodes,
    busyWorkloads: f.busyWorkloads,
    manual: manualOf(plan),
  };
}

function trilioLabel(f: ReconfigureFacts): string {
  return `Trilio ${f.trilio.release}, ${f.trilio.installerLabel}`;
}

/** The config edits a run recorded that are not reverted yet (what the Revert step undoes). */
export function pendingConfigEdits(run: RunView): ChangeView[] {
  return run.changes.filter((c) => c.kind === 'config-edit' && !c.undoneAt);
}

/**
 * Revert: every node this run edited, with B2 taken out again. The values come from what Reconfigure
 * read before it edited (the file's original list); the restart from the recorded undo.
 */
export function revertChanges(run: RunView, plan: StepPlan | undefined): ConfigChanges | null {
  const reconfigure = run.steps.find((s) => s.key === 'reconfigure');
  const facts = reconfigureFactsOf(reconfigure?.facts);
  const b2 = facts?.syncedCopy ?? '';
  const edits = run.changes.filter((c) => c.kind === 'config-edit');
  if (edits.length === 0 && !facts) return null;
  const nodes = edits.map((c): NodeChange => {
    const node = facts?.nodes.find((n) => n.host === c.host);
    const edit = c.undo.find((a) => a.kind === 'remote' && a.id.startsWith('edit:'));
    const restart = c.undo.find((a) => a.kind === 'remote' && a.id.startsWith('restart-'));
    const path = edit?.kind === 'remote' ? (edit.argv[1] ?? '') : '';
    const file = node?.files.find((x) => x.file === path) ?? node?.files[0];
    const original = (file?.exports ?? []).filter((e) => e !== b2);
    return {
      host: c.host,
      hostName: node?.hostName ?? c.host,
      role: node?.role ?? 'compute',
      file: path || (file?.file ?? ''),
      before: file?.exports ? joined([...original, b2]) : '',
      after: file?.exports ? joined(original) : '',
      restart: restart?.kind === 'remote' ? displayCommand(restart.argv) : '',
      unchanged: c.undoneAt !== undefined,
      mounted: false,
      problem: '',
    };
  });
  return {
    syncedCopy: b2,
    flavorName: facts ? trilioLabel(facts) : '',
    nodes,
    busyWorkloads: null,
    manual: manualOf(plan),
  };
}
