import { describe, expect, it } from 'vitest';
import { planRestores, type RestoreTargetFacts } from '../../../shared/plans/bulk-restore-plan.js';
import { planCleanup, type CleanupFacts } from '../../../shared/plans/cleanup-plan.js';
import {
  notifyMessages,
  ownerProblem,
  planNotify,
  type NotifyFacts,
} from '../../../shared/plans/notify-plan.js';
import {
  parseReassignActionId,
  planReassign,
  reassignActionId,
  type ReassignWorkloadFacts,
} from '../../../shared/plans/reassign-plan.js';
import { planRestore } from '../../../shared/plans/restore-plan.js';
import type { ApiAction, RemoteAction } from '../../../shared/run/plan-types.js';

// The planners of a full-cloud run over three of the lab's workloads in two target projects.
const finance = { id: 'p-fin', name: 'finance-dr' };
const engineering = { id: 'p-eng', name: 'engineering-dr' };
const alice = { id: 'u-alice', name: 'alice-dr' };
const bob = { id: 'u-bob', name: 'bob-dr' };

const orphan = (
  id: string,
  name: string,
  project: typeof finance,
  trustee: typeof alice,
  state: ReassignWorkloadFacts['state'] = 'orphaned',
): ReassignWorkloadFacts => ({
  workloadId: id,
  workloadName: name,
  state,
  currentProjectId: state === 'orphaned' ? `a-${project.name}` : project.id,
  currentUserId: 'u-a',
  sourceProjectId: `a-${project.name}`,
  targetProject: project,
  trustee,
});

describe('planReassign over many workloads', () => {
  it('sends one call per target project and trustee with only workload_ids, skipping those in place', () => {
    const plan = planReassign({
      trusteeRoles: { roles: ['creator'], source: 'profile', from: "the profile's Trilio settings" },
      trusteeSource: 'role-assignments',
      reenableSchedules: false,
      actingUser: 'admin',
      workloads: [
        orphan('w1', 'fin-erp', finance, alice),
        orphan('w2', 'eng-ci', engineering, bob),
        orphan('w3', 'fin-web', finance, alice),
        orphan('w4', 'eng-git', engineering, bob, 'in-target'),
      ],
    });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const posts = plan.value.actions as ApiAction[];
    expect(posts.map((a) => a.body)).toEqual([
      [
        {
          workload_ids: ['w1', 'w3'],
          old_tenant_ids: [],
          new_tenant_id: 'p-fin',
          user_id: 'u-alice',
          migrate_cloud: true,
        },
      ],
      [
        {
          workload_ids: ['w2'],
          old_tenant_ids: [],
          new_tenant_id: 'p-eng',
          user_id: 'u-bob',
          migrate_cloud: true,
        },
      ],
    ]);
    expect(posts.map((a) => a.id)).toEqual(['reassign:w1,w3', reassignActionId('w2')]);
    expect(posts[0]!.description).toContain('fin-erp (w1), fin-web (w3)');
    expect(plan.value.verify).toHaveLength(4);
    expect(plan.value.warnings).toEqual([
      expect.stringContaining('eng-git (w4) is already in project engineering-dr'),
      expect.stringContaining('scheduled backups of fin-erp, eng-ci, fin-web stay off'),
    ]);
    expect(parseReassignActionId(reassignActionId('w2'))).toBe('w2');
    expect(parseReassignActionId('reassign:w1,w3')).toBeUndefined();
  });
});

