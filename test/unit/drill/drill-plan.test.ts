import { describe, expect, it } from 'vitest';
import {
  drillGrantAction,
  newIdOf,
  planDrillNetworks,
  planDrillProject,
  planDrillTeardown,
  type DrillProjectFacts,
} from '../../../shared/plans/drill-plan.js';
import { drillTimes } from '../../../shared/drill/drill-timing.js';
import { drillProjectName, isDrillProject } from '../../../shared/drill/drill-inventory.js';
import { stepsFor } from '../../../shared/run/step-catalog.js';

const facts: DrillProjectFacts = {
  drillId: '20261207-a1b2c3',
  projectName: drillProjectName('20261207-a1b2c3', 'finance'),
  domain: { id: 'd-b', name: 'cloud_b' },
  existing: null,
  recorded: false,
  user: { id: 'u-admin', name: 'admin' },
  trusteeRole: { id: 'r-creator', name: 'creator' },
  hasTrusteeRole: false,
};

describe('drill plans', () => {
  it('a drill run adds its steps around the single-workload DR; a real run has none', () => {
    expect(stepsFor('single', false, true)).toEqual([
      'preflight',
      'find',
      'copy',
      'mount-paths',
      'drill-project',
      'access',
      'reassign',
      'drill-networks',
      'restore',
      'drill-teardown',
      'cleanup',
    ]);
    expect(stepsFor('single', false).some((k) => k.startsWith('drill-'))).toBe(false);
    expect(stepsFor('full', false, true).some((k) => k.startsWith('drill-'))).toBe(false);
  });

  it('creates the drill project in the target domain and grants the trustee role, revoked by undo', () => {
    expect(isDrillProject(facts.projectName)).toBe(true);
    const plan = planDrillProject(facts);
    if (!plan.ok) throw new Error(plan.error.message);
    const [create, grant] = plan.value.actions;
    expect(create).toMatchObject({
      method: 'POST',
      path: '/projects',
      body: { project: { name: 'trilio-drill-20261207-a1b2c3-finance', domain_id: 'd-b' } },
    });
    expect(grant).toMatchObject({
      method: 'PUT',
      path: `/projects/${encodeURIComponent(newIdOf(facts.projectName))}/users/u-admin/roles/r-creator`,
    });
    // The grant is built again with the real id by the same function.
    expect(drillGrantAction(facts, 'p-123').change?.undo[0]).toMatchObject({
      method: 'DELETE',
      path: '/projects/p-123/users/u-admin/roles/r-creator',
    });
  });

  it('adopts a drill project an earlier attempt made, and plans nothing once all is there', () => {
    const adopt = planDrillProject({ ...facts, existing: { id: 'p-1' } });
    if (!adopt.ok) throw new Error();
    expect(adopt.value.actions.map((a) => a.id)).toEqual([
      `drill-project:${facts.projectName}`,
      expect.stringMatching(/^drill-grant:/),
    ]);
    expect(adopt.value.warnings[0]).toMatch(/earlier attempt/);
    const done = planDrillProject({
      ...facts,
      existing: { id: 'p-1' },
      recorded: true,
      hasTrusteeRole: true,
    });
    if (!done.ok) throw new Error();
    expect(done.value.actions).toEqual([]);
  });

  it('mirrors each snapshot network once, a subnet per pair, no gateway, skipping what exists', () => {
    const plan = planDrillNetworks({
      project: { id: 'p-1', name: facts.projectName },
      needs: [
        { networkName: 'hpc-net', subnetName: 'hpc-a', cidr: '10.30.1.0/24' },
        { networkName: 'hpc-net', subnetName: 'hpc-b', cidr: '10.30.2.0/24' },
        { networkName: 'mgmt', subnetName: 'mgmt-sub', cidr: '10.9.0.0/24' },
      ],
      existing: [{ id: 'n-mgmt', name: 'mgmt', subnets: [{ id: 's-1', name: 'mgmt-sub' }] }],
    });
    if (!plan.ok) throw new Error();
    const a = plan.value.actions;
    expect(a.map((x) => (x.kind === 'api' ? `${x.method} ${x.path}` : ''))).toEqual([
      'POST /v2.0/networks',
      'POST /v2.0/subnets',
      'POST /v2.0/subnets',
    ]);
    expect(a[1]).toMatchObject({
      body: { subnet: { cidr: '10.30.1.0/24', gateway_ip: null, project_id: 'p-1' } },
    });
    expect(a[0]).toMatchObject({ body: { network: { shared: false, project_id: 'p-1' } } });
  });

  it('tears down instances before volumes, then restores, ports and networks', () => {
    const plan = planDrillTeardown({
      project: { id: 'p-1', name: facts.projectName },
      servers: [{ id: 's1', name: 'vm' }],
      volumes: [{ id: 'v1', name: 'data', status: 'in-use' }],
      restores: [{ id: 'r1', name: 'DR restore' }],
      ports: [{ id: 'port1', networkId: 'n1' }],
      securityGroups: [{ id: 'sg1', name: 'default' }],
      networks: [{ id: 'n1', name: 'hpc-net' }],
    });
    if (!plan.ok) throw new Error();
    expect(plan.value.actions.map((x) => x.id)).toEqual([
      'delete-server:s1',
      'delete-volume:v1',
      'delete-restore:r1',
      'delete-port:port1',
      'delete-drill-network:n1',
      'delete-security-group:sg1',
    ]);
  });

  it('RTO from the run start to available, RPO as the snapshot’s age at restore start (Trilio times are UTC)', () => {
    expect(
      drillTimes('2026-12-07T10:00:00.000Z', {
        availableAt: '2026-12-07T10:04:30.000Z',
        snapshotCreatedAt: '2026-12-07T08:00:00',
        restoreStartedAt: '2026-12-07T10:02:00',
      }),
    ).toEqual({ rtoSeconds: 270, rpoSeconds: 7320 });
    expect(drillTimes(undefined, undefined)).toEqual({});
  });
});
