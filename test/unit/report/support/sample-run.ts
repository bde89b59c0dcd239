import type { LogRecord } from '../../../../shared/contract.js';
import { bindMountLine } from '../../../../shared/fstab/fstab.js';
import { mountPathFor } from '../../../../shared/nfs/mount-path.js';
import { profileSchema, type Profile, type ProfileInput } from '../../../../shared/profile/profile.js';
import type { RestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import type { Action, RemoteAction, StepKey, StepPlan } from '../../../../shared/run/plan-types.js';
import type { ChangeView, RunView, StepState } from '../../../../shared/run/run-types.js';
import { scriptArgv } from '../../../../shared/shell/quote.js';

/**
 * A full-cloud DR run as the store would hold it after it stopped: three workloads restored (two
 * available, one failed in Trilio), a reconfigure whose undo failed on one compute node (revert failed
 * with the service's output), bind mounts and fstab lines partly undone, and the matching log lines.
 */
export const T0 = Date.parse('2025-03-14T09:00:00.000Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export const NFS = {
  A1: '10.10.2.20:/upstream_source',
  B1: '10.20.3.22:/upstream_target',
  B2: '10.20.3.23:/upstream_synced_a1',
};

export function sampleProfileInput(): ProfileInput {
  return {
    id: 'prod-dr-0a1b2c',
    name: 'Production A → B',
    description: 'Cloud A (RegionOne) restores into cloud B (RegionTwo)',
    clouds: {
      source: {
        authUrl: 'https://keystone.a.example:5000/v3',
        region: 'RegionOne',
        username: 'admin',
        domain: 'cloud_a',
      },
      target: {
        authUrl: 'https://keystone.b.example:5000/v3',
        region: 'RegionTwo',
        username: 'admin',
        domain: 'cloud_b',
      },
    },
    hosts: [
      { id: 'tvm-1', name: 'tvm-1', role: 'tvm', address: '10.20.0.11' },
      { id: 'cmp-1', name: 'compute-1', role: 'compute', address: '10.20.1.1' },
      { id: 'cmp-2', name: 'compute-2', role: 'compute', address: '10.20.1.2', auth: 'password' },
      { id: 'cmp-3', name: 'compute-3', role: 'compute', address: '10.20.1.3', user: 'ops', sudo: true },
    ],
    nfs: { source: NFS.A1, target: NFS.B1, syncedCopy: NFS.B2 },
    trilio: { purgeCommand: '/opt/trilio/clean-wlm-db.sh {ids}' },
    projectMapping: [
      {
        sourceProjectId: '4403e0118d0e4bae94ca48847a44afed',
        sourceProjectName: 'finance',
        targetProject: 'finance-dr',
        trusteeUser: 'alice-dr',
      },
      {
        sourceProjectId: '7e398a4b102a43ffa0219c02b26b7ce5',
        sourceProjectName: 'engineering',
        targetProject: 'engineering-dr',
        trusteeUser: 'bob-dr',
      },
    ],
    smtp: { host: 'smtp.b.example', port: 587, starttls: true, username: 'dr-mailer', from: 'dr@b.example' },
  };
}

/** The profile as exports see it: secret fields say 'set' for the ones stored. */
export function sampleProfile(): Profile {
  const p = profileSchema.parse(sampleProfileInput());
  return {
    ...p,
    clouds: { ...p.clouds, target: { ...p.clouds.target, password: 'set' } },
    hosts: p.hosts.map((h) => (h.id === 'cmp-2' ? { ...h, password: 'set' } : h)),
    smtp: { ...p.smtp, password: 'set' },
  };
}

const live = mountPathFor(NFS.B2);
const old = mountPathFor(NFS.A1);
const fstabLine = bindMountLine(live, old);

const remote = (
  id: string,
  host: string,
  argv: string[],
  description: string,
  extra: Partial<RemoteAction> = {},
): RemoteAction => ({
  kind: 'remote',
  id,
  host,
  argv,
  privileged: true,
  description,
  ...extra,
});

const bindAction = (host: string) =>
  remote(
    `bind:${host}`,
    host,
    scriptArgv('mountpoint -q "$2" && exit 0; mount --bind "$1" "$2"', [live, old], 'trilio-dr-bind'),
    `Bind ${live} onto ${old}`,
    {
      change: {
        kind: 'bind-mount',
        undo: [remote(`umount:${host}`, host, ['umount', old], `Unmount ${old}`)],
      },
    },
  );
const fstabAction = (host: string) =>
  remote(
    `fstab:${host}`,
    host,
    scriptArgv('grep -qxF -e "$2" "$1" || printf "%s\\n" "$2" >> "$1"', ['/etc/fstab', fstabLine]),
    `Add to /etc/fstab: ${fstabLine}`,
    {
      change: {
        kind: 'fstab-line',
        undo: [
          remote(
            `unfstab:${host}`,
            host,
            ['sed', '-i', `\\|^${fstabLine}$|d`, '/etc/fstab'],
            'Remove the fstab line',
          ),
        ],
      },
    },
  );
const confAction = (host: string, file: string, service: string) =>
  remote(
    `conf:${host}`,
    host,
    ['crudini', '--set', file, 'DEFAULT', 'vault_storage_nfs_export', `${NFS.B1},${NFS.B2}`],
    `Add ${NFS.B2} to ${file} and restart ${service}`,
    {
      change: {
        kind: 'config-edit',
        undo: [
          remote(
            `unconf:${host}`,
            host,
            ['crudini', '--set', file, 'DEFAULT', 'vault_storage_nfs_export', NFS.B1],
            `Remove ${NFS.B2} from ${file}`,
          ),
        ],
      },
    },
  );

const computes = ['cmp-1', 'cmp-2', 'cmp-3'];
const hosts = ['tvm-1', ...computes];

function plan(
  step: StepKey,
  title: string,
  actions: Action[],
  summary = `${title} as planned.`,
  warnings: string[] = [],
): StepPlan {
  return { step, title, summary, actions, verify: [], warnings };
}

export const restoreData: RestoreOutcomeData = {
  workloads: [
    {
      workloadId: 'c21aee38-405c-4cff-a45c-702bf3725832',
      name: 'fin-erp',
      sourceProject: '4403e0118d0e4bae94ca48847a44afed',
      sourceProjectName: 'finance',
      targetProject: 'finance-dr',
      snapshotId: 'f2b255e4-eae4-4bf2-838e-c838aaaa402a',
      restoreId: 'r-0001',
      status: 'available',
      availableAt: at(1500),
      instances: [
        { name: 'erp-app-dr', id: 'b1f6a3c0-0000-4000-8000-000000000001', sourceName: 'erp-app' },
        { name: 'erp-db', id: 'b1f6a3c0-0000-4000-8000-000000000002' },
      ],
    },
    {
      workloadId: 'ada410b5-03e8-4f18-af5a-6a8c49bfc590',
      name: 'fin-web',
      sourceProject: '4403e0118d0e4bae94ca48847a44afed',
      sourceProjectName: 'finance',
      targetProject: 'finance-dr',
      restoreId: 'r-0002',
      status: 'available',
      availableAt: at(1320),
      instances: [{ name: 'fin-web-1', id: 'b1f6a3c0-0000-4000-8000-000000000003' }],
    },
    {
      workloadId: '0e5d7c11-9b1a-4f7e-8f0a-3c2d1e0f9a8b',
      name: 'eng-<ci>&"build"',
      sourceProject: '7e398a4b102a43ffa0219c02b26b7ce5',
      sourceProjectName: 'engineering',
      targetProject: 'engineering-dr',
      restoreId: 'r-0003',
      status: 'error',
      error: 'Failed restoring instance ci-runner: No valid host was found.',
    },
  ],
};

function step(key: StepKey, from: number, to: number | undefined, extra: Partial<StepState> = {}): StepState {
  return {
    key,
    status: 'succeeded',
    attempts: 1,
    startedAt: at(from),
    ...(to === undefined ? {} : { finishedAt: at(to) }),
    ...extra,
  };
}

export function sampleRun(): RunView {
  const revertOutput =
    'Job for tvault-contego.service failed because the control process exited with error code.\nSee "systemctl status tvault-contego.service" for details.';
  const steps: StepState[] = [
    step('preflight', 0, 40, {
      outcome: {
        summary: 'Both clouds, tvm-1 and 3 compute nodes answer.',
        verify: hosts.map((h) => ({ host: h, check: 'SSH login', ok: true })),
      },
    }),
    step('find', 40, 90, { outcome: { summary: 'Found 3 workloads on NFS B2.', verify: [] } }),
    step('reconfigure', 90, 300, {
      plan: plan(
        'reconfigure',
        'Reconfigure Trilio',
        [
          confAction('tvm-1', '/etc/workloadmgr/workloadmgr.conf', 'wlm-workloads'),
          ...computes.map((h) => confAction(h, '/etc/tvault-contego/tvault-contego.conf', 'tvault-contego')),
        ],
        'Add NFS B2 to the appliance and datamover configuration.',
        ['Backups of the target region are on hold until the configuration is reverted.'],
      ),
      outcome: {
        summary: 'NFS B2 is configured and mounted on 4 nodes.',
        verify: hosts.map((h) => ({ host: h, check: `${live} is mounted`, ok: true })),
      },
    }),
    step('mount-paths', 300, 420, {
      attempts: 2,
      plan: plan(
        'mount-paths',
        'Mount paths',
        computes.flatMap((h) => [bindAction(h), fstabAction(h)]),
      ),
      outcome: {
        summary: 'The old mount path resolves on every node.',
        verify: [
          ...computes.map((h) => ({ host: h, check: `backing chains resolve under ${old}`, ok: true })),
          { host: 'cmp-3', check: 'fstab line present', ok: false, detail: 'line was added by hand' },
        ],
      },
    }),
    step('access', 420, 450, { outcome: { summary: 'admin has the admin role on 2 projects.', verify: [] } }),
    step('reassign', 450, 520, { outcome: { summary: '3 workloads reassigned.', verify: [] } }),
    step('restore', 520, 1600, {
      outcome: { summary: '2 of 3 workloads restored.', verify: [], data: restoreData },
    }),
    step('revert', 1700, 1800, {
      status: 'failed',
      attempts: 1,
      plan: plan(
        'revert',
        'Revert configuration',
        hosts.map((h) =>
          remote(
            `unconf:${h}`,
            h,
            [
              'crudini',
              '--set',
              '/etc/tvault-contego/tvault-contego.conf',
              'DEFAULT',
              'vault_storage_nfs_export',
              NFS.B1,
            ],
            'Remove NFS B2',
          ),
        ),
      ),
      error: {
        code: 'ssh-command',
        message: 'compute-3: the command failed with exit code 1.',
        host: 'compute-3',
        command: 'sudo -n -- systemctl restart tvault-contego',
        exitCode: 1,
        output: revertOutput,
        hint: 'Check the service on that node, then run the step again.',
      },
    }),
    { key: 'cleanup', status: 'pending', attempts: 0 },
  ];
  const change = (
    id: number,
    s: StepKey,
    actionId: string,
    host: string,
    kind: string,
    description: string,
    appliedAt: number,
    undoneAt?: number,
    undo: Action[] = [],
  ): ChangeView => ({
    id,
    step: s,
    actionId,
    host,
    kind,
    description,
    undo,
    appliedAt: at(appliedAt),
    ...(undoneAt === undefined ? {} : { undoneAt: at(undoneAt) }),
  });
  let id = 0;
  const changes: ChangeView[] = [
    ...hosts.map((h) =>
      change(
        ++id,
        'reconfigure',
        `conf:${h}`,
        h,
        'config-edit',
        `Added ${NFS.B2} to vault_storage_nfs_export`,
        120,
        h === 'cmp-3' ? undefined : 1750,
        [
          remote(
            `unconf:${h}`,
            h,
            [
              'crudini',
              '--set',
              '/etc/tvault-contego/tvault-contego.conf',
              'DEFAULT',
              'vault_storage_nfs_export',
              NFS.B1,
            ],
            'Remove NFS B2',
          ),
        ],
      ),
    ),
    ...computes.map((h) =>
      change(++id, 'mount-paths', `bind:${h}`, h, 'bind-mount', `Bound ${live} onto ${old}`, 330, undefined, [
        remote(`umount:${h}`, h, ['umount', old], `Unmount ${old}`),
      ]),
    ),
    change(
      ++id,
      'access',
      'grant:finance-dr',
      '',
      'role-grant',
      'Granted admin on finance-dr to admin',
      430,
      1760,
      [
        {
          kind: 'api',
          id: 'revoke:finance-dr',
          service: 'identity',
          method: 'DELETE',
          path: '/projects/p1/users/u1/roles/r1',
          description: 'Revoke admin on finance-dr',
        },
      ],
    ),
  ];
  return {
    id: 'run-20250314-0900',
    profileId: 'prod-dr-0a1b2c',
    kind: 'full',
    status: 'failed',
    params: {
      kind: 'full',
      mapping: [
        {
          sourceProjectId: '4403e0118d0e4bae94ca48847a44afed',
          sourceProjectName: 'finance',
          targetProject: 'finance-dr',
          trusteeUser: 'alice-dr',
        },
        {
          sourceProjectId: '7e398a4b102a43ffa0219c02b26b7ce5',
          sourceProjectName: 'engineering',
          targetProject: 'engineering-dr',
          trusteeUser: '',
        },
      ],
      notifyOnly: false,
      restoreConcurrency: 2,
      removeMountsOnCleanup: true,
    },
    steps,
    changes,
    createdAt: at(-60),
    startedAt: at(0),
    finishedAt: at(1800),
    operator: 'dr-operator',
  };
}

const names: Record<string, string> = {
  'tvm-1': 'tvm-1',
  'cmp-1': 'compute-1',
  'cmp-2': 'compute-2',
  'cmp-3': 'compute-3',
};

/** Log lines as the SSH executor and the API clients write them, for the run above. */
export function sampleLogs(): LogRecord[] {
  const logs: LogRecord[] = [];
  const line = (step: string, host: string, stream: LogRecord['stream'], seconds: number, text: string) =>
    logs.push({ runId: 'run-20250314-0900', step, host, stream, ts: T0 + Math.round(seconds * 1000), text });
  const command = (
    step: string,
    host: string,
    from: number,
    to: number,
    text: string,
    exit = 0,
    output: string[] = [],
  ) => {
    line(step, host, 'command', from, text);
    output.forEach((o, i) => line(step, host, exit === 0 ? 'stdout' : 'stderr', from + 0.1 * (i + 1), o));
    line(step, host, 'info', to, `exit ${exit} after ${Math.round((to - from) * 1000)} ms`);
  };
  for (const [i, h] of hosts.entries()) command('preflight', names[h]!, 2 + i, 4 + i, 'true');
  line(
    'preflight',
    '',
    'info',
    6,
    'HTTP POST https://keystone.b.example:5000/v3/auth/tokens -> 201 in 180 ms',
  );
  line(
    'find',
    '',
    'info',
    45,
    'HTTP GET https://trilio.b.example:8780/v1/p/workloads/orphan_workloads/?migrate_cloud=True -> 200 in 900 ms',
  );
  command('find', 'tvm-1', 50, 85, 'sh -c scan-workloads', 0, ['3 workloads']);
  for (const [i, h] of hosts.entries())
    command(
      'reconfigure',
      names[h]!,
      100 + i * 40,
      130 + i * 40,
      `crudini --set /etc/tvault-contego/tvault-contego.conf DEFAULT vault_storage_nfs_export '${NFS.B1},${NFS.B2}'`,
    );
  command('mount-paths', 'compute-3', 305, 306, `sudo -n -- mount --bind ${live} ${old}`, 32, [
    'mount: /var/triliovault-mounts: permission denied.',
  ]);
  for (const [i, h] of computes.entries())
    command('mount-paths', names[h]!, 330 + i * 10, 335 + i * 10, `mount --bind ${live} ${old}`);
  line(
    'access',
    '',
    'info',
    431,
    'HTTP PUT https://keystone.b.example:5000/v3/projects/p1/users/u1/roles/r1 -> 204 in 40 ms',
  );
  line(
    'reassign',
    '',
    'info',
    460,
    'HTTP POST https://trilio.b.example:8780/v1/p/workloads/reasign_workloads -> 200 in 2100 ms',
  );
  line(
    'restore',
    '',
    'info',
    530,
    'HTTP POST https://trilio.b.example:8780/v1/p/snapshots/f2b255e4 -> 202 in 300 ms',
  );
  line(
    'restore',
    '',
    'info',
    1590,
    'HTTP GET https://trilio.b.example:8780/v1/p/restores/r-0003 -> 503 in 20 ms (attempt 2)',
  );
  command('revert', 'tvm-1', 1710, 1740, 'systemctl restart wlm-workloads');
  command('revert', 'compute-3', 1745, 1790, 'sudo -n -- systemctl restart tvault-contego', 1, [
    'Job for tvault-contego.service failed because the control process exited with error code.',
    'See "systemctl status tvault-contego.service" for details.',
  ]);
  return logs;
}
