import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  notifyChangeId,
  notifyMessages,
  ownerProblem,
  planNotify,
  type NotifyFacts,
  type NotifyOwner,
  type NotifyProjectFacts,
  type NotifyTransport,
} from '../../../../shared/plans/notify-plan.js';
import type { RestoredWorkload, RestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import { fail, ok, type AppError, type Result } from '../../../../shared/result.js';
import type { VerifyRow } from '../../../../shared/run/run-types.js';
import { readJobSchedule } from '../../../../shared/trilio/job-schedule.js';
import { isTrusteeRole } from '../../../../shared/trilio/trustee-roles.js';
import type { CloudClients } from '../../clients/index.js';
import { prepareOwnerMessages, saveEml, sendPrepared, type SendResult } from '../../notify/smtp-send.js';
import type { StepDefinition } from '../../runs/step-definition.js';
import type { DrContext } from '../remote-action.js';
import type { RunServices } from '../run-services.js';
import { resolveTrusteeRoles } from '../trustee-roles.js';
import { distinctProjects, resolveTargets, type TargetProject } from '../target-projects.js';

/**
 * Runbook: "Notify users of Workloads being available" (the notify-only variant of the DR): every
 * workload stays a backup in its target project, and the owners of each project get one message
 * listing them with how to restore. A project whose message was delivered is recorded
 * (`notify:<project id>`), so running the step again only mails the projects that were not reached.
 */

/** What was sent (or saved) for one target project. */
export interface NotifyRecord {
  targetProject: string;
  to: string[];
  subject: string;
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The SMTP server's final answer. */
  response?: string;
  sentAt?: string;
  /** The .eml copy (always written when no SMTP server is configured, or when it could not be sent). */
  file?: string;
  error?: string;
  /** Delivered by an earlier attempt of this run; not sent again. */
  earlier?: boolean;
}

export interface NotifyStepData extends RestoreOutcomeData {
  transport: NotifyTransport['kind'];
  messages: NotifyRecord[];
  /** Folder the .eml files were saved in, when any. */
  emlDir?: string;
  problems: { targetProject: string; message: string; hint: string }[];
}

export const notifyStep: StepDefinition<NotifyFacts, RunServices> = {
  key: 'notify',
  async discover(ctx) {
    const admin = await ctx.services.clouds.target();
    if (!admin.ok) return admin;
    const targets = await resolveTargets(ctx, admin.value);
    if (!targets.ok) return targets;
    const trusteeRoles = await resolveTrusteeRoles(ctx);
    const sent = new Set(
      ctx
        .changes()
        .filter((c) => c.step === 'notify' && !c.undoneAt)
        .map((c) => c.actionId),
    );
    const projects: NotifyProjectFacts[] = [];
    for (const project of distinctProjects(targets.value)) {
      const owners = await ownersOf(ctx, admin.value, project, trusteeRoles.roles);
      if (!owners.ok) return owners;
      ctx.log(
        `Project ${project.name}: owners ${owners.value.withEmail.map((o) => `${o.name} <${o.email}>`).join(', ') || 'none with an e-mail address'}.`,
      );
      projects.push({
        targetProject: project.name,
        targetProjectId: project.id,
        owners: owners.value.withEmail,
        ownersWithoutEmail: owners.value.withoutEmail,
        alreadySent: sent.has(notifyChangeId(project.id)),
      });
    }
    const reassigned = reassignedIds(ctx);
    const workloads: RestoredWorkload[] = [];
    for (const t of targets.value) {
      const backups = await backupsOf(ctx, admin.value, t.workloadId);
      workloads.push({
        workloadId: t.workloadId,
        name: t.workloadName,
        sourceProject: t.sourceProjectId,
        ...(t.sourceProjectName ? { sourceProjectName: t.sourceProjectName } : {}),
        targetProject: t.project.name,
        ...(reassigned.has(t.workloadId)
          ? { status: 'notified' as const }
          : {
              status: 'error' as const,
              error: 'Not assigned to the project (the Reassign step did not list it).',
            }),
        ...(backups ? { backups } : {}),
      });
    }
    const { smtp, clouds } = ctx.profile;
    const transport: NotifyTransport = smtp.host.trim()
      ? {
          kind: 'smtp',
          host: smtp.host.trim(),
          port: smtp.port,
          starttls: smtp.starttls,
          username: smtp.username,
          caFile: smtp.caFile.trim(),
        }
      : { kind: 'eml', parentDir: os.tmpdir() };
    if (transport.kind === 'smtp' && !smtp.from.trim())
      return fail({
        code: 'validation',
        message: 'The profile has an SMTP server but no sender address.',
        hint: 'Set the sender (From) in the profile’s mail settings.',
        fields: [{ path: 'smtp.from', message: 'required to send' }],
      });
    return ok({
      runId: ctx.runId,
      workloads,
      projects,
      transport,
      // Saved messages need a syntactically valid sender even when the profile names none.
      from: smtp.from.trim() || 'Trilio DR Wizard <trilio-dr-wizard@localhost.invalid>',
      trusteeRoles,
      domain: clouds.target.domain.trim() || 'Default',
      targetCloud: { region: clouds.target.region, authUrl: clouds.target.authUrl },
      sourceCloud: { region: clouds.source.region },
    });
  },
  plan: (facts) => planNotify(facts),
  async execute(_plan, facts, ctx) {
    const earlier = earlierRecords(ctx);
    const byProject = new Map(facts.projects.map((p) => [p.targetProject, p]));
    const messages = notifyMessages(facts).filter((m) => !byProject.get(m.targetProject)?.alreadySent);
    const prepared = prepareOwnerMessages(messages, { runId: ctx.runId });
    const problems = facts.projects.flatMap((p) => {
      const problem = p.alreadySent ? undefined : ownerProblem(facts, p);
      return problem ? [{ targetProject: p.targetProject, ...problem }] : [];
    });
    const records = new Map<string, NotifyRecord>();
    for (const p of prepared)
      records.set(p.message.targetProject, {
        targetProject: p.message.targetProject,
        to: p.message.to,
        subject: p.message.subject,
        messageId: p.messageId,
        accepted: [],
        rejected: [],
      });

    // Saved: every message when nothing is sent, else the ones that cannot be (for the admin to forward).
    const toSave = prepared.filter((p) => facts.transport.kind === 'eml' || p.message.problems.length > 0);
    let emlDir: string | undefined;
    if (toSave.length > 0) {
      const dir = await mkdtemp(path.join(os.tmpdir(), `trilio-dr-notify-${ctx.runId}-`)).catch(
        (error: Error) => error,
      );
      if (dir instanceof Error)
        return fail({ code: 'internal', message: `Cannot create a folder for the messages: ${dir.message}` });
      const saved = await saveEml(dir, toSave);
      if (!saved.ok) return saved;
      emlDir = dir;
      toSave.forEach((p, i) => {
        const record = records.get(p.message.targetProject)!;
        record.file = saved.value[i]!;
        ctx.log(`Saved the message for ${p.message.targetProject} as ${record.file}.`);
      });
    }

    if (facts.transport.kind === 'smtp') {
      const sendable = prepared.filter((p) => p.message.problems.length === 0);
      if (sendable.length > 0) {
        const sent = await sendSmtp(ctx, facts.transport, sendable);
        if (!sent.ok) return sent;
        for (const result of sent.value) recordSend(ctx, facts, records.get(result.targetProject)!, result);
      }
    }

    const verify: VerifyRow[] = [];
    for (const p of facts.projects) {
      if (p.alreadySent) {
        verify.push({ check: `Owners of ${p.targetProject} notified (by an earlier attempt)`, ok: true });
        continue;
      }
      const record = records.get(p.targetProject);
      const problem = problems.find((x) => x.targetProject === p.targetProject);
      if (facts.transport.kind === 'eml')
        verify.push({
          check: `Message for the owners of ${p.targetProject} saved`,
          ok: Boolean(record?.file) && !problem,
          detail: problem ? `${problem.message} ${problem.hint}` : (record?.file ?? 'not saved'),
        });
      else
        verify.push({
          check: `Owners of ${p.targetProject} notified (${record?.to.join(', ') || 'no recipient'})`,
          ok: Boolean(record && !record.error && record.accepted.length > 0 && record.rejected.length === 0),
          detail: problem
            ? `${problem.message} ${problem.hint}`
            : record?.error
              ? record.error
              : `accepted ${record?.accepted.join(', ') || 'none'}${record?.rejected.length ? `, rejected ${record.rejected.join(', ')}` : ''}`,
        });
    }
    const messagesOut = [
      ...facts.projects
        .filter((p) => p.alreadySent)
        .flatMap((p) => {
          const before = earlier.get(p.targetProject);
          return before ? [{ ...before, earlier: true }] : [];
        }),
      ...records.values(),
    ];
    const data: NotifyStepData = {
      workloads: facts.workloads,
      transport: facts.transport.kind,
      messages: messagesOut,
      ...(emlDir ? { emlDir } : {}),
      problems,
    };
    const told = messagesOut.filter((m) => m.accepted.length > 0).length;
    return ok({
      summary:
        facts.transport.kind === 'smtp'
          ? `Told the owners of ${told} of ${facts.projects.length} project(s) about ${facts.workloads.length} workload(s).${emlDir ? ` Messages that could not be sent are in ${emlDir}.` : ''}`
          : `Saved ${toSave.length} message(s) for the owners of ${facts.projects.length} project(s) in ${emlDir ?? '(nothing saved)'}; forward them.`,
      verify,
      data,
    });
  },
};

/** Sends through the profile's SMTP server, with the password from the secret store. */
function sendSmtp(
  ctx: DrContext,
  transport: Extract<NotifyTransport, { kind: 'smtp' }>,
  prepared: ReturnType<typeof prepareOwnerMessages>,
): Promise<Result<SendResult[]>> {
  const password = ctx.services.getSecret('smtp.password');
  ctx.log(
    `SMTP ${transport.host}:${transport.port}: sending ${prepared.length} message(s)${transport.username ? ` as ${transport.username}` : ''}.`,
  );
  return sendPrepared(
    {
      host: transport.host,
      port: transport.port,
      starttls: transport.starttls,
      ...(transport.username ? { username: transport.username } : {}),
      ...(password ? { password } : {}),
      ...(transport.caFile ? { caFile: transport.caFile } : {}),
    },
    prepared,
    { signal: ctx.signal },
  );
}

/** Notes a message's result and records a delivery (so a repeat does not mail the owners again). */
function recordSend(ctx: DrContext, facts: NotifyFacts, record: NotifyRecord, result: SendResult): void {
  record.accepted = result.accepted;
  record.rejected = result.rejected;
  record.sentAt = result.sentAt;
  if (result.response) record.response = result.response;
  if (result.error) record.error = describe(result.error);
  ctx.log(
    result.error
      ? `Message for ${record.targetProject} not delivered: ${record.error}`
      : `Message ${result.messageId} for ${record.targetProject} accepted for ${result.accepted.join(', ')} (${result.response ?? ''}).`,
    { stream: result.error ? 'error' : 'info' },
  );
  const project = facts.projects.find((p) => p.targetProject === record.targetProject);
  if (!project || result.error || result.accepted.length === 0) return;
  ctx.recordChange({
    actionId: notifyChangeId(project.targetProjectId),
    host: '',
    kind: 'notify',
    description: `Told the owners of ${record.targetProject} (${result.accepted.join(', ')}), Message-ID ${result.messageId}`,
    undo: [],
  });
}

function describe(error: AppError): string {
  return error.hint ? `${error.message} ${error.hint}` : error.message;
}

/** What an earlier attempt of the step sent, by project (kept in its saved outcome). */
function earlierRecords(ctx: DrContext): Map<string, NotifyRecord> {
  const data = ctx.outcomeOf('notify')?.data as Partial<NotifyStepData> | undefined;
  return new Map((data?.messages ?? []).map((m) => [m.targetProject, m]));
}

/** Workloads the Reassign step left in their target projects. */
function reassignedIds(ctx: DrContext): Set<string> {
  const data = ctx.outcomeOf('reassign')?.data as { workloads?: { workloadId?: string }[] } | undefined;
  return new Set((data?.workloads ?? []).flatMap((w) => (w.workloadId ? [w.workloadId] : [])));
}

/**
 * The project's owners: users holding the trustee role there (directly, through a group or inherited),
 * with their e-mail address from Keystone when they have one.
 */
async function ownersOf(
  ctx: DrContext,
  clients: CloudClients,
  project: TargetProject,
  roles: readonly string[],
): Promise<Result<{ withEmail: NotifyOwner[]; withoutEmail: string[] }>> {
  const assignments = await clients.keystone.listProjectAssignments(project.id, { signal: ctx.signal });
  if (!assignments.ok) return assignments;
  const holders = new Map<string, string>();
  for (const a of assignments.value)
    if (isTrusteeRole(a.role.name, roles) && a.user) holders.set(a.user.id, a.user.name);
  const withEmail: NotifyOwner[] = [];
  const withoutEmail: string[] = [];
  for (const [id, name] of [...holders].sort((a, b) => a[1].localeCompare(b[1]))) {
    const user = await clients.session.identity<{ user: { email?: string } }>({
      method: 'GET',
      path: `/users/${encodeURIComponent(id)}`,
      signal: ctx.signal,
    });
    if (!user.ok) return user;
    const email = user.value.body.user.email?.trim();
    if (email) withEmail.push({ id, name, email });
    else withoutEmail.push(name);
  }
  return ok({ withEmail, withoutEmail });
}

/**
 * Whether Trilio takes scheduled backups of the workload now (its job schedule as Trilio shows it), else
 * as the Reassign step left it; undefined when neither says.
 */
async function backupsOf(
  ctx: DrContext,
  clients: CloudClients,
  workloadId: string,
): Promise<'on' | 'off' | undefined> {
  const now = await clients.trilio.getWorkload(workloadId, { signal: ctx.signal });
  const shown = now.ok ? readJobSchedule(now.value.jobschedule) : undefined;
  if (shown) return shown.enabled ? 'on' : 'off';
  const data = ctx.outcomeOf('reassign')?.data as
    { workloads?: { workloadId?: string; scheduleEnabled?: boolean }[] } | undefined;
  const enabled = data?.workloads?.find((w) => w.workloadId === workloadId)?.scheduleEnabled;
  return enabled === undefined ? undefined : enabled ? 'on' : 'off';
}
