import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  prepareOwnerMessages,
  sendPrepared,
  type SmtpSendConfig,
} from '../../../electron/core/notify/smtp-send.js';
import { buildOwnerMessages } from '../../../shared/notify/owner-message.js';
import type { RestoredWorkload } from '../../../shared/report/restore-outcome.js';
import type { LabJson } from '../../lab/lab-json.js';
import { readLabJson } from '../../lab/lab.js';
import { readEml } from '../../unit/notify/support/read-eml.js';

// Owner notifications through the lab's real SMTP server (aiosmtpd: STARTTLS mandatory, AUTH as
// lab-mailer), read back from its Maildir.

let lab: LabJson;
let config: SmtpSendConfig;

beforeAll(async () => {
  lab = await readLabJson();
  config = {
    host: lab.smtp.host,
    port: lab.smtp.port,
    starttls: true,
    username: lab.smtp.username!,
    password: lab.smtp.password!,
    caFile: lab.smtp.caCertFile!,
    timeoutMs: 10_000,
  };
});

/** The lab's workloads as the restore step reports them: finance restored, engineering notified, one failed. */
function outcome(tag: string): RestoredWorkload[] {
  return lab.workloads
    .filter((w) => !w.managed)
    .map((w, i) => ({
      workloadId: w.id,
      name: `${w.name}-${tag}`,
      sourceProject: w.sourceProject,
      sourceProjectName: w.sourceProjectName,
      targetProject: w.targetProject,
      ...(w.sourceProjectName === 'finance'
        ? {
            status: 'available' as const,
            restoreId: `r-${i}`,
            instances: w.vms.map((vm) => ({ name: `${vm.name}-dr`, id: `id-${vm.id}`, sourceName: vm.name })),
          }
        : i % 2 === 0
          ? { status: 'notified' as const }
          : { status: 'error' as const, error: 'No valid host was found.' }),
    }));
}

/**
 * Messages in the Maildir whose X-Trilio-DR-Run header names this run. The sink stores a message before
 * it answers 250, so after a refused send one look is enough (waitMs 0).
 */
