import { buildOwnerMessages, type OwnerMessage } from '../notify/owner-message.js';
import type { RestoredWorkload } from '../report/restore-outcome.js';
import { ok, type Result } from '../result.js';
import type { StepPlan } from '../run/plan-types.js';
import { describeTrusteeRoles, rolesText, type TrusteeRoles } from '../trilio/trustee-roles.js';

/**
 * Runbook: "Notify users of Workloads being available". Instead of restoring, the owners of each target
 * project (the users holding Trilio's trustee role there, with an e-mail address in Keystone) get one
 * message listing their workloads now assigned to their project and how to restore them. Sent through
 * the profile's SMTP server, or saved as .eml files when the profile has none.
 */

export interface NotifyOwner {
  id: string;
  name: string;
  email: string;
}

export interface NotifyProjectFacts {
  /** Target project name (the messages and the workload rows use it). */
  targetProject: string;
  targetProjectId: string;
  /** Trustee-role holders with an e-mail address. */
  owners: NotifyOwner[];
  /** Trustee-role holders without one (named in the hint). */
  ownersWithoutEmail: string[];
  /** An earlier attempt of this run delivered this project's message: not sent again. */
  alreadySent: boolean;
}

export type NotifyTransport =
  | { kind: 'smtp'; host: string; port: number; starttls: boolean; username: string; caFile: string }
  | { kind: 'eml'; parentDir: string };

export interface NotifyFacts {
  runId: string;
  /** One row per workload, status `notified` (the restore outcome shape). */
  workloads: RestoredWorkload[];
  projects: NotifyProjectFacts[];
  transport: NotifyTransport;
  from: string;
  /** The roles that make a user an owner (Trilio's `trustee_role`, a list), and where they came from. */
  trusteeRoles: TrusteeRoles;
  /** Target domain as the profile names it (for the hint's command). */
  domain: string;
  targetCloud: { region: string; authUrl: string };
  sourceCloud: { region: string };
}

/** Stable id of a project's recorded delivery, so a repeat of the step does not mail the owners twice. */
export function notifyChangeId(targetProjectId: string): string {
  return `notify:${targetProjectId}`;
}

/** The messages of the step, one per target project, addressed to the projects' owners. */
export function notifyMessages(facts: NotifyFacts): OwnerMessage[] {
  const recipients = Object.fromEntries(
    facts.projects.map((p) => [p.targetProject, p.owners.map((o) => o.email)]),
  );
  return buildOwnerMessages({
    workloads: facts.workloads,
    recipients,
    from: facts.from,
    targetCloud: facts.targetCloud,
    sourceCloud: facts.sourceCloud,
    runId: facts.runId,
  });
}

/** Why a project's owners cannot be told, with what to do; undefined when they can. */
export function ownerProblem(
  facts: NotifyFacts,
  project: NotifyProjectFacts,
): { message: string; hint: string } | undefined {
  if (project.owners.length > 0) return undefined;
  const withoutEmail = project.ownersWithoutEmail;
  return {
    message:
      withoutEmail.length > 0
        ? `No owner of project ${project.targetProject} has an e-mail address in Keystone (${withoutEmail.join(', ')} hold the trustee role ${rolesText(facts.trusteeRoles.roles)}).`
        : `Nobody holds the trustee role ${rolesText(facts.trusteeRoles.roles)} on project ${project.targetProject}, so it has no owner to tell.`,
    hint:
      withoutEmail.length > 0
        ? `Give them an address (openstack user set --email ADDRESS --domain ${facts.domain} ${withoutEmail[0]}), then run the step again; or forward the saved .eml file yourself.`
        : `Give the project's owner the role (openstack role add --user USER --user-domain ${facts.domain} --project ${project.targetProject} --project-domain ${facts.domain} ${facts.trusteeRoles.roles[0] ?? 'creator'}) and an e-mail address, then run the step again.`,
  };
}

export function planNotify(facts: NotifyFacts): Result<StepPlan> {
  const messages = notifyMessages(facts);
  const byProject = new Map(facts.projects.map((p) => [p.targetProject, p]));
  const warnings: string[] = [];
  const lines: string[] = [];
  for (const m of messages) {
    const project = byProject.get(m.targetProject);
    const names = [...m.toRestore, ...m.failed].map((w) => w.name).join(', ');
    if (project?.alreadySent) {
      warnings.push(
        `The owners of ${m.targetProject} were told by an earlier attempt of this run: not sent again.`,
      );
      continue;
    }
    const problem = project ? ownerProblem(facts, project) : undefined;
    if (problem) warnings.push(`${problem.message} ${problem.hint}`);
    lines.push(`${m.targetProject} → ${m.to.join(', ') || 'nobody'}: ${names} (“${m.subject}”)`);
  }
  const how =
    facts.transport.kind === 'smtp'
      ? `sent through ${facts.transport.host}:${facts.transport.port}${facts.transport.starttls ? ' (STARTTLS)' : ''}${facts.transport.caFile ? `, server certificate checked against ${facts.transport.caFile}` : ''} from ${facts.from}`
      : `saved as .eml files in a new folder below ${facts.transport.parentDir} (the profile has no SMTP server), to be sent by you`;
  if (facts.transport.kind === 'eml')
    warnings.push(
      'No SMTP server in the profile: nothing is sent; forward the saved messages to the owners.',
    );
  return ok({
    step: 'notify',
    title: 'Notify owners',
    summary:
      `The workloads stay as backups in their target projects; their owners are told instead of restoring them. ` +
      `${lines.length} message(s), ${how}: ${lines.join('; ') || 'none to send'}. ` +
      `The owners are the users holding ${describeTrusteeRoles(facts.trusteeRoles)}. ` +
      backupsSentence(facts.workloads),
    actions: [],
    verify: [],
    warnings,
  });
}

/** What the messages say about scheduled backups (Trilio's job schedule, off after a migrate_cloud reassign). */
function backupsSentence(workloads: readonly RestoredWorkload[]): string {
  const off = workloads.filter((w) => w.backups === 'off').map((w) => w.name);
  const on = workloads.filter((w) => w.backups === 'on').map((w) => w.name);
  if (off.length === 0 && on.length === 0) return 'Trilio shows no job schedule for these workloads.';
  return (
    `Each message says whether scheduled backups are on: ${on.length ? `on for ${on.join(', ')}` : ''}${on.length && off.length ? '; ' : ''}` +
    `${off.length ? `off for ${off.join(', ')} (with the command that turns them on)` : ''}.`
  );
}