describe('planCleanup over many workloads', () => {
  const facts = (over: Partial<CleanupFacts> = {}): CleanupFacts => ({
    workloadIds: ['w1', 'w2', 'w3'],
    knownToTrilio: ['w1', 'w3'],
    projects: { w1: 'finance-dr', w2: 'engineering-dr', w3: 'finance-dr' },
    tvm: 'tvm-1',
    tvmName: 'tvm-1',
    purgeCommand: '/root/bin/trilio-lab-purge-workloads {ids}',
    toUndo: [],
    ...over,
  });

  it('deletes each known workload in its project and purges every id in one call', () => {
    const plan = planCleanup(facts());
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const deletes = plan.value.actions.filter((a): a is ApiAction => a.kind === 'api');
    expect(deletes.map((a) => a.path)).toEqual([
      '/workloads/w1?database_only=True',
      '/workloads/w3?database_only=True',
    ]);
    expect(deletes[0]!.description).toContain('project finance-dr');
    const purges = plan.value.actions.filter((a): a is RemoteAction => a.kind === 'remote');
    expect(purges).toHaveLength(1);
    expect(purges[0]!.argv.slice(-3)).toEqual(['w1', 'w2', 'w3']);
  });

  it('does not purge again what an earlier attempt purged', () => {
    const plan = planCleanup(facts({ knownToTrilio: [], purged: ['w1', 'w2'] }));
    const purges = plan.ok ? plan.value.actions.filter((a): a is RemoteAction => a.kind === 'remote') : [];
    expect(purges.map((a) => a.argv.at(-1))).toEqual(['w3']);
    const none = planCleanup(facts({ knownToTrilio: [], purged: ['w1', 'w2', 'w3'] }));
    expect(none.ok && none.value.actions).toEqual([]);
  });
});

describe('planNotify', () => {
  const facts = (over: Partial<NotifyFacts> = {}): NotifyFacts => ({
    runId: 'run-1',
    workloads: [
      {
        workloadId: 'w1',
        name: 'fin-erp',
        sourceProject: 'a-fin',
        sourceProjectName: 'finance',
        targetProject: 'finance-dr',
        status: 'notified',
        backups: 'off',
      },
      {
        workloadId: 'w2',
        name: 'eng-ci',
        sourceProject: 'a-eng',
        targetProject: 'engineering-dr',
        status: 'notified',
        backups: 'on',
      },
    ],
    projects: [
      {
        targetProject: 'finance-dr',
        targetProjectId: 'p-fin',
        owners: [{ ...alice, email: 'alice-dr@cloud-b.test' }],
        ownersWithoutEmail: [],
        alreadySent: false,
      },
      {
        targetProject: 'engineering-dr',
        targetProjectId: 'p-eng',
        owners: [],
        ownersWithoutEmail: ['bob-dr'],
        alreadySent: false,
      },
    ],
    transport: {
      kind: 'smtp',
      host: 'smtp.example',
      port: 587,
      starttls: true,
      username: 'mailer',
      caFile: '/etc/pki/relay-ca.pem',
    },
    from: 'dr-wizard@cloud-b.test',
    trusteeRoles: {
      roles: ['_member_', 'creator'],
      source: 'appliance',
      from: 'trustee_role in /etc/workloadmgr/workloadmgr.conf on tvm-b',
    },
    domain: 'cloud_b',
    targetCloud: { region: 'RegionB', authUrl: 'http://b:5000/v3' },
    sourceCloud: { region: 'RegionA' },
    ...over,
  });

  it('addresses one message per project to its owners and names a project without an address', () => {
    const messages = notifyMessages(facts());
    expect(messages.map((m) => [m.targetProject, m.to])).toEqual([
      ['engineering-dr', []],
      ['finance-dr', ['alice-dr@cloud-b.test']],
    ]);
    expect(messages[1]!.toRestore.map((w) => w.name)).toEqual(['fin-erp']);
    const plan = planNotify(facts());
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.summary).toContain('finance-dr → alice-dr@cloud-b.test: fin-erp');
    expect(plan.value.summary).toContain('smtp.example:587');
    expect(plan.value.summary).toContain('checked against /etc/pki/relay-ca.pem');
    expect(plan.value.warnings.join(' ')).toContain(
      'No owner of project engineering-dr has an e-mail address',
    );
    expect(plan.value.warnings.join(' ')).toContain('openstack user set --email');
    expect(plan.value.summary).toContain(
      'The owners are the users holding a trustee role (_member_ or creator), from trustee_role in /etc/workloadmgr/workloadmgr.conf on tvm-b.',
    );
    expect(plan.value.summary).toContain(
      'Each message says whether scheduled backups are on: on for eng-ci; off for fin-erp (with the command that turns them on).',
    );
    // The message itself: backups off, and the command that turns them on.
    expect(messages[1]!.text).toContain('  - fin-erp: OFF - no new backups are taken until you turn them on');
    expect(messages[1]!.text).toContain("    workloadmgr workload-modify w1 --jobschedule 'enabled=True'");
    expect(messages[0]!.text).toContain('  - eng-ci: on');
    expect(messages[0]!.text).not.toContain('workload-modify');
  });

  it('names every role of the list when nobody holds one', () => {
    const f = facts();
    const problem = ownerProblem(f, { ...f.projects[1]!, ownersWithoutEmail: [] });
    expect(problem?.message).toBe(
      'Nobody holds the trustee role _member_ or creator on project engineering-dr, so it has no owner to tell.',
    );
  });

  it('saves .eml files without an SMTP server, and skips projects told by an earlier attempt', () => {
    const plan = planNotify(
      facts({
        transport: { kind: 'eml', parentDir: '/tmp' },
        projects: facts().projects.map((p) => ({ ...p, alreadySent: p.targetProject === 'finance-dr' })),
      }),
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.summary).toContain('.eml files');
    expect(plan.value.summary).not.toContain('finance-dr →');
    expect(plan.value.warnings.join(' ')).toContain('finance-dr were told by an earlier attempt');
  });
});

