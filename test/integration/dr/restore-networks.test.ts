import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAction } from '../../../shared/run/plan-types.js';
import type { RestoreJson } from '../../../shared/restore/restore-json.js';
import { accessStep } from '../../../electron/core/dr/steps/access-step.js';
import { reassignStep } from '../../../electron/core/dr/steps/reassign-step.js';
import { createRestoreStep, type RestoreStepData } from '../../../electron/core/dr/steps/restore-step.js';
import type { RunServices } from '../../../electron/core/dr/run-services.js';
import type { StepDefinition } from '../../../electron/core/runs/step-definition.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { openstackCliEnv } from '../../lab/clouds/index.js';
import { readLabJson } from '../../lab/lab.js';
import { adminToken, call } from '../../lab/trilio/trilio-test-kit.js';
import {
  adminRoles,
  bindA1OntoB1,
  copyToB1,
  openstackB,
  removeFromB1,
  resetEmulator,
  unbindA1,
  type AdminRoles,
} from './support/api-lab.js';
import { apiRunWorld, type ApiRunWorld } from './support/api-run-world.js';

// res-hpc restored as Trilio takes restore.json, against the lab's strict emulator: an image-booted head
// node on research-net's first subnet and a storage node with volumes on its second subnet. The
// reassign turns the workload's job schedule off (migrate_cloud); the run turns it on again.
//
// 1. Planned onto research-dr-net (other CIDRs): one mapping per (network, subnet) pair, each VM on its
//    mapped subnet; fixed IPs do not fit, so only the MACs travel in `nics`.
// 2. Restored into research-dr after the test adds a network named and addressed as cloud A's
//    (research-net with research-subnet 10.1.3.0/24 and research-storage-subnet 10.1.13.0/24): the
//    default mapping picks it by name, and every NIC keeps its fixed IP and MAC on its own subnet.

interface RestoredNic {
  mac_address: string;
  ip_address: string;
  network_id: string;
  subnet_id: string;
  snapshot_mac_address: string;
  source: string;
}
interface RestoredInstanceView {
  name: string;
  metadata: { instance_id: string };
  nics: RestoredNic[];
  volumes?: unknown[];
  boot?: { from: 'image' | 'volume'; image_id?: string } | null;
}

let lab: LabJson;
let world: ApiRunWorld;
let res: LabWorkload;
let roles: AdminRoles;
let runId: string;
const project = 'research-dr';
const run = promisify(execFile);

/**
 * Removes the network this test adds (named as cloud A's) from research-dr, subnets first; also one
 * left by an interrupted earlier run, which would otherwise win the default mapping by name.
 */
async function removeAddedNetwork(): Promise<void> {
  const projectId = lab.clouds.B.projects[project]!;
  const found = await openstackB<{ ID: string }[]>(lab, [
    'network',
    'list',
    '--project',
    projectId,
    '--name',
    'research-net',
  ]);
  for (const network of found) {
    const subnets = await openstackB<{ ID: string }[]>(lab, ['subnet', 'list', '--network', network.ID]);
    for (const subnet of subnets)
      await run('/usr/bin/openstack', ['subnet', 'delete', subnet.ID], {
        env: openstackCliEnv(lab.clouds.B),
      });
    await run('/usr/bin/openstack', ['network', 'delete', network.ID], {
      env: openstackCliEnv(lab.clouds.B),
    });
  }
}

