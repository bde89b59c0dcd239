import type { RestoredWorkload } from '../report/restore-outcome.js';
import { displayCommand } from '../shell/quote.js';
import { checkEml, renderEml, type EmlMessage, type EmlOptions } from './eml.js';

/**
 * The runbook's "Notify users of Workloads being available": one message per target project, to its
 * owners, listing its workloads now in cloud B — restored ones with their new instance names and ids,
 * the others with how to restore them. Pure; recipients come from the caller (Keystone users' e-mail
 * or what the admin entered).
 */
export interface OwnerMessageInput {
  /** The restore/notify step's workload rows. */
  workloads: RestoredWorkload[];
  /** Target project → e-mail addresses of its owners. */
  recipients: Record<string, string[]>;
  from: string;
  targetCloud: { region: string; authUrl: string; dashboardUrl?: string };
  sourceCloud: { region: string };
  runId: string;
}

export interface OwnerMessage extends EmlMessage {
  targetProject: string;
  /** The workloads the message lists, by how they were delivered. */
  restored: RestoredWorkload[];
  toRestore: RestoredWorkload[];
  failed: RestoredWorkload[];
  /** Why the message cannot be sent as it is (no recipient, bad address); empty when it can. */
  problems: string[];
}

/** Builds the messages, one per target project that has workloads to tell about, by project name. */
export function buildOwnerMessages(input: OwnerMessageInput): OwnerMessage[] {
  const projects = [
    ...new Set(input.workloads.filter((w) => w.status !== 'skipped').map((w) => w.targetProject)),
  ];
  return projects.sort().map((project) => {
    const mine = input.workloads.filter((w) => w.targetProject === project && w.status !== 'skipped');
    const restored = mine.filter((w) => w.status === 'available');
    const toRestore = mine.filter((w) => w.status === 'notified');
    const failed = mine.filter((w) => w.status !== 'available' && w.status !== 'notified');
    const to = [...new Set(input.recipients[project] ?? [])];
    const message: EmlMessage = {
      from: input.from,
      to,
      subject: subjectOf(project, mine.length, input.targetCloud.region),
      text: bodyOf(input, project, restored, toRestore, failed),
    };
    return { ...message, targetProject: project, restored, toRestore, failed, problems: checkEml(message) };
  });
}

function subjectOf(project: string, count: number, region: string): string {
  const what = count === 1 ? '1 workload' : `${count} workloads`;
  return `[DR] ${what} of project ${project} available in ${region}`;
}

function workloadLine(w: RestoredWorkload): string {
  const from = w.sourceProjectName ? `, from project ${w.sourceProjectName}` : '';
  return `  - ${w.name} (workload ${w.workloadId}${from})`;
}

function bodyOf(
  input: OwnerMessageInput,
  project: string,
  restored: RestoredWorkload[],
  toRestore: RestoredWorkload[],
  failed: RestoredWorkload[],
): string {
  const { targetCloud, sourceCloud } = input;
  const lines: string[] = [
    'Hello,',
    '',
    `after the disaster recovery of the cloud in region ${sourceCloud.region}, the workloads of your project ${project} listed below are now in the cloud in region ${targetCloud.region} (${targetCloud.dashboardUrl || targetCloud.authUrl}).`,
    '',
  ];
  if (restored.length > 0) {
    lines.push('Restored: their instances are running in your project.');
    for (const w of restored) {
      lines.push(workloadLine(w));
      for (const i of w.instances ?? [])
        lines.push(
          `      instance ${i.name}${i.sourceName && i.sourceName !== i.name ? ` (was ${i.sourceName})` : ''}, id ${i.id}`,
        );
    }
    lines.push('', 'Please check that these instances work as you expect.', '');
  }
  if (toRestore.length > 0) {
    lines.push(
      'Available to restore: their backups are assigned to your project; restore them when you need them.',
    );
    for (const w of toRestore) lines.push(workloadLine(w));
    lines.push('');
  }
  if (failed.length > 0) {
    lines.push('Not restored yet: the administrators are working on these.');
    for (const w of failed) lines.push(`${workloadLine(w)}${w.error ? `: ${w.error}` : ''}`);
    lines.push('');
  }
  lines.push(...backupLines([...restored, ...toRestore, ...failed]));
  if (toRestore.length > 0 || failed.length > 0) {
    const id = (toRestore[0] ?? failed[0])!.workloadId;
    lines.push(
      'How to restore a workload:',
      '  In the dashboard: Project > Backups > Workloads, open the workload, pick a snapshot and choose',
      '  "Selective Restore"; map each network of the snapshot to a network of your project.',
      '  With the workloadmgr command line client:',
      `    ${displayCommand(['workloadmgr', 'snapshot-list', '--workload_id', id])}`,
      `    ${displayCommand(['workloadmgr', 'snapshot-show', '--output', 'networks', '<snapshot id>'])}`,
      `    ${displayCommand(['workloadmgr', 'snapshot-selective-restore', '--filename', 'restore.json', '<snapshot id>'])}`,
      `    ${displayCommand(['workloadmgr', 'restore-show', '<restore id>'])}`,
      '',
    );
  }
  lines.push(
    'If something is missing or does not work, reply to this message.',
    '',
    `(Disaster recovery run ${input.runId}, Trilio DR Wizard)`,
  );
  return lines.join('\n');
}

/**
 * Whether each workload's scheduled backups run: Trilio switches a workload's job schedule off when it
 * moves the workload from another cloud, so the owner learns which are off and how to turn them on.
 */
function backupLines(workloads: readonly RestoredWorkload[]): string[] {
  const known = workloads.filter((w) => w.backups !== undefined);
  if (known.length === 0) return [];
  const off = known.filter((w) => w.backups === 'off');
  const lines = ['Scheduled backups (Trilio job schedule):'];
  for (const w of known)
    lines.push(
      `  - ${w.name}: ${w.backups === 'on' ? 'on' : 'OFF - no new backups are taken until you turn them on'}`,
    );
  if (off.length > 0)
    lines.push(
      'Trilio turned these schedules off when it moved the workloads to this cloud. To turn one back on, edit',
      "the workload's schedule in the dashboard (enable it), or run:",
      ...off.map(
        (w) =>
          `    ${displayCommand(['workloadmgr', 'workload-modify', w.workloadId, '--jobschedule', 'enabled=True'])}`,
      ),
    );
  lines.push('');
  return lines;
}

/** The .eml text of a message, with the run recorded in an `X-Trilio-DR-Run` header. */
export function ownerMessageEml(message: OwnerMessage, options: EmlOptions & { runId: string }): string {
  return renderEml(message, {
    date: options.date,
    messageId: options.messageId,
    headers: {
      ...options.headers,
      'X-Trilio-DR-Run': options.runId,
      'X-Trilio-DR-Project': message.targetProject,
    },
  });
}