async function delivered(runId: string, expected: number, waitMs = 5_000): Promise<string[]> {
  const dir = path.join(lab.smtp.maildir, 'new');
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found: string[] = [];
    for (const file of await readdir(dir).catch(() => [] as string[])) {
      const text = await readFile(path.join(dir, file), 'utf8');
      if (text.includes(`X-Trilio-DR-Run: ${runId}`)) found.push(text.replace(/\r?\n/g, '\r\n'));
    }
    if (found.length >= expected || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('owner notifications over the lab SMTP server', () => {
  it('arrive with the right recipients and workload lists, one per target project', async () => {
    const tag = randomUUID().slice(0, 8);
    const runId = `run-smtp-${tag}`;
    const workloads = outcome(tag);
    const projects = [...new Set(workloads.map((w) => w.targetProject))].sort();
    expect(projects.length).toBeGreaterThanOrEqual(2);
    const recipients = Object.fromEntries(projects.map((p) => [p, [`owner@${p}.test`, `deputy@${p}.test`]]));
    const messages = buildOwnerMessages({
      workloads,
      recipients,
      from: 'DR Wizard <dr-wizard@cloud-b.test>',
      targetCloud: { region: lab.clouds.B.region, authUrl: lab.clouds.B.authUrl },
      sourceCloud: { region: lab.clouds.A.region },
      runId,
    });
    const prepared = prepareOwnerMessages(messages, { runId });
    const sent = await sendPrepared(config, prepared);
    expect(sent.ok ? [] : sent.error).toEqual([]);
    if (!sent.ok) return;
    expect(sent.value.map((r) => [r.targetProject, r.accepted, r.rejected, r.error])).toEqual(
      projects.map((p) => [p, recipients[p], [], undefined]),
    );
    expect(sent.value.every((r) => r.response?.startsWith('250'))).toBe(true);

    const mails = await delivered(runId, projects.length);
    expect(mails).toHaveLength(projects.length);
    for (const mail of mails) {
      const parsed = readEml(mail);
      const project = parsed.headers.get('x-trilio-dr-project')!;
      expect(projects).toContain(project);
      expect(parsed.headers.get('x-lab-envelope-to')).toBe(recipients[project]!.join(', '));
      expect(parsed.headers.get('x-lab-envelope-from')).toBe('dr-wizard@cloud-b.test');
      expect(parsed.headers.get('x-lab-auth-user')).toBe(lab.smtp.username);
      expect(parsed.headers.get('to')).toBe(recipients[project]!.join(', '));
      expect(parsed.headers.get('message-id')).toBe(
        `<${prepared.find((p) => p.message.targetProject === project)!.messageId}>`,
      );
      // Exactly this project's workloads are listed, restored ones with their new instance names.
      for (const w of workloads) {
        if (w.targetProject === project)
          expect(parsed.body).toContain(`  - ${w.name} (workload ${w.workloadId}`);
        else expect(parsed.body).not.toContain(w.name);
      }
      for (const w of workloads.filter((x) => x.targetProject === project && x.status === 'available'))
        for (const i of w.instances!)
          expect(parsed.body).toContain(`instance ${i.name} (was ${i.sourceName}), id ${i.id}`);
      if (workloads.some((x) => x.targetProject === project && x.status !== 'available'))
        expect(parsed.body).toContain('How to restore a workload');
    }
  });

  it('sends nothing when the password is wrong, and says so without the password', async () => {
    const runId = `run-smtp-${randomUUID().slice(0, 8)}`;
    const messages = buildOwnerMessages({
      workloads: outcome('x').slice(0, 1),
      recipients: { [outcome('x')[0]!.targetProject]: ['owner@x.test'] },
      from: 'dr-wizard@cloud-b.test',
      targetCloud: { region: 'B', authUrl: 'http://b' },
      sourceCloud: { region: 'A' },
      runId,
    });
    const wrong = `${config.password}-wrong`;
    const sent = await sendPrepared(
      { ...config, password: wrong },
      prepareOwnerMessages(messages, { runId }),
    );
    expect(sent).toMatchObject({
      ok: false,
      error: { code: 'precondition', hint: expect.stringContaining('password') },
    });
    expect(JSON.stringify(sent)).not.toContain(wrong);
    expect(await delivered(runId, 1, 0).then((m) => m.length)).toBe(0);
  });

  it('refuses a server certificate it cannot verify instead of sending in the clear', async () => {
    const runId = `run-smtp-${randomUUID().slice(0, 8)}`;
    const { caFile: _ignored, ...withoutCa } = config;
    const messages = buildOwnerMessages({
      workloads: outcome('y').slice(0, 1),
      recipients: { [outcome('y')[0]!.targetProject]: ['owner@y.test'] },
      from: 'dr-wizard@cloud-b.test',
      targetCloud: { region: 'B', authUrl: 'http://b' },
      sourceCloud: { region: 'A' },
      runId,
    });
    const sent = await sendPrepared(withoutCa, prepareOwnerMessages(messages, { runId }));
    expect(sent).toMatchObject({ ok: false, error: { code: 'precondition' } });
    if (!sent.ok) expect(sent.error.message).toMatch(/certificate|self.signed/i);
  });

  it('records a message without recipients as not sent and still sends the others', async () => {
    const runId = `run-smtp-${randomUUID().slice(0, 8)}`;
    const workloads = outcome('z');
    const projects = [...new Set(workloads.map((w) => w.targetProject))].sort();
    const messages = buildOwnerMessages({
      workloads,
      recipients: { [projects[0]!]: ['owner@z.test'] },
      from: 'dr-wizard@cloud-b.test',
      targetCloud: { region: 'B', authUrl: 'http://b' },
      sourceCloud: { region: 'A' },
      runId,
    });
    const sent = await sendPrepared(config, prepareOwnerMessages(messages, { runId }));
    if (!sent.ok) throw new Error(sent.error.message);
    expect(sent.value[0]).toMatchObject({ accepted: ['owner@z.test'], rejected: [] });
    expect(sent.value.slice(1).every((r) => r.error?.code === 'validation' && r.accepted.length === 0)).toBe(
      true,
    );
    expect(await delivered(runId, 1).then((m) => m.length)).toBe(1);
  });
});
