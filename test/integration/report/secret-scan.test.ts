import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson } from '../../lab/lab-json.js';
import { trilioStateFile } from '../../lab/trilio/trilio-paths.js';
import { adminRoles } from '../dr/support/api-lab.js';
import { cli, resetDrWorld } from '../dr/support/dr-cli.js';

/** The appliance database's password in the lab's workloadmgr.conf ([database] connection). */
const dbPassword = 'wlm-db-secret';

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

/**
 * connection.json of the database clean-up holds the appliance database's password (read from the
 * appliance config's `[database] connection`). A real single-workload DR and its clean-up through the
 * CLI, with the profile pointing at a copy of Trilio's wlSnapshotDeletePython folder on tvm-1 whose
 * workloads_delete.py is a stand-in: it reads config/connection.json and config/workload_ids.txt as
 * Trilio's does, records what it found (the password only as a hash), purges through the lab's purge
 * and logs like Trilio's — and prints the password once, which the scrubber must blank out. Then the
 * password is searched, in every form, in everything the run left: output, stored logs, report, the
 * data folder's files and the script folder on the appliance.
 */
describe('secret scan: connection.json of the database clean-up (lab)', () => {
  const folder = '/root/trilio-dr-scan/wlSnapshotDeletePython';
  const template =
    '{\n  "user": "root",\n  "password": "XXXXXXXXX",\n  "host": "localhost",\n  "database": "XXXXXXXXXXXX"\n}\n';
  const standIn = `import hashlib, json, os, stat, subprocess, sys, time
conn_file, ids_file = 'config/connection.json', 'config/workload_ids.txt'
conn = json.load(open(conn_file))
ids = [l.strip() for l in open(ids_file) if l.strip()]
seen = {'modes': [oct(stat.S_IMODE(os.stat(f).st_mode)) for f in (conn_file, ids_file)],
        'keys': sorted(conn), 'host': conn['host'], 'port': conn['port'], 'user': conn['user'],
        'database': conn['database'], 'password_sha256': hashlib.sha256(conn['password'].encode()).hexdigest(),
        'ids': ids}
json.dump(seen, open('seen.json', 'w'))
print('connected to %s as %s with password %s' % (conn['database'], conn['user'], conn['password']))
d = 'log/workloadmgr-' + time.strftime('%b-%d-%Y-%H:%M:%S') + '-%d' % os.getpid()
os.makedirs(d)
log = open(d + '/workloadmgr-workloads-delete.log', 'w')
if os.path.exists('fail-next'):
    log.write('[ERROR] Bad Credentials for %s\\n' % conn['database'])
    sys.exit(0)
subprocess.check_call(['/root/bin/trilio-lab-purge-workloads'] + ids)
for i in ids:
    log.write('[INFO] workload_id: %s removed\\n' % i)
`;
  let dir = '';
  let lab: LabJson;
  let stderr = '';
  let runId = '';

  const onTvm = async (argv: string[], input?: string) => {
    const r = await runOnHost('tvm-1', argv, input !== undefined ? { input } : {});
    if (r.code !== 0) throw new Error(`tvm-1 ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    lab = await readLabJson();
    await resetDrWorld(lab);
    const roles = await adminRoles(lab);
    if (await roles.has('finance-dr')) await roles.revoke('finance-dr');
    roles.close();
    await onTvm(['rm', '-rf', '/root/trilio-dr-scan']);
    await onTvm(['mkdir', '-p', `${folder}/config`]);
    await onTvm(['sh', '-c', 'cat > "$1"', 'sh', `${folder}/workloads_delete.py`], standIn);
    await onTvm(['sh', '-c', 'cat > "$1"', 'sh', `${folder}/config/connection.json`], template);
    dir = await mkdtemp(path.join(os.tmpdir(), 'trilio-dr-db-scan-'));
    const file = JSON.parse(await readFile(lab.profileFile, 'utf8')) as {
      profile: { name: string; trilio: Record<string, unknown> };
    };
    file.profile.name = 'lab-db-cleanup';
    file.profile.trilio = { ...file.profile.trilio, purgeCommand: '', dbCleanup: { scriptDir: folder } };
    const profileFile = path.join(dir, 'profile.json');
    await writeFile(profileFile, JSON.stringify(file));
    expect((await cli(dir, ['profile', 'import', profileFile])).code).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    await runOnHost('tvm-1', ['rm', '-rf', '/root/trilio-dr-scan']).catch(() => undefined);
  });

  it('a clean-up whose script logs an error fails, and still removes connection.json', async () => {
    const w = lab.workloads.find((x) => x.name === 'fin-web')!;
    const ran = await cli(dir, [
      'run',
      'single',
      '--profile',
      'lab-db-cleanup',
      '--workload',
      w.id,
      '--target-project',
      'finance-dr',
      '--yes',
      '--json',
    ]);
    expect(ran.code, ran.stderr.slice(-2000)).toBe(0);
    runId = /Run (run-\S+) created/.exec(ran.stderr)![1]!;
    stderr += ran.stderr + ran.stdout;
    await onTvm(['touch', `${folder}/fail-next`]);
    const failed = await cli(dir, ['cleanup', '--run', runId, '--yes', '--json']);
    stderr += failed.stderr + failed.stdout;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[ERROR] Bad Credentials for workloadmgr');
    expect(await onTvm(['cat', `${folder}/config/connection.json`])).toBe(template);
    expect(await onTvm(['ls', '-A', `${folder}/config`])).toBe('connection.json\n');
  });

  it('run again, it writes both inputs 0600 with the appliance config’s connection, purges, and puts the folder back', async () => {
    await onTvm(['rm', '-f', `${folder}/fail-next`]);
    const cleaned = await cli(dir, ['cleanup', '--run', runId, '--yes', '--json']);
    stderr += cleaned.stderr + cleaned.stdout;
    expect(cleaned.code, cleaned.stderr.slice(-2000)).toBe(0);
    const seen = JSON.parse(await onTvm(['cat', `${folder}/seen.json`])) as Record<string, unknown>;
    const w = lab.workloads.find((x) => x.name === 'fin-web')!;
    expect(seen).toEqual({
      modes: ['0o600', '0o600'],
      keys: ['database', 'host', 'password', 'port', 'user'],
      host: '127.0.0.1',
      port: 3306,
      user: 'workloadmgr',
      database: 'workloadmgr',
      password_sha256: createHash('sha256').update(dbPassword).digest('hex'),
      ids: [w.id],
    });
    // Its output shown in the clean-up's log; the password it printed blanked out.
    expect(cleaned.stderr).toContain(`workload_id: ${w.id} removed`);
    expect(cleaned.stderr).toContain('with password ••••••');
    expect(await onTvm(['cat', `${folder}/config/connection.json`])).toBe(template);
    expect(await onTvm(['ls', '-A', `${folder}/config`])).toBe('connection.json\n');
    const db = JSON.parse(await readFile(trilioStateFile, 'utf8')) as { workloads: Record<string, unknown> };
    expect(db.workloads[w.id]).toBeUndefined();
    const inputs = (
      JSON.parse(cleaned.stdout) as { value: { changes: { kind: string; undone: boolean }[] } }
    ).value.changes.filter((c) => c.kind === 'db-inputs');
    expect(inputs.length).toBeGreaterThanOrEqual(1);
    expect(inputs.every((c) => c.undone)).toBe(true);
  });

  it('finds the password in no form in anything the run left', async () => {
    const texts = new Map<string, string>([['cli output', stderr]]);
    texts.set('stored logs', (await cli(dir, ['logs', '--run', runId])).stdout);
    for (const format of ['json', 'html'] as const) {
      const file = path.join(dir, `report.${format}`);
      expect((await cli(dir, ['report', '--run', runId, '--format', format, '--out', file])).code).toBe(0);
      texts.set(`report.${format}`, await readFile(file, 'utf8'));
    }
    for (const name of await readdir(dir))
      if (!name.startsWith('report.'))
        texts.set(`data folder: ${name}`, (await readFile(path.join(dir, name))).toString('latin1'));
    texts.set(
      'script folder on tvm-1',
      await onTvm(['sh', '-c', 'cd "$1" && find . -type f ! -name seen.json -exec cat {} +', 'sh', folder]),
    );
    expect(texts.get('report.json')).toContain(runId);
    const found: string[] = [];
    for (const form of formsOf(dbPassword))
      for (const [name, text] of texts) if (text.includes(form)) found.push(`${name}: ${form}`);
    expect(found).toEqual([]);
  });
});
