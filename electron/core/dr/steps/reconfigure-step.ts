import { readShares } from '../../../../shared/config/share-config.js';
import { mountPathFor } from '../../../../shared/nfs/mount-path.js';
import { targetMountPath, trilioFactsOf } from '../../../../shared/trilio/trilio-facts.js';
import { parseProbe, probePathsArgv } from '../../../../shared/plans/host-scripts.js';
import {
  planReconfigure,
  type ExportEdit,
  type NodeConfig,
  type NodeFile,
  type ReconfigureFacts,
} from '../../../../shared/plans/reconfigure-plan.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { RemoteAction } from '../../../../shared/run/plan-types.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { fanOut } from '../../ssh/fan-out.js';
import { readRemoteFile, type FileChange } from '../../ssh/remote-files.js';
import { execContextOf, runOn, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { hostName, runEditOrCommand } from './export-edit.js';

/**
 * Reads every node's Trilio config files (each candidate path of the target cloud's installer; those
 * that exist count) and whether `nfsExport` is mounted there.
 */
export async function readNodeConfigs(ctx: DrContext, nfsExport: string): Promise<Result<NodeConfig[]>> {
  const trilio = trilioFactsOf(ctx.profile.trilio, 'target');
  const path = mountPathFor(nfsExport, trilio.mountRoot, trilio.folderForm);
  const nodes = [...ctx.services.tvms(), ...ctx.services.computes()];
  const outcomes = await fanOut(
    nodes.map((n) => n.id),
    async (id): Promise<Result<NodeConfig>> => {
      const node = nodes.find((n) => n.id === id)!;
      const isTvm = node.role === 'tvm';
      const candidates = isTvm ? trilio.applianceConfigs : trilio.datamoverConfigs;
      const conn = await ctx.services.pool.get(id);
      if (!conn.ok) return conn;
      const files: NodeFile[] = [];
      for (const file of candidates) {
        const read = await readRemoteFile(conn.value, file, execContextOf(ctx));
        if (!read.ok) return read;
        if (!read.value.exists) continue;
        const shares = readShares(read.value.content);
        files.push({
          file,
          model: shares.model,
          exports: shares.ok ? shares.exports : null,
          ...(shares.ok ? {} : { problem: shares.message }),
        });
        // A datamover has one config file: the first candidate that exists.
        if (!isTvm) break;
      }
      const probe = await runOn(ctx, id, { argv: probePathsArgv([path]), privileged: true });
      if (!probe.ok) return probe;
      return ok({
        host: id,
        hostName: node.name,
        role: isTvm ? 'tvm' : 'compute',
        files,
        ...(files.length === 0 ? { problem: `none of ${candidates.join(', ')} exists` } : {}),
        mounted: parseProbe(probe.value.stdout).mounts.has(path),
      });
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) return fail(failed.error);
  return ok(outcomes.flatMap((o) => (o.ok ? [o.value] : [])));
}

/**
 * Runs edit/restart actions per host (hosts in parallel), recording each edit with its undo. When the
 * step runs again after a failure, a host whose file already has the edit and whose service already
 * runs with it (B2 mounted, or unmounted for a removal) is not restarted again: only the hosts that
 * failed are touched.
 */
export async function runNodeActions(ctx: DrContext, actions: RemoteAction[]): Promise<Result<void>> {
  const hosts = [...new Set(actions.map((a) => a.host))];
  const outcomes = await fanOut(
    hosts,
    async (host) => {
      let unchanged: ExportEdit | undefined;
      for (const action of actions.filter((a) => a.host === host)) {
        const edit = editOf(action);
        if (!edit && unchanged) {
          const applied = await serviceRunsWith(ctx, host, unchanged);
          if (!applied.ok) return applied;
          if (applied.value) {
            ctx.log(
              `Not restarting: ${unchanged.file} is already edited and ${unchanged.nfsExport} is ${unchanged.mode === 'add' ? 'mounted' : 'not mounted'}, so the service runs with it.`,
              { host: hostName(ctx, host) },
            );
            continue;
          }
        }
        const record = () =>
          action.change &&
          ctx.recordChange({
            actionId: action.id,
            host,
            kind: action.change.kind,
            description: action.description,
            undo: action.change.undo,
          });
        // An edit is recorded right before its write, not after: a process killed between the two
        // would leave B2 in the file with no change to revert (the next plan sees B2 and skips the
        // node). Editing back a file that never got B2 changes nothing. A repeat record is ignored.
        const done = await runEditOrCommand(ctx, action, record);
        if (!done.ok) return done;
        record();
        unchanged = edit && !(done.value as FileChange).changed ? edit : undefined;
      }
      return ok(undefined);
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === 0) return ok(undefined);
  const first = failed[0]!;
  if (first.ok) return ok(undefined);
  const names = failed.map((f) => hostName(ctx, f.host));
  // The first host's message usually starts with its name already.
  const detail = first.error.message.startsWith(`${names[0]}: `)
    ? first.error.message.slice(names[0]!.length + 2)
    : first.error.message;
  return fail({
    ...first.error,
    message: `${names.join(', ')}: ${detail}`,
    hint: `${first.error.hint ?? ''} Run the step again when fixed: nodes already done are not edited or restarted again.`.trim(),
  });
}

function editOf(action: RemoteAction): ExportEdit | undefined {
  return (action as RemoteAction & { edit?: ExportEdit }).edit;
}

/** Whether the host's service already runs with `edit` applied: the export mounted (add) or not (remove). */
async function serviceRunsWith(ctx: DrContext, host: string, edit: ExportEdit): Promise<Result<boolean>> {
  const path = targetMountPath(ctx.profile.trilio, edit.nfsExport);
  const probe = await runOn(ctx, host, { argv: probePathsArgv([path]), privileged: true });
  if (!probe.ok) return probe;
  return ok(parseProbe(probe.value.stdout).mounts.has(path) === (edit.mode === 'add'));
}

/** B2 mounted (or not) at its base64 path on every node, polled for a while after the restarts. */
export async function verifyMounted(
  ctx: DrContext,
  nfsExport: string,
  want: boolean,
): Promise<Result<VerifyRow[]>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = await readNodeConfigs(ctx, nfsExport);
    if (!nodes.ok) return nodes;
    const rows = nodes.value.map((n) => ({
      host: n.hostName,
      check: `${nfsExport} ${want ? 'mounted' : 'not mounted'} at ${targetMountPath(ctx.profile.trilio, nfsExport)}`,
      ok: n.mounted === want,
    }));
    if (rows.every((r) => r.ok) || Date.now() > deadline || ctx.signal.aborted) return ok(rows);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export const reconfigureStep: StepDefinition<ReconfigureFacts, RunServices> = {
  key: 'reconfigure',
  async discover(ctx) {
    const nodes = await readNodeConfigs(ctx, ctx.profile.nfs.syncedCopy);
    if (!nodes.ok) return nodes;
    const target = await ctx.services.clouds.target();
    if (!target.ok) return target;
    const workloads = await target.value.trilio.listWorkloads({ allWorkloads: true, signal: ctx.signal });
    if (!workloads.ok) return workloads;
    return ok({
      syncedCopy: ctx.profile.nfs.syncedCopy,
      target: ctx.profile.nfs.target,
      trilio: trilioFactsOf(ctx.profile.trilio, 'target'),
      nodes: nodes.value,
      busyWorkloads: workloads.value.filter((w) => w.status === 'locked').map((w) => w.name || w.id),
    });
  },
  plan: (facts) => planReconfigure(facts),
  async execute(plan, facts, ctx) {
    const manual = plan.actions.filter((a) => a.kind === 'manual');
    const unconfirmed = manual.filter((a) => !ctx.isConfirmed(a.id));
    if (unconfirmed.length > 0)
      return fail({
        code: 'precondition',
        message: `Apply and confirm: ${unconfirmed.map((a) => a.description).join('; ')}.`,
        hint: unconfirmed.map((a) => (a.kind === 'manual' ? a.instructions : '')).join('\n'),
      });
    const ran = await runNodeActions(
      ctx,
      plan.actions.filter((a): a is RemoteAction => a.kind === 'remote'),
    );
    if (!ran.ok) return ran;
    const verify = await verifyMounted(ctx, facts.syncedCopy, true);
    if (!verify.ok) return verify;
    return ok({
      summary: `${facts.syncedCopy} is configured and mounted on ${facts.nodes.length} node(s). Backups of the target region are on hold until Revert.`,
      verify: verify.value,
    });
  },
};