const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error, null, 2)}`);
  return r.value;
};

/** The snapshot as Trilio B shows it (restore.json is compared with it). */
async function snapshotInstances(): Promise<
  {
    id: string;
    name: string;
    nics: {
      mac_address: string;
      ip_address: string;
      network: { id: string; subnet: { id: string; cidr: string } };
    }[];
    vdisks: { volume_id?: string; image_id?: string }[];
  }[]
> {
  const admin = await adminToken(lab);
  const shown = await call<{ snapshot: { instances: never[] } }>(
    'GET',
    `/v1/${admin.projectId}/snapshots/${res.snapshots.at(-1)}`,
    { token: admin.token },
  );
  return shown.body.snapshot.instances;
}

beforeAll(async () => {
  lab = await readLabJson();
  res = lab.workloads.find((w) => w.name === 'res-hpc')!;
  await removeAddedNetwork();
  roles = await adminRoles(lab);
  await resetEmulator();
  await copyToB1(lab, res.id);
  for (const host of ['compute-1', 'compute-2']) await bindA1OntoB1(lab, host).catch(() => undefined);
  world = await apiRunWorld({
    access: accessStep as StepDefinition<unknown, RunServices>,
    reassign: reassignStep as StepDefinition<unknown, RunServices>,
    restore: createRestoreStep({ pollMs: 200 }) as StepDefinition<unknown, RunServices>,
  });
  runId = await world.startRun({ workloadId: res.id, targetProject: project, reenableSchedules: true });
  must(await world.engine.execute(runId, 'access'));
});

afterAll(async () => {
  await removeAddedNetwork();
  await roles.revoke(project).catch(() => undefined);
  roles.close();
  for (const host of ['compute-1', 'compute-2']) await unbindA1(lab, host).catch(() => undefined);
  await removeFromB1(lab, res.id);
  await resetEmulator();
});

describe('reassign with job schedules re-enabled', () => {
  it('shows the schedule Trilio turns off, turns it on with PUT /workloads/{id}, and Trilio shows it on', async () => {
    const planned = must(await world.engine.plan(runId, 'reassign'));
    const put = planned.plan!.actions.find((a) => a.id === `schedule:${res.id}`) as ApiAction;
    expect(put).toMatchObject({
      method: 'PUT',
      path: `/workloads/${res.id}`,
      body: { workload: { jobschedule: { enabled: true } } },
    });
    expect(planned.plan!.summary).toContain('Job schedules after the reassign: res-hpc off');
    const done = must(await world.engine.execute(runId, 'reassign'));
    expect(done.status).toBe('succeeded');
    expect(done.outcome!.verify).toContainEqual(
      expect.objectContaining({ check: 'The job schedule of res-hpc is on', ok: true }),
    );
    const admin = await adminToken(lab);
    const shown = await call<{ workload: { project_id: string; jobschedule: { enabled: boolean } } }>(
      'GET',
      `/v1/${admin.projectId}/workloads/${res.id}`,
      { token: admin.token },
    );
    expect(shown.body.workload).toMatchObject({
      project_id: lab.clouds.B.projects[project],
      jobschedule: { enabled: true },
    });
    // Run again: the schedule is on, nothing is sent twice.
    must(await world.engine.execute(runId, 'reassign'));
    expect(world.logOf(runId, 'reassign').join('\n')).toContain('is on already: not changed');
  });
});

describe('restore.json from the snapshot', () => {
  it('maps research-net’s two subnets to their own targets, vdisks only the volumes, the image boot disk with the instance', async () => {
    const planned = must(await world.engine.plan(runId, 'restore'));
    const json = ((planned.plan!.actions[0] as ApiAction).body as { restore: { options: RestoreJson } })
      .restore.options;
    const net = lab.clouds.B.networks['research-dr-net']!;
    const snapshot = await snapshotInstances();
    const subnetsOfA = [...new Set(snapshot.flatMap((i) => i.nics.map((n) => n.network.subnet.id)))];
    expect(subnetsOfA).toHaveLength(2);
    expect(json.openstack.networks_mapping.networks.map((m) => m.target_network.subnet.id).sort()).toEqual(
      [net.subnets['research-dr-subnet'], net.subnets['research-dr-storage-subnet']].sort(),
    );
    for (const vm of snapshot) {
      const entry = json.openstack.instances.find((i) => i.id === vm.id)!;
      expect(entry.restore_boot_disk).toBe(true);
      expect(entry.vdisks.map((d) => d.id).sort()).toEqual(
        vm.vdisks.flatMap((d) => (d.volume_id ? [d.volume_id] : [])).sort(),
      );
      // 10.1.x addresses do not fit 10.2.x subnets: matched by MAC, new addresses.
      expect(entry.nics.map((n) => n.mac_address)).toEqual(vm.nics.map((n) => n.mac_address));
      expect(entry.nics.every((n) => n.ip_address === undefined)).toBe(true);
    }
    expect(snapshot.some((vm) => vm.vdisks.some((d) => d.image_id))).toBe(true);
    expect(planned.plan!.warnings.join('\n')).toContain('boots from image');
  });

  it('restores onto a same-named network of the same CIDRs keeping fixed IPs and MACs, each VM on its mapped subnet', async () => {
    const projectId = lab.clouds.B.projects[project]!;
    const network = await openstackB<{ id: string }>(lab, [
      'network',
      'create',
      '--project',
      projectId,
      'research-net',
    ]);
    const subnets: Record<string, string> = {};
    for (const [name, cidr] of [
      ['research-subnet', '10.1.3.0/24'],
      ['research-storage-subnet', '10.1.13.0/24'],
    ] as const) {
      const subnet = await openstackB<{ id: string }>(lab, [
        'subnet',
        'create',
        '--project',
        projectId,
        '--network',
        network.id,
        '--subnet-range',
        cidr,
        '--no-dhcp',
        name,
      ]);
      subnets[cidr] = subnet.id;
    }
    // Planned again: the target project now offers a network named and addressed as cloud A's.
    const planned = must(await world.engine.plan(runId, 'restore'));
    expect(planned.plan!.summary).toContain('research-net/research-subnet → research-net/research-subnet');
    expect(planned.plan!.warnings.join('\n')).not.toContain('cannot be kept');
    const done = must(await world.engine.execute(runId, 'restore'));
    expect(done.status).toBe('succeeded');
    const data = done.outcome!.data as RestoreStepData;
    const snapshot = await snapshotInstances();
    for (const vm of snapshot)
      for (const nic of data.restoreJson.openstack.instances.find((i) => i.id === vm.id)!.nics)
        expect(nic.ip_address).toBe(vm.nics.find((n) => n.mac_address === nic.mac_address)!.ip_address);

    const admin = await adminToken(lab);
    const shown = await call<{ restore: { status: string; instances: RestoredInstanceView[] } }>(
      'GET',
      `/v1/${admin.projectId}/restores/${data.restoreId}`,
      { token: admin.token },
    );
    expect(shown.body.restore.status).toBe('available');
    const restored = shown.body.restore.instances;
    expect(restored).toHaveLength(snapshot.length);
    for (const vm of snapshot) {
      const instance = restored.find((i) => i.metadata.instance_id === vm.id)!;
      expect(instance.nics).toHaveLength(vm.nics.length);
      for (const nic of vm.nics) {
        const port = instance.nics.find((p) => p.snapshot_mac_address === nic.mac_address)!;
        expect(port).toMatchObject({
          source: 'nics',
          mac_address: nic.mac_address,
          ip_address: nic.ip_address,
          network_id: network.id,
          subnet_id: subnets[nic.network.subnet.cidr],
        });
      }
      const image = vm.vdisks.find((d) => d.image_id);
      if (image) expect(instance.boot).toMatchObject({ from: 'image', image_id: image.image_id });
    }
  });
});
