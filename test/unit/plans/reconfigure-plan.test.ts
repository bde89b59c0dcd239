import { describe, expect, it } from 'vitest';
import { trilioCloudSchema, type TrilioCloudConfig } from '../../../shared/profile/profile.js';
import {
  planReconfigure,
  type NodeConfig,
  type ReconfigureFacts,
} from '../../../shared/plans/reconfigure-plan.js';
import { trilioFactsFor } from '../../../shared/trilio/trilio-facts.js';

const B1 = '10.20.3.22:/upstream_target';
const B2 = '10.20.3.23:/upstream_synced_a1';

function facts(
  cloud: Partial<TrilioCloudConfig> = {},
  overrides: Partial<ReconfigureFacts> = {},
): ReconfigureFacts {
  const t = trilioFactsFor(trilioCloudSchema.parse(cloud), 'target');
  const file = (path: string, exports: string[]) => ({ file: path, exports, model: 'export-list' as const });
  return {
    syncedCopy: B2,
    target: B1,
    trilio: t,
    nodes: [
      {
        host: 'tvm-1',
        hostName: 'tvm-1',
        role: 'tvm',
        files: [file(t.applianceConfigs[0]!, [B1])],
        mounted: false,
      },
      {
        host: 'c1',
        hostName: 'compute-1',
        role: 'compute',
        files: [file(t.datamoverConfigs[0]!, [B1, B2])],
        mounted: true,
      },
      {
        host: 'c2',
        hostName: 'compute-2',
        role: 'compute',
        files: [file(t.datamoverConfigs[0]!, [B1])],
        mounted: false,
      },
    ],
    busyWorkloads: [],
    ...overrides,
  };
}

const argvOf = (plan: ReturnType<typeof planReconfigure>, id: string) => {
  const action = plan.ok ? plan.value.actions.find((a) => a.id === id) : undefined;
  return action?.kind === 'remote' ? action.argv : undefined;
};

