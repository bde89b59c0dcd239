import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindMountLine } from '../../../shared/fstab/fstab.js';
import { mountDirNameFor, mountPathFor } from '../../../shared/nfs/mount-path.js';
import {
  buildEnvRunbook,
  envRunbookHtml,
  envRunbookMarkdown,
  type EnvRunbookInput,
} from '../../../shared/report/env-runbook.js';
import { runbookHtml, runbookMarkdown } from '../../../shared/report/runbook-doc.js';
import { mountStagingArgv } from '../../../shared/plans/find-plan.js';
import { bindMountArgv } from '../../../shared/plans/host-scripts.js';
import { displayCommand } from '../../../shared/shell/quote.js';
import type { StepPlan } from '../../../shared/run/plan-types.js';
import { NFS, sampleProfile, sampleRun } from './support/sample-run.js';

const wlmConf = readFileSync(path.join(import.meta.dirname, '../fixtures/workloadmgr.conf'), 'utf8');
const meta = { generatedAt: '2025-03-14T08:00:00.000Z', appVersion: '0.1.0' };
const workload = {
  id: 'c21aee38-405c-4cff-a45c-702bf3725832',
  name: 'fin_erp*prod',
  sourceProjectId: '4403e0118d0e4bae94ca48847a44afed',
  sourceProjectName: 'finance',
  targetProject: 'finance-dr',
  trusteeUser: 'alice-dr',
  snapshotId: 'f2b255e4-eae4-4bf2-838e-c838aaaa402a',
};

const input = (over: Partial<EnvRunbookInput> = {}): EnvRunbookInput => ({
  profile: sampleProfile(),
  kind: 'full',
  workloads: [workload],
  configSamples: { appliance: wlmConf },
  meta,
  ...over,
});

