import { ok, type Result } from '../../../shared/result.js';
import type { CloudClients } from '../clients/index.js';
import type { KeystoneProject } from '../clients/keystone-client.js';
import type { DrContext } from './remote-action.js';

/** A workload on the share whose folder already names a project of the target cloud. */
export interface TargetOwned {
  workloadId: string;
  workloadName: string;
  projectId: string;
  projectName: string;
  /** Trilio B lists it live (in that project): Restore can use it as it is; nothing to reassign. */
  managed: boolean;
}

/**
 * Workloads whose `workload_db` names a project of the target cloud's domain. Reassign only takes
 * orphans (a project the target cloud does not have): such a workload was reassigned by an earlier DR
 * of this share (Trilio rewrote its project id there) or belongs to the target cloud. If Trilio B
 * lists it, it is restored as it is; if not, the next step is an import into Trilio B (or a fresh sync
 * of the share from the source), never a reassign.
 */
export async function targetOwnedWorkloads(
  ctx: DrContext,
  admin: CloudClients,
  workloads: readonly { id: string; name: string | null; projectId: string | null }[],
): Promise<Result<TargetOwned[]>> {
  const domainName = ctx.profile.clouds.target.domain.trim() || 'Default';
  const domain = await admin.keystone.findDomain(domainName, { signal: ctx.signal });
  if (!domain.ok) return domain;
  const projects = new Map<string, KeystoneProject | null>();
  for (const id of new Set(workloads.flatMap((w) => (w.projectId ? [w.projectId] : [])))) {
    const got = await admin.session.identity<{ project: KeystoneProject }>({
      method: 'GET',
      path: `/projects/${encodeURIComponent(id)}`,
      expect: [200, 404],
      signal: ctx.signal,
    });
    if (!got.ok) return got;
    const project = got.value.status === 200 ? got.value.body.project : null;
    projects.set(id, project && project.domain_id === domain.value.id ? project : null);
  }
  const owned = workloads.filter((w) => w.projectId && projects.get(w.projectId));
  if (owned.length === 0) return ok([]);
  const live = await admin.trilio.listWorkloads({ allWorkloads: true, signal: ctx.signal });
  if (!live.ok) return live;
  const listed = new Map(live.value.filter((w) => w.status !== 'deleted').map((w) => [w.id, w]));
  return ok(
    owned.map((w) => {
      const project = projects.get(w.projectId!)!;
      return {
        workloadId: w.id,
        workloadName: w.name ?? w.id,
        projectId: project.id,
        projectName: project.name,
        managed: listed.get(w.id)?.project_id === project.id,
      };
    }),
  );
}

/** What to do about a workload the target cloud owns but Trilio B does not list. */
export function importHint(w: TargetOwned): string {
  return (
    `Its folder on the share names project ${w.projectName} of the target cloud (an earlier DR of this share reassigned it), so Trilio B does not see it as orphaned and Reassign cannot take it. ` +
    `Import it into Trilio B (workloadmgr workload-importworkloads --workloadids ${w.workloadId}, then restore it in ${w.projectName}), or refresh the share from the source before this DR.`
  );
}
