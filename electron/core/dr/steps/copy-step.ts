import {
  isOwnEarlierCopy,
  listFolderArgv,
  parseListing,
  planCopy,
  sameListing,
  type CopyFacts,
  type FolderListing,
} from '../../../../shared/plans/copy-plan.js';
import { targetMountPath, trilioFactsOf } from '../../../../shared/trilio/trilio-facts.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { RemoteAction } from '../../../../shared/run/plan-types.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import { workloadDirName } from '../dr-paths.js';
import { runOn, runRemoteAction, type DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import type { FindOutcomeData } from './find-step.js';

/** Copies the chosen workload from the synced copy (B2) into the share Trilio B uses (B1), on the appliance. */
export const copyStep: StepDefinition<CopyFacts, RunServices> = {
  key: 'copy',
  async discover(ctx) {
    if (ctx.params.kind !== 'single')
      return fail({ code: 'invalid-argument', message: 'Copy is a single-workload step.' });
    const workloadId = ctx.params.workloadId;
    if (!workloadId)
      return fail({
        code: 'precondition',
        message: 'No workload chosen.',
        hint: 'Choose the workload in the Find step.',
      });
    const found = ctx.outcomeOf('find')?.data as FindOutcomeData | undefined;
    if (!found) return fail({ code: 'precondition', message: 'Run the Find step first.' });
    const tvm = ctx.services.tvms()[0];
    if (!tvm) return fail({ code: 'validation', message: 'The profile has no Trilio appliance host.' });
    const dir = workloadDirName(workloadId);
    const targetRoot = targetMountPath(ctx.profile.trilio, ctx.profile.nfs.target);
    const source = `${found.sourceRoot}/${dir}`;
    const target = `${targetRoot}/${dir}`;
    const sourceListing = await listing(ctx, tvm.id, source);
    if (!sourceListing.ok) return sourceListing;
    const targetListing = await listing(ctx, tvm.id, target);
    if (!targetListing.ok) return targetListing;
    return ok({
      tvm: tvm.id,
      tvmName: tvm.name,
      workloadId,
      source,
      target,
      partial: `${targetRoot}/.trilio-dr-partial-${dir}`,
      sourceListing: sourceListing.value,
      targetListing: targetListing.value,
      owner: trilioFactsOf(ctx.profile.trilio, 'target').owner,
      copiedByThisRun: isOwnEarlierCopy(
        ctx.previousFacts() as Partial<CopyFacts> | undefined,
        target,
        targetListing.value,
      ),
    });
  },
  plan: (facts) => planCopy(facts),
  async execute(plan, facts, ctx) {
    for (const action of plan.actions) {
      if (action.kind !== 'remote') continue;
      const ran = action.id.startsWith('copy:')
        ? await copyWithProgress(ctx, action, facts)
        : await runRemoteAction(ctx, action);
      if (!ran.ok) return fail({ ...ran.error, host: ran.error.host ?? facts.tvmName });
      if (action.change)
        ctx.recordChange({
          actionId: action.id,
          host: action.host,
          kind: action.change.kind,
          description: action.description,
          undo: action.change.undo,
        });
    }
    const after = await listing(ctx, facts.tvm, facts.target);
    if (!after.ok) return after;
    const owner = await runOn(ctx, facts.tvm, {
      argv: ['find', facts.target, '!', '-user', ownerUser(facts.owner), '-print', '-quit'],
      privileged: true,
    });
    if (!owner.ok) return owner;
    const stray = owner.value.stdout.trim();
    const src = facts.sourceListing!;
    return ok({
      summary:
        plan.actions.length === 0
          ? plan.summary
          : `Copied ${src.files} files (${src.bytes} bytes) to ${facts.target}; owned by ${facts.owner}.`,
      verify: [
        {
          host: facts.tvmName,
          check: 'file count, sizes and names match the synced copy',
          ok: sameListing(src, after.value),
          detail: `${after.value?.files ?? 0}/${src.files} files, ${after.value?.bytes ?? 0}/${src.bytes} bytes`,
        },
        {
          host: facts.tvmName,
          check: `every file owned by ${ownerUser(facts.owner)}`,
          ok: stray === '',
          ...(stray ? { detail: stray } : {}),
        },
      ],
      data: { target: facts.target, files: src.files, bytes: src.bytes, skipped: plan.actions.length === 0 },
    });
  },
};

/** The user part of `user:group` (`find -user` takes a name or a numeric id). */
const ownerUser = (owner: string) => owner.split(':')[0] ?? owner;

async function listing(ctx: DrContext, host: string, dir: string): Promise<Result<FolderListing | null>> {
  const out = await runOn(ctx, host, { argv: listFolderArgv(dir), privileged: true });
  if (!out.ok) return out;
  try {
    return ok(parseListing(out.value.stdout));
  } catch (error) {
    return fail({ code: 'ssh-command', message: (error as Error).message, command: dir });
  }
}

function copyWithProgress(ctx: DrContext, action: RemoteAction, facts: CopyFacts) {
  const total = Math.max(1, facts.sourceListing?.bytes ?? 1);
  // Shown at once: a small copy may end before the script's first progress line.
  ctx.progress(0, `0 of ${total} bytes copied`);
  return runOn(
    ctx,
    action.host,
    { argv: action.argv, privileged: action.privileged },
    {
      onStdoutLine: (line) => {
        const m = /^trilio-dr-progress (\d+)/.exec(line);
        if (!m) return false;
        const bytes = Number(m[1]);
        ctx.progress(Math.min(0.99, bytes / total), `${bytes} of ${total} bytes copied`);
        return true;
      },
    },
  );
}
