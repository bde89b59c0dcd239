import { fail, ok, type Result } from '../../../shared/result.js';
import type { CloudClients } from '../clients/index.js';
import type { KeystoneProject } from '../clients/keystone-client.js';
import { drTargets, type DrTarget } from './dr-targets.js';
import type { DrContext } from './remote-action.js';

export interface TargetProject {
  id: string;
  name: string;
  /** The domain as the profile names it (shown to the user). */
  domain: string;
  domainId: string;
}

/**
 * A target project (name or id) in the target cloud's domain from the profile. An id of a project in
 * another domain is refused: restores must land where the profile says.
 */
export async function findTargetProject(
  ctx: DrContext,
  clients: CloudClients,
  nameOrId: string,
): Promise<Result<TargetProject>> {
  const wanted = nameOrId.trim();
  const domainName = ctx.profile.clouds.target.domain.trim() || 'Default';
  if (!wanted)
    return fail({
      code: 'validation',
      message: 'The run has no target project.',
      hint: 'Choose the project of the target cloud the workload is restored into.',
      fields: [{ path: 'targetProject', message: 'required' }],
    });
  const domain = await clients.keystone.findDomain(domainName, { signal: ctx.signal });
  if (!domain.ok) return domain;
  const of = (p: KeystoneProject): TargetProject => ({
    id: p.id,
    name: p.name,
    domain: domain.value.name,
    domainId: domain.value.id,
  });
  const byName = await clients.keystone.findProject(wanted, domain.value.id, { signal: ctx.signal });
  if (byName.ok) return ok(of(byName.value));
  if (byName.error.code !== 'not-found') return byName;
  const byId = await clients.session.identity<{ project: KeystoneProject }>({
    method: 'GET',
    path: `/projects/${encodeURIComponent(wanted)}`,
    expect: [200, 404],
    signal: ctx.signal,
  });
  if (!byId.ok) return byId;
  const project = byId.value.status === 200 ? byId.value.body.project : undefined;
  if (project && project.domain_id === domain.value.id) return ok(of(project));
  return fail({
    code: 'not-found',
    message: project
      ? `Project ${project.name} (${project.id}) is not in domain ${domain.value.name}, the target domain of the profile.`
      : `The target cloud has no project named or with id "${wanted}" in domain ${domain.value.name}.`,
    hint: 'Create the project on the target cloud first, or fix the target project (names are case-sensitive) or the domain in the profile.',
    fields: [{ path: 'targetProject', message: 'not a project of the target domain' }],
  });
}

/** A workload of the run with its target project looked up in the target cloud. */
export interface ResolvedTarget extends DrTarget {
  project: TargetProject;
}

/**
 * The run's workloads (`drTargets`) with their target projects resolved in the target domain, each
 * distinct project looked up once. The first project that does not exist fails the whole list: a
 * mapping that points nowhere is fixed before anything is changed.
 */
export async function resolveTargets(
  ctx: DrContext,
  clients: CloudClients,
): Promise<Result<ResolvedTarget[]>> {
  const targets = drTargets(ctx);
  if (!targets.ok) return targets;
  const projects = new Map<string, TargetProject>();
  const resolved: ResolvedTarget[] = [];
  for (const t of targets.value) {
    let project = projects.get(t.targetProject);
    if (!project) {
      const found = await findTargetProject(ctx, clients, t.targetProject);
      if (!found.ok) return found;
      project = found.value;
      projects.set(t.targetProject, project);
    }
    resolved.push({ ...t, project });
  }
  return ok(resolved);
}

/** The distinct projects of resolved targets, in first-seen order. */
export function distinctProjects(targets: readonly ResolvedTarget[]): TargetProject[] {
  const seen = new Map<string, TargetProject>();
  for (const t of targets) if (!seen.has(t.project.id)) seen.set(t.project.id, t.project);
  return [...seen.values()];
}
