import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RestoreRow, SnapshotRow } from '../../lab/trilio/emulator/appliance-db.js';
import { cinderAllTenants, volumeInUseMessage } from '../../lab/trilio/emulator/cinder-volume-routes.js';
import { NovaCinderDb } from '../../lab/trilio/emulator/nova-cinder-db.js';
import { novaAllTenants } from '../../lab/trilio/emulator/nova-server-routes.js';
import { RestoreFailures } from '../../lab/trilio/emulator/restore-failures.js';
import { restoredResources, restoredServerMetadata } from '../../lab/trilio/emulator/restored-resources.js';

/** The emulator's Nova/Cinder records and restore failures, without the lab. */

const dir = mkdtempSync(path.join(tmpdir(), 'nova-cinder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = {
  id: 'snap-1',
  instances: [
    {
      id: 'vm-app',
      name: 'erp-app',
      metadata: {
        vm_metadata: JSON.stringify({ workload_id: 'w', workload_name: 'n', role: 'app', key_name: 'k' }),
      },
      vdisks: [
        { label: 'vda', volume_id: 'vol-a', volume_name: 'erp-app-root' },
        { label: 'vdb', volume_id: 'vol-b', volume_name: 'erp-app-data' },
      ],
    },
    { id: 'vm-head', name: 'hpc-head', metadata: {}, vdisks: [{ label: 'vda', image_id: 'img-1' }] },
  ],
} as unknown as SnapshotRow;

const restore = {
  id: 'restore-1',
  project_id: 'proj-dr',
  user_id: 'user-dr',
  networks: [{ id: 'net-new', name: 'recreated-net' }],
  instances: [
    {
      id: 'srv-app',
      name: 'erp-app-restored',
      source_instance_id: 'vm-app',
      host: 'compute-2',
      availability_zone: 'nova',
      flavor: { id: '3' },
      nics: [
        { ip_address: '10.2.1.100', mac_address: 'fa:16:3e:00:00:01', network_id: 'net-dr' },
        { ip_address: '10.9.0.5', mac_address: 'fa:16:3e:00:00:02', network_id: 'net-new' },
      ],
      volumes: [
        { id: 'rv-a', label: 'vda', volume_type: 'standard', availability_zone: 'nova', size: 10 },
        { id: 'rv-b', label: 'vdb', volume_type: 'fast-ssd', availability_zone: 'nova', size: 20 },
      ],
      boot: { from: 'volume', volume_id: 'rv-a' },
    },
    {
      id: 'srv-head',
      name: 'hpc-head',
      source_instance_id: 'vm-head',
      host: 'compute-1',
      availability_zone: 'nova',
      flavor: { id: '4' },
      nics: [],
      volumes: [],
      boot: { from: 'image', image_id: 'img-1', image_name: 'ubuntu' },
    },
  ],
} as unknown as RestoreRow;

describe('what an available restore leaves in Nova and Cinder', () => {
  it('one ACTIVE server per instance and one in-use volume per restored volume, attached to it', async () => {
    const asked: string[] = [];
    const made = await restoredResources(restore, snapshot, async (id) => {
      asked.push(id);
      return `name-of-${id}`;
    });
    expect(asked).toEqual(['net-dr']); // the recreated network is named by the restore
    expect(made.servers).toMatchObject([
      {
        id: 'srv-app',
        name: 'erp-app-restored',
        project_id: 'proj-dr',
        status: 'ACTIVE',
        host: 'compute-2',
        image_id: null,
        flavor_id: '3',
        metadata: { role: 'app' },
        volume_ids: ['rv-a', 'rv-b'],
        addresses: {
          'name-of-net-dr': [{ addr: '10.2.1.100', mac: 'fa:16:3e:00:00:01', version: 4 }],
          'recreated-net': [{ addr: '10.9.0.5', mac: 'fa:16:3e:00:00:02', version: 4 }],
        },
      },
      { id: 'srv-head', image_id: 'img-1', host: 'compute-1', metadata: {}, volume_ids: [] },
    ]);
    expect(made.volumes).toMatchObject([
      {
        id: 'rv-a',
        name: 'erp-app-root',
        status: 'in-use',
        bootable: true,
        project_id: 'proj-dr',
        attachments: [{ server_id: 'srv-app', device: '/dev/vda', host_name: 'compute-2' }],
      },
      { id: 'rv-b', name: 'erp-app-data', bootable: false, volume_type: 'fast-ssd', size: 20 },
    ]);
  });

  it('copies vm_metadata without the keys Trilio skips', () => {
    expect(restoredServerMetadata(JSON.stringify({ workload_id: 'w', key_data: 'x', a: 'b', n: 3 }))).toEqual(
      {
        a: 'b',
        n: '3',
      },
    );
    expect(restoredServerMetadata('not json')).toEqual({});
    expect(restoredServerMetadata(undefined)).toEqual({});
  });
});

describe('Nova/Cinder state: asynchronous deletes and persistence', () => {
  it('a deleted server goes after one step and leaves its volumes available; a deleted volume goes too', async () => {
    const file = path.join(dir, 'a.json');
    const db = new NovaCinderDb(file, 20);
    await db.load();
    const made = await restoredResources(restore, snapshot, async (id) => id);
    await db.add(made.servers, made.volumes);
    await db.deleteServer('srv-app');
    expect(db.state.servers['srv-app']?.task_state).toBe('deleting');
    expect(db.state.volumes['rv-a']?.status).toBe('in-use');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(db.state.servers['srv-app']).toBeUndefined();
    expect(db.state.volumes['rv-a']).toMatchObject({ status: 'available', attachments: [] });
    expect(db.state.servers['srv-head']).toBeDefined();

    await db.deleteVolume('rv-a');
    expect(db.state.volumes['rv-a']?.status).toBe('deleting');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(db.state.volumes['rv-a']).toBeUndefined();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { servers: object; volumes: object };
    expect(Object.keys(saved.servers)).toEqual(['srv-head']);
    expect(Object.keys(saved.volumes)).toEqual(['rv-b']);
  });

  it('a restart completes deletes that were under way and keeps everything else', async () => {
    const file = path.join(dir, 'b.json');
    const first = new NovaCinderDb(file, 60_000);
    await first.load();
    const made = await restoredResources(restore, snapshot, async (id) => id);
    await first.add(made.servers, made.volumes);
    await first.deleteServer('srv-app');
    await first.clear().then(() => first.add(made.servers, made.volumes)); // timers dropped
    await first.deleteServer('srv-app');
    const second = new NovaCinderDb(file, 60_000);
    await second.load();
    expect(Object.keys(second.state.servers)).toEqual(['srv-head']);
    expect(second.state.volumes['rv-b']).toMatchObject({ status: 'available' });
    await first.clear();
    const third = new NovaCinderDb(file, 60_000);
    await third.load();
    expect(third.state).toEqual({ version: 1, servers: {}, volumes: {} });
  });
});

describe('query flags as Nova and Cinder read them', () => {
  const q = (s: string) => new URLSearchParams(s);
  it('Nova: present without value is true; strict oslo booleans; anything else is 400', () => {
    expect(novaAllTenants(q(''))).toBe(false);
    expect(novaAllTenants(q('all_tenants'))).toBe(true);
    expect(novaAllTenants(q('all_tenants=1'))).toBe(true);
    expect(novaAllTenants(q('all_tenants=False'))).toBe(false);
    expect(() => novaAllTenants(q('all_tenants=maybe'))).toThrow(
      "Invalid input received: Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'",
    );
  });
  it('Cinder: a boolean string or 400', () => {
    expect(cinderAllTenants(q('all_tenants=true'))).toBe(true);
    expect(cinderAllTenants(q('all_tenants=0'))).toBe(false);
    expect(cinderAllTenants(q('x=1'))).toBe(false);
    expect(() => cinderAllTenants(q('all_tenants='))).toThrow("Value '' for 'all_tenants' is not a boolean.");
  });
  it('Cinder’s refusal to delete an attached volume, word for word', () => {
    expect(volumeInUseMessage).toBe(
      'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.',
    );
  });
});

describe('restores made to fail', () => {
  it('fails the next `count` restores of that workload only, then none', () => {
    const failures = new RestoreFailures();
    expect(failures.add({ workloadId: 'w1', reason: 'datamover died', count: 2 })).toEqual({
      workloadId: 'w1',
      reason: 'datamover died',
      remaining: 2,
    });
    expect(failures.take('w2')).toBeUndefined();
    expect(failures.take('w1')).toBe('datamover died');
    expect(failures.list()).toEqual([{ workloadId: 'w1', reason: 'datamover died', remaining: 1 }]);
    expect(failures.take('w1')).toBe('datamover died');
    expect(failures.take('w1')).toBeUndefined();
    failures.add({ workloadId: 'w3', reason: 'x' });
    expect(failures.clear()).toBe(1);
    expect(failures.take('w3')).toBeUndefined();
  });
  it('refuses a malformed request', () => {
    const failures = new RestoreFailures();
    expect(() => failures.add({ reason: 'x' })).toThrow('workloadId');
    expect(() => failures.add({ workloadId: 'w', reason: ' ' })).toThrow('reason');
    expect(() => failures.add({ workloadId: 'w', reason: 'x', count: 0 })).toThrow('count');
  });
});
