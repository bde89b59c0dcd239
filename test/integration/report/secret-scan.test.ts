import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareOwnerMessages, saveEml } from '../../../electron/core/notify/smtp-send.js';
import { writeReport } from '../../../electron/core/report/report-pdf.js';
import { createScrubber } from '../../../electron/core/secrets/secret-scrubber.js';
import { ProfileRepo } from '../../../electron/core/store/profile-repo.js';
import { buildOwnerMessages } from '../../../shared/notify/owner-message.js';
import { esc } from '../../../shared/report/html-escape.js';
import { envRunbookHtml, envRunbookMarkdown } from '../../../shared/report/env-runbook.js';
import { buildRunReport } from '../../../shared/report/report-model.js';
import { readRestoreOutcomeData } from '../../../shared/report/restore-outcome.js';
import type { StepPlan } from '../../../shared/run/plan-types.js';
import { decodeQuotedPrintable } from '../../unit/notify/support/read-eml.js';
import { EXTRA_SECRETS, recordLabRun, type LabRun } from './support/lab-run.js';
import { pdfPages } from './support/pdf-tools.js';

// Every export of a real run (report JSON, HTML, PDF text; owner .eml files; the environment runbook
// as Markdown and HTML) is scanned for every secret the profile holds, in the forms a secret takes
// when it is copied around: as is, base64 (at any byte offset), URL- and JSON-escaped, HTML-escaped.

let labRun: LabRun;
let out: string;
const exportsText = new Map<string, string>();

/** The ways a secret can show up in text. Base64 at offsets 1 and 2 drops the groups that mix in neighbours. */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    esc(secret),
  ]);
  for (const offset of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const inner = offset === 0 ? b64.replace(/=+$/, '') : b64.slice(4).replace(/=+$/, '');
    const stable = offset === 0 ? inner : inner.slice(0, -4);
    if (stable.length >= 8) {
      forms.add(stable);
      forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].filter((f) => f.length >= 6);
}

beforeAll(async () => {
  labRun = await recordLabRun();
  out = await mkdtemp(path.join(os.tmpdir(), 'trilio-secret-scan-'));
  // What an exporter does: the profile read back from the store, the run's scrubber over every text.
  const profile = new ProfileRepo(labRun.store).get(labRun.profile.id);
  if (!profile.ok) throw new Error(profile.error.message);
  const scrubber = createScrubber();
  for (const s of labRun.secrets) scrubber.add(s);
  const meta = { generatedAt: new Date().toISOString(), appVersion: '0.1.0-test', scrub: scrubber.scrub };
  const report = buildRunReport(labRun.run, profile.value, labRun.logs, meta);

  for (const format of ['json', 'html', 'pdf'] as const) {
    const file = path.join(out, `report.${format}`);
    const written = await writeReport(format, report, file);
    if (!written.ok) throw new Error(written.error.message);
    exportsText.set(`report.${format} (file bytes)`, (await readFile(file)).toString('latin1'));
    if (format === 'pdf') exportsText.set('report.pdf (text)', (await pdfPages(file)).join('\n'));
    else exportsText.set(`report.${format}`, await readFile(file, 'utf8'));
  }

  const restored = readRestoreOutcomeData(labRun.run.steps.find((s) => s.key === 'restore')?.outcome?.data);
  if (!restored) throw new Error('the lab run has no restore outcome');
  const messages = buildOwnerMessages({
    workloads: restored.workloads,
    recipients: Object.fromEntries(
      restored.workloads.map((w) => [w.targetProject, [`owner@${w.targetProject}.test`]]),
    ),
    from: profile.value.smtp.from,
    targetCloud: { region: profile.value.clouds.target.region, authUrl: profile.value.clouds.target.authUrl },
    sourceCloud: { region: profile.value.clouds.source.region },
    runId: labRun.run.id,
  });
  const saved = await saveEml(
    path.join(out, 'mail'),
    prepareOwnerMessages(messages, { runId: labRun.run.id }),
  );
  if (!saved.ok) throw new Error(saved.error.message);
  for (const file of saved.value) {
    const eml = await readFile(file, 'utf8');
    exportsText.set(path.basename(file), eml);
    exportsText.set(`${path.basename(file)} (decoded)`, decodeQuotedPrintable(eml));
  }

  // What the store itself keeps: every log line of the run, as streamed and saved.
  exportsText.set('store: log lines', labRun.logs.map((l) => `${l.host ?? ''} ${l.text}`).join('\n'));

  const plans = labRun.run.steps.flatMap((s) => (s.plan ? [s.plan as StepPlan] : []));
  for (const kind of ['single', 'full'] as const) {
    const input = { profile: profile.value, kind, plans, meta, scrub: scrubber.scrub };
    exportsText.set(`runbook-${kind}.md`, envRunbookMarkdown(input));
    exportsText.set(`runbook-${kind}.html`, envRunbookHtml(input));
  }
});

afterAll(async () => {
  await labRun?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('secret scan of every export', () => {
  it('covers the lab secrets and the extra ones, and every export', () => {
    for (const s of Object.values(EXTRA_SECRETS)) expect(labRun.secrets).toContain(s);
    expect(labRun.secrets).toContain(labRun.lab.smtp.password);
    expect(labRun.secrets).toContain(labRun.lab.clouds.B.admin.password);
    expect([...exportsText.keys()].filter((k) => k.endsWith('.eml')).length).toBeGreaterThanOrEqual(1);
    expect(exportsText.size).toBeGreaterThanOrEqual(12);
    // The exports are about this run: a scan of empty files would prove nothing.
    for (const [name, text] of exportsText)
      if (!name.includes('file bytes') && !name.startsWith('runbook') && !name.startsWith('store:'))
        expect(text, name).toContain(labRun.run.id);
  });

  it('finds no secret in any form in any export', () => {
    const found: string[] = [];
    for (const secret of labRun.secrets)
      for (const form of formsOf(secret))
        for (const [name, text] of exportsText)
          if (text.includes(form)) found.push(`${name} contains a form of a secret: ${form}`);
    expect(found).toEqual([]);
  });

  it('would have found one: the run did print a secret and a plan named it', () => {
    const smtp = labRun.lab.smtp.password!;
    // The command that printed it is in the stored plan; its output was scrubbed in the log.
    expect(JSON.stringify(labRun.run.steps.find((s) => s.key === 'access')!.plan)).toContain(smtp);
    expect(labRun.logs.some((l) => l.step === 'access' && l.text.includes('login with ••••••'))).toBe(true);
    expect(labRun.logs.some((l) => l.text.includes(smtp))).toBe(false);
    // The report shows the planned command with the secret blanked out.
    const report = JSON.parse(exportsText.get('report.json')!) as {
      steps: { key: string; plan?: { actions: { command?: string }[] } }[];
    };
    expect(report.steps.find((s) => s.key === 'access')!.plan!.actions[0]!.command).toMatch(/ sh ••••••$/);
  });
});