describe('planReconfigure', () => {
  it('packages: edit + restart on each node that lacks B2, each edit undone by an edit back + restart', () => {
    const plan = planReconfigure(facts());
    if (!plan.ok) throw new Error(plan.error.message);
    const ids = plan.value.actions.map((a) => a.id);
    expect(ids).toEqual(['edit:add:tvm-1', 'restart-add:tvm-1', 'edit:add:c2', 'restart-add:c2']);
    expect(argvOf(plan, 'restart-add:tvm-1')).toEqual(['systemctl', 'restart', 'wlm-workloads']);
    expect(argvOf(plan, 'restart-add:c2')).toEqual(['systemctl', 'restart', 'tvault-contego']);
    expect(argvOf(plan, 'edit:add:tvm-1')?.[1]).toBe('/etc/workloadmgr/workloadmgr.conf');
    const edit = plan.value.actions[0]!;
    expect(edit.kind === 'remote' && edit.change?.undo.map((u) => u.id)).toEqual([
      'edit:remove:tvm-1',
      'restart-remove:tvm-1',
    ]);
    expect(plan.value.warnings[0]).toMatch(/backups of the target region are on hold/);
    expect(plan.value.summary).toContain('/var/triliovault-mounts/MTAuMjAuMy4yMzovdXBzdHJlYW1fc3luY2VkX2Ex');
  });

  it('a node whose file has B2 but does not mount it (stopped before the restart) is restarted only', () => {
    const base = facts();
    const nodes = base.nodes.map((n) => (n.host === 'c1' ? { ...n, mounted: false } : n));
    const plan = planReconfigure({ ...base, nodes });
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions.map((a) => a.id)).toEqual([
      'edit:add:tvm-1',
      'restart-add:tvm-1',
      'restart-add:c1',
      'edit:add:c2',
      'restart-add:c2',
    ]);
    const restart = plan.value.actions.find((a) => a.id === 'restart-add:c1');
    expect(restart?.kind === 'remote' && restart.change).toBe(undefined);
  });

  it('Kolla: every WLM service file of the node is edited, the container restarted once, and its undo restarts once, last', () => {
    const base = facts({ installer: 'kolla', release: '5.2' });
    const wlm = ['workloads', 'api'].map((s) => ({
      file: `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`,
      exports: [B1],
      model: 'export-list' as const,
    }));
    const nodes: NodeConfig[] = base.nodes.map((n) => (n.role === 'tvm' ? { ...n, files: wlm } : n));
    const plan = planReconfigure({ ...base, nodes });
    if (!plan.ok) throw new Error(plan.error.message);
    const tvm = plan.value.actions.filter((a) => a.kind === 'remote' && a.host === 'tvm-1');
    expect(tvm.map((a) => a.id)).toEqual([
      'edit:add:tvm-1',
      'edit:add:tvm-1:/etc/kolla/triliovault-wlm-api/triliovault-wlm-api.conf',
      'restart-add:tvm-1',
    ]);
    expect(argvOf(plan, 'restart-add:tvm-1')).toEqual(['docker', 'restart', 'triliovault_wlm_workloads']);
    expect(argvOf(plan, 'restart-add:c2')).toEqual(['docker', 'restart', 'triliovault_datamover']);
    // Undos run newest first: the second file is edited back, then the first and the one restart.
    const undoIds = tvm.map((a) => (a.kind === 'remote' ? (a.change?.undo.map((u) => u.id) ?? []) : []));
    expect(undoIds[0]).toEqual(['edit:remove:tvm-1', 'restart-remove:tvm-1']);
    expect(undoIds[1]).toEqual(['edit:remove:tvm-1:/etc/kolla/triliovault-wlm-api/triliovault-wlm-api.conf']);
    expect(plan.value.warnings.join('\n')).toMatch(/triliovault_nfs_shares/);
    expect(plan.value.summary).toContain('/var/trilio/triliovault-mounts/L3Vwc3RyZWFtX3N5bmNlZF9hMQ==');
  });

  it('director restarts its systemd-managed containers; podman Kolla and profile overrides are used as given', () => {
    const rhosp = planReconfigure(facts({ installer: 'rhosp', release: '5.2' }));
    expect(argvOf(rhosp, 'restart-add:c2')).toEqual([
      'systemctl',
      'restart',
      'tripleo_triliovault_datamover',
    ]);
    expect(rhosp.ok && rhosp.value.warnings.join('\n')).toMatch(/NfsShares/);
    const podman = planReconfigure(facts({ installer: 'kolla', containerEngine: 'podman' }));
    expect(argvOf(podman, 'restart-add:tvm-1')?.[0]).toBe('podman');
    const custom = planReconfigure(facts({ restartDatamover: ['/usr/local/bin/restart-dm', '--now'] }));
    expect(argvOf(custom, 'restart-add:c2')).toEqual(['/usr/local/bin/restart-dm', '--now']);
  });

  it('juju: one manual orchestrator action with the exact juju config commands', () => {
    const plan = planReconfigure(facts({ installer: 'juju' }));
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.actions).toHaveLength(1);
    const action = plan.value.actions[0]!;
    expect(action.kind).toBe('manual');
    expect(action.kind === 'manual' && action.instructions).toContain(
      `juju config trilio-wlm nfs-shares='${B1},${B2}'`,
    );
    expect(action.kind === 'manual' && action.instructions).toContain(
      'juju config trilio-data-mover nfs-shares=',
    );
  });

  it('6.2 and later: refuses to edit files and says to add B2 through Trilio’s backup targets', () => {
    const plan = planReconfigure(facts({ release: '6.2' }));
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.error.message).toMatch(/manages its backup targets/);
    expect(plan.error.hint).toMatch(/backup target/i);
  });

  it('path-form folders: B1 and B2 with the same path would share one mount folder, so it refuses', () => {
    const clash = facts(
      { release: '5.2' },
      { target: '10.20.3.22:/trilio', syncedCopy: '10.20.3.23:/trilio' },
    );
    expect(planReconfigure(clash)).toMatchObject({ ok: false, error: { code: 'precondition' } });
    // The same shares are fine where folders are named by the whole export (≤ 4.1).
    const old = facts({ release: '4.1' }, { target: '10.20.3.22:/trilio', syncedCopy: '10.20.3.23:/trilio' });
    expect(planReconfigure(old).ok).toBe(true);
  });

  it('refuses while snapshots run, and names a node whose config cannot be read', () => {
    expect(planReconfigure(facts({}, { busyWorkloads: ['fin-erp'] }))).toMatchObject({
      ok: false,
      error: { code: 'precondition' },
    });
    const f = facts();
    f.nodes[2] = {
      ...f.nodes[2]!,
      files: [
        {
          file: '/etc/tvault-contego/tvault-contego.conf',
          exports: null,
          model: 'export-list',
          problem: 'no option',
        },
      ],
    };
    expect(planReconfigure(f)).toMatchObject({ ok: false, error: { host: 'compute-2' } });
    const none = facts();
    none.nodes[0] = {
      ...none.nodes[0]!,
      files: [],
      problem: 'none of /etc/workloadmgr/workloadmgr.conf exists',
    };
    expect(planReconfigure(none)).toMatchObject({ ok: false, error: { host: 'tvm-1' } });
  });
});