describe('planRestores', () => {
  const workload = (id: string, name: string, project: typeof finance, zone: string): RestoreTargetFacts => ({
    workloadId: id,
    workloadName: name,
    sourceProject: `a-${project.name}`,
    sourceProjectName: '',
    targetProject: { ...project, domain: 'cloud_b', domainId: 'd-b' },
    restoreAs: 'admin',
    snapshots: [],
    snapshot: {
      id: `s-${id}`,
      name: `snap-${id}`,
      status: 'available',
      type: 'full',
      createdAt: '2024-05-01',
    },
    instances: [
      {
        id: `vm-${id}`,
        name: `${name}-1`,
        availabilityZone: zone,
        nics: [
          {
            networkId: `n-${id}`,
            networkName: `${project.name.replace('-dr', '')}-net`,
            subnetId: `sn-${id}`,
          },
        ],
        disks: [],
      },
    ],
    networks: [
      {
        id: 'tn',
        name: `${project.name}-net`,
        shared: false,
        subnets: [{ id: 'tsn', name: 's', cidr: '10.0.0.0/24' }],
      },
    ],
    availabilityZones: ['nova'],
    volumeTypes: [],
  });

  it('one workload: exactly its single plan', () => {
    const only = workload('w1', 'fin-erp', finance, 'nova');
    expect(planRestores({ workloads: [only], problems: [], concurrency: 1 }, null)).toEqual(
      planRestore(only, null),
    );
  });

  it('many: every restore request, with the ones that cannot be planned or found named', () => {
    const plan = planRestores(
      {
        workloads: [
          workload('w1', 'fin-erp', finance, 'nova'),
          workload('w2', 'eng-ci', engineering, 'az-gone'),
        ],
        problems: [
          {
            workloadId: 'w3',
            workloadName: 'res-hpc',
            sourceProject: 'a-res',
            sourceProjectName: 'research',
            targetProject: 'research-dr',
            error: 'Workload res-hpc has no available snapshot.',
          },
        ],
        concurrency: 2,
      },
      null,
    );
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    // eng-ci's VM is in a zone cloud B does not have: not planned, the others are.
    expect(plan.value.actions.map((a) => a.id)).toEqual(['restore:s-w1']);
    expect(plan.value.summary).toContain('at most 2 at once');
    expect(plan.value.summary).toContain('fin-erp → finance-dr');
    expect(plan.value.warnings.join(' ')).toContain(
      'Not restored: eng-ci (w2): The restore form is not complete',
    );
    expect(plan.value.warnings.join(' ')).toContain(
      'Not restored: res-hpc (w3): Workload res-hpc has no available snapshot.',
    );
  });
});
