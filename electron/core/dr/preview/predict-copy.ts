import { targetMountPath, trilioFactsOf } from '../../../../shared/trilio/trilio-facts.js';
import {
  copyPaths,
  listFolderArgv,
  parseListing,
  type CopyFacts,
} from '../../../../shared/plans/copy-plan.js';
import type { FindFacts } from '../../../../shared/plans/find-plan.js';
import { fail, ok } from '../../../../shared/result.js';
import type { FindOutcomeData } from '../../../../shared/run/step-data.js';
import type { StepPredictor } from '../../runs/plan-preview.js';
import { workloadDirName } from '../dr-paths.js';
import { runOn } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { peekListing } from './peek-share.js';

/**
 * Copy, when the synced copy is not mounted yet (Find mounts it): the same copy commands for the paths
 * the run will use; the target is read now (it must not exist), the source's size only after the mount.
 */
export const predictCopy: StepPredictor<RunServices> = {
  async facts(ctx, world, failure) {
    const find = world.facts.find as FindFacts | undefined;
    const found = world.outcomes.find?.data as FindOutcomeData | undefined;
    if (ctx.params.kind !== 'single' || !find || find.mounted || !found) return fail(failure);
    const tvm = ctx.services.tvms()[0];
    if (!tvm) return fail(failure);
    const targetRoot = targetMountPath(ctx.profile.trilio, ctx.profile.nfs.target);
    const paths = copyPaths(found.sourceRoot, targetRoot, workloadDirName(ctx.params.workloadId));
    const listed = await runOn(ctx, tvm.id, { argv: listFolderArgv(paths.target), privileged: true });
    if (!listed.ok) return listed;
    const source = await peekListing(ctx, tvm.id, workloadDirName(ctx.params.workloadId));
    const facts: CopyFacts = {
      tvm: tvm.id,
      tvmName: tvm.name,
      workloadId: ctx.params.workloadId,
      ...paths,
      owner: trilioFactsOf(ctx.profile.trilio, 'target').owner,
      sourceListing: source.ok ? source.value : null,
      sourcePending: !source.ok || source.value === null,
      targetListing: parseListing(listed.value.stdout),
    };
    return ok({
      facts,
      notes: [
        facts.sourceListing
          ? `${facts.source} is there once Find has mounted ${ctx.profile.nfs.syncedCopy}; its size was read through a private read-only mount.`
          : `${facts.source} is read once Find has mounted ${ctx.profile.nfs.syncedCopy}.`,
      ],
    });
  },
};
