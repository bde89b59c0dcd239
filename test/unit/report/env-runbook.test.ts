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
import { buildRestoreJson } from '../../../shared/restore/restore-json.js';
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
    expect(md).toContain(`echo -n ${NFS.A1} | base64    # ${mountDirNameFor(NFS.A1)}`);
  });

  it('binds the source share path onto the live share with the exact fstab line (B2 full, B1 single)', () => {
    const full = envRunbookMarkdown(input());
    expect(full).toContain(bindMountLine(mountPathFor(NFS.B2), mountPathFor(NFS.A1)));
    expect(full).toContain(`mount --bind ${mountPathFor(NFS.B2)} ${mountPathFor(NFS.A1)}`);
    const single = envRunbookMarkdown(input({ kind: 'single' }));
    expect(single).toContain(bindMountLine(mountPathFor(NFS.B1), mountPathFor(NFS.A1)));
    expect(single).toContain(`chown -R nova:nova ${mountPathFor(NFS.B1)}/workload_${workload.id}`);
    expect(single).not.toContain('Reconfigure Trilio');
    expect(full).toContain('## 3. Reconfigure Trilio');
  });

  it('shows the configuration edit on the sampled line only, never the rest of the file', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain(
      `# line 11, before:\nvault_storage_nfs_export = ${NFS.B1}\n# after:\nvault_storage_nfs_export = ${NFS.B1},${NFS.B2}`,
    );
    // The revert starts from the reconfigured file and goes back.
    expect(md).toContain(
      `# line 11, before:\nvault_storage_nfs_export = ${NFS.B1},${NFS.B2}\n# after:\nvault_storage_nfs_export = ${NFS.B1}\n`,
    );
    // The sample's database URL and service settings never appear.
    expect(md).not.toContain('mysql+pymysql');
    expect(md).not.toContain('secret@');
    // Datamovers without a sample: the option as described.
    expect(md).toContain(`vault_storage_nfs_export = ${NFS.B1},${NFS.B2}`);
  });

  it('leaves datamovers to the orchestrator when Trilio is deployed by one', () => {
    const profile = sampleProfile();
    profile.trilio.target.installer = 'juju';
    const md = envRunbookMarkdown(input({ profile }));
    expect(md).toContain('This environment is deployed with juju');
  });

  it('writes the project mapping, role grants and reassign commands with the real names and ids', () => {
    const md = envRunbookMarkdown(input());
    expect(md).toContain('| finance `4403e0118d0e4bae94ca48847a44afed` | finance-dr | alice-dr |');
    expect(md).toContain(
      'openstack role add --user admin --user-domain Default --project finance-dr --project-domain cloud_b admin',
    );
    expect(md).toContain(
      'openstack role remove --user admin --user-domain Default --project engineering-dr --project-domain cloud_b admin',
    );
    expect(md).toContain(
      `workloadmgr workload-reassign-workloads --new_tenant_id '<id of project finance-dr>' --user_id '<id of user alice-dr>' --workload_ids ${workload.id} --migrate_cloud True`,
    );
    expect(md).toContain(`/opt/trilio/clean-wlm-db.sh ${workload.id}`);
    const noWorkloads = envRunbookMarkdown(input({ workloads: [] }));
    expect(noWorkloads).toContain('--old_tenant_ids 7e398a4b102a43ffa0219c02b26b7ce5');
  });

  it('includes the restore.json of the restore form, or a skeleton in its shape', () => {
    const restoreJson = buildRestoreJson(
      [
        {
          id: 'vm-1',
          name: 'erp-app',
          nics: [{ networkId: 'n1', networkName: 'finance-net', subnetId: 's1' }],
          disks: [{ id: 'd1', name: 'vda', backing: 'volume' }],
        },
      ],
      {
        name: 'DR restore',
        description: '',
        restoreTopology: false,
        instances: [
          { id: 'vm-1', include: true, newName: 'erp-app-dr', availabilityZone: 'nova', volumeTypes: {} },
        ],
        networkMapping: { n1: { networkId: 'tn1', networkName: 'finance-dr-net', subnetId: 'ts1' } },
      },
    );
    const md = envRunbookMarkdown(input({ restoreJson }));
    expect(md).toContain(JSON.stringify(restoreJson, null, 2));
    expect(md).toContain(
      `workloadmgr snapshot-selective-restore --filename restore.json ${workload.snapshotId}`,
    );
    const skeleton = envRunbookMarkdown(input());
    expect(skeleton).toContain('"restore_type": "selective"');
    expect(skeleton).toContain('"networks_mapping"');
  });

  it('lists the planned actions with host names and quoted commands', () => {
    const plan = sampleRun().steps.find((s) => s.key === 'mount-paths')!.plan as StepPlan;
    const md = envRunbookMarkdown(input({ plans: [plan] }));
    expect(md).toContain('## Planned actions for this environment');
    expect(md).toContain('| compute-3 | Bind ');
    expect(md).toContain('undo recorded (bind-mount)');
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
