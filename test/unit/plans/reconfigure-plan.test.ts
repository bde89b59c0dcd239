import { describe, expect, it } from 'vitest';
import { flavorFacts } from '../../../shared/plans/flavors.js';
import { planReconfigure, type ReconfigureFacts } from '../../../shared/plans/reconfigure-plan.js';

const B1 = '10.20.3.22:/upstream_target';
const B2 = '10.20.3.23:/upstream_synced_a1';

function facts(
  flavor: 'systemd' | 'kolla' | 'rhosp' | 'juju',
  overrides: Partial<ReconfigureFacts> = {},
): ReconfigureFacts {
  const f = flavorFacts({ flavor, wlmConfPath: '', contegoConfPath: '' });
  return {
    syncedCopy: B2,
    mountRoot: '/var/triliovault-mounts',
    flavor: f,
    flavorName: flavor,
    nodes: [
      { host: 'tvm-1', hostName: 'tvm-1', role: 'tvm', file: f.wlmConf, exports: [B1], mounted: false },
      {
        host: 'c1',
        hostName: 'compute-1',
        role: 'compute',
        file: f.contegoConf,
        exports: [B1, B2],
        mounted: true,
      },
      {
        host: 'c2',
        hostName: 'compute-2',
        role: 'compute',
        file: f.contegoConf,
        exports: [B1],
        mounted: false,
      },
    ],
    busyWorkloads: [],
    ...overrides,
  };
}

describe('planReconfigure', () => {
  it('systemd: edit + restart on each node that lacks B2, each edit undone by an edit back + restart', () => {
    const plan = planReconfigure(facts('systemd'));
    if (!plan.ok) throw new Error(plan.error.message);
    const ids = plan.value.actions.map((a) => a.id);
    expect(ids).toEqual(['edit:add:tvm-1', 'restart-add:tvm-1', 'edit:add:c2', 'restart-add:c2']);
    const restarts = plan.value.actions.filter((a) => a.kind === 'remote' && a.id.startsWith('restart'));
    expect(restarts.map((a) => (a.kind === 'remote' ? a.argv.join(' ') : ''))).toEqual([
      'systemctl restart wlm-workloads',
      'systemctl restart tvault-contego',
    ]);
    const edit = plan.value.actions[0]!;
    expect(edit.kind === 'remote' && edit.change?.undo.map((u) => u.id)).toEqual([
      'edit:remove:tvm-1',
      'restart-remove:tvm-1',
    ]);
    expect(plan.value.warnings[0]).toMatch(/backups of the target region are on hold/);
  });

  it('a node whose file has B2 but does not mount it (stopped before the restart) is restarted only', () => {
    const base = facts('systemd');
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

  it('kolla and director restart their containers; profile overrides win over default paths', () => {
    const kolla = planReconfigure(facts('kolla'));
    expect(kolla.ok && kolla.value.actions[1]?.kind === 'remote' && kolla.value.actions[1].argv).toEqual([
      'docker',
      'restart',
      'triliovault_wlm_workloads',
    ]);
    const rhosp = planReconfigure(facts('rhosp'));
    expect(rhosp.ok && rhosp.value.actions[3]?.kind === 'remote' && rhosp.value.actions[3].argv[0]).toBe(
      'podman',
    );
    expect(flavorFacts({ flavor: 'kolla', wlmConfPath: '/etc/x.conf', contegoConfPath: '' }).wlmConf).toBe(
      '/etc/x.conf',
    );
  });

  it('juju: one manual orchestrator action with the exact juju config commands', () => {
    const plan = planReconfigure(facts('juju'));
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

  it('refuses while snapshots run, and names a node whose config cannot be read', () => {
    expect(planReconfigure(facts('systemd', { busyWorkloads: ['fin-erp'] }))).toMatchObject({
      ok: false,
      error: { code: 'precondition' },
    });
    const f = facts('systemd');
    f.nodes[2] = {
      ...f.nodes[2]!,
      exports: null,
      problem: 'no vault_storage_nfs_export option in [DEFAULT]',
    };
    expect(planReconfigure(f)).toMatchObject({ ok: false, error: { host: 'compute-2' } });
  });
});