describe('environment runbook', () => {
  it('names the real hosts, exports, base64 hashes and mount paths', () => {
    const md = envRunbookMarkdown(input());
    for (const host of ['tvm-1', 'compute-1', 'compute-2', 'compute-3']) expect(md).toContain(host);
    for (const exp of Object.values(NFS)) {
      expect(md).toContain(exp);
      expect(md).toContain(mountDirNameFor(exp));
      expect(md).toContain(mountPathFor(exp));
    }
    // The text the hash is made of, beside it (no hand-written `echo | base64` command).
    expect(md).toContain(`| \`${NFS.A1}\` | \`${NFS.A1}\` | \`${mountDirNameFor(NFS.A1)}\` |`);
    expect(md).not.toContain('echo -n');
  });

  it('binds the source share path onto the live share with the exact fstab line (B2 full, B1 single)', () => {
    const full = envRunbookMarkdown(input());
    expect(full).toContain(displayCommand(bindMountArgv(mountPathFor(NFS.B2), mountPathFor(NFS.A1))));
    expect(full).toContain(`'${bindMountLine(mountPathFor(NFS.B2), mountPathFor(NFS.A1))}'`);
    const single = envRunbookMarkdown(input({ kind: 'single' }));
    expect(single).toContain(displayCommand(bindMountArgv(mountPathFor(NFS.B1), mountPathFor(NFS.A1))));
    expect(single).toContain(`'${bindMountLine(mountPathFor(NFS.B1), mountPathFor(NFS.A1))}'`);
    expect(single).toContain(`chown -R -- nova:nova ${mountPathFor(NFS.B1)}/workload_${workload.id}`);
    expect(single).not.toContain('Reconfigure Trilio');
    expect(full).toContain('## 3. Reconfigure Trilio');
  });

  it('reads NFS B2 at the wizard’s staging folder, where the plans mount it (not a folder of its own)', () => {
    const staging = `/mnt/trilio-dr/${mountDirNameFor(NFS.B2)}`;
    const single = envRunbookMarkdown(input({ kind: 'single' }));
    expect(single).toContain(displayCommand(mountStagingArgv(NFS.B2, staging)));
    expect(single).toContain(`${staging}/workload_${workload.id}`);
    expect(single).not.toContain('/mnt/trilio-dr-nfs-b2');
  });

  it('shows the configuration edit on the sampled line only, never the rest of the file', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain(
      `\`\`\`diff\n- vault_storage_nfs_export = ${NFS.B1}\n+ vault_storage_nfs_export = ${NFS.B1},${NFS.B2}\n\`\`\``,
    );
    // The revert starts from the reconfigured file and goes back.
    expect(md).toContain(
      `\`\`\`diff\n- vault_storage_nfs_export = ${NFS.B1},${NFS.B2}\n+ vault_storage_nfs_export = ${NFS.B1}\n\`\`\``,
    );
    // The sample's database URL and service settings never appear.
    expect(md).not.toContain('mysql+pymysql');
    expect(md).not.toContain('secret@');
    expect(md).not.toContain('log_file');
  });

  it('edits the installer’s files and restarts its services (Kolla: every WLM service file, one restart)', () => {
    const profile = sampleProfile();
    profile.trilio.target = { ...profile.trilio.target, installer: 'kolla', release: '5.2' };
    const md = envRunbookMarkdown(input({ profile, configSamples: {} }));
    for (const s of ['api', 'cron', 'scheduler', 'workloads'])
      expect(md).toContain(`/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`);
    expect(md).toContain('/etc/kolla/triliovault-datamover/triliovault-datamover.conf');
    expect(md).toContain(
      '```sh\n# Restart triliovault_wlm_workloads on tvm-1 (docker restart triliovault_wlm_workloads)\ndocker restart triliovault_wlm_workloads\n```',
    );
    expect(md).toContain('docker restart triliovault_datamover\n');
    expect(md).not.toContain('systemctl restart');
    // Kolla mounts under its own root, with path-only folders from 4.2.
    expect(md).toContain(`/var/trilio/triliovault-mounts/${mountDirNameFor(NFS.B2, 'path')}`);
    expect(md).toContain('globals.yml');
  });

  it('leaves the configuration to the charms when Trilio is deployed by Juju', () => {
    const profile = sampleProfile();
    profile.trilio.target.installer = 'juju';
    const md = envRunbookMarkdown(input({ profile }));
    expect(md).toContain(
      `\`\`\`text\njuju config trilio-wlm nfs-shares='${NFS.B1},${NFS.B2}'\njuju config trilio-data-mover nfs-shares='${NFS.B1},${NFS.B2}'\n`,
    );
    expect(md).toContain('> Not durable: The charms own these files');
    expect(md).toContain('back to its value before the DR yourself');
    expect(md).not.toContain('systemctl restart');
  });

  it('writes the project mapping, role grants and reassign requests with the real names and ids', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain('| finance `4403e0118d0e4bae94ca48847a44afed` | finance-dr | alice-dr |');
    expect(md).toContain('PUT /projects/PROJECT_ID(finance-dr)/users/USER_ID(admin)/roles/ROLE_ID(admin)');
    expect(md).toContain('DELETE /projects/PROJECT_ID(finance-dr)/users/USER_ID(admin)/roles/ROLE_ID(admin)');
    expect(md).toContain(
      `POST /workloads/reasign_workloads\n${JSON.stringify(
        [
          {
            workload_ids: [workload.id],
            old_tenant_ids: [],
            new_tenant_id: 'PROJECT_ID(finance-dr)',
            user_id: 'USER_ID(alice-dr)',
            migrate_cloud: true,
          },
        ],
        null,
        2,
      )}`,
    );
    expect(md).toContain(`sh -c '/opt/trilio/clean-wlm-db.sh "$@"' trilio-dr-purge ${workload.id}`);
    // Without chosen workloads: one placeholder per mapped project, each moved to its target.
    const noWorkloads = envRunbookMarkdown(input({ workloads: [] }));
    expect(noWorkloads).toContain('"WORKLOAD_ID(engineering)"');
    expect(noWorkloads).toContain('"new_tenant_id": "PROJECT_ID(engineering-dr)"');
    expect(noWorkloads).toContain('## Assumptions to check');
  });

  it('includes the restore request with its restore.json, as the restore planner makes it', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain(`POST /snapshots/${workload.snapshotId}\n{\n  "restore": {`);
    expect(md).toContain('"restore_type": "selective"');
    expect(md).toContain('"networks_mapping"');
  });

  it('restores with fixed IPs, the snapshot’s flavor and the image boot disk, and offers the schedules back on', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain('"restore_boot_disk": true');
    expect(md).toContain('"mac_address": "MAC_ADDRESS",\n                "ip_address": "FIXED_IP"');
    expect(md).toContain('"flavor": {\n              "vcpus": ""');
    // The image-backed boot disk is not a volume: only the volume is in vdisks.
    expect(md).not.toContain('"id": "BOOT_DISK_ID"');
    expect(md).toContain('When “Re-enable job schedules” is chosen');
    expect(md).toContain(
      `PUT /workloads/${workload.id}\n${JSON.stringify({ workload: { jobschedule: { enabled: true } } }, null, 2)}`,
    );
    // Chosen for the run: part of the step itself, without the "when chosen" paragraph.
    const chosen = envRunbookMarkdown(input({ reenableSchedules: true }));
    expect(chosen).toContain(`PUT /workloads/${workload.id}\n`);
    expect(chosen).not.toContain('When “Re-enable job schedules” is chosen');
  });

  it('renders a run’s stored plans, and plans the rest from the profile and the run’s changes', () => {
    const run = sampleRun();
    const plans = run.steps.flatMap((s) => (s.plan ? [s.plan as StepPlan] : []));
    const md = envRunbookMarkdown(input({ plans, run: { id: run.id, changes: run.changes } }));
    expect(md).toContain(`and run ${run.id}`);
    expect(md).toContain(`**As planned by run ${run.id}:**`);
    expect(md).toContain('**On compute-1, compute-2, compute-3 (as root):**');
    expect(md).toContain(`# Bind ${mountPathFor(NFS.B2)} onto ${mountPathFor(NFS.A1)}`);
    expect(md).toContain('undo** Unmount');
    // Access was not planned by the run: planned from the profile, and said so.
    expect(md).toContain(`**Not planned by run ${run.id} yet;**`);
    // Not on the run's files: the lines an edit changes are not guessed.
    expect(md).not.toContain('```diff');
  });

  it('follows the notify-only procedure when owners are notified instead', () => {
    const md = envRunbookMarkdown(input({ notifyOnly: true }));
    expect(md).toContain('Notify owners');
    expect(md).not.toContain('## 7. Restore');
    expect(md).toContain('smtp.b.example:587 with STARTTLS');
  });

  it('escapes Markdown and HTML in names; the HTML has no script and no external resource', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain('fin\\_erp\\*prod');
    const html = envRunbookHtml(input());
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=|url\(/i);
    expect(html).toContain('fin_erp*prod');
    expect(html).toContain('<h1>Disaster recovery runbook: Production A → B (full cloud)</h1>');
  });

  it('renders the same blocks to Markdown and HTML', () => {
    const doc = {
      title: 't',
      blocks: [
        { kind: 'para' as const, parts: ['1. not a list <b>&', { code: 'a`b|c' }] },
        { kind: 'table' as const, headers: ['h|1'], rows: [[[{ code: 'x|y' }]]] },
        { kind: 'code' as const, text: '```\ninside\n```' },
      ],
    };
    expect(runbookMarkdown(doc)).toBe(
      '1\\. not a list \\<b\\>\\&``a`b|c``\n\n| h\\|1 |\n| --- |\n| `x\\|y` |\n\n````\n```\ninside\n```\n````\n',
    );
    expect(runbookHtml(doc)).toContain('<p>1. not a list &lt;b&gt;&amp;<code class="wrap">a`b|c</code></p>');
  });

  it('is built from profile values only', () => {
    const doc = buildEnvRunbook(input());
    expect(doc.title).toBe('Disaster recovery runbook: Production A → B (full cloud)');
    expect(JSON.stringify(doc)).not.toMatch(/"password":|"set"/);
  });
});
