import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flavorFacts, type FlavorFacts } from '../flavor/flavor-facts.js';
import { resolveFlavor, type LabFlavorInput } from '../flavor/flavor.js';
import { mountPathOf } from '../flavor/mount-folder.js';
import { nfsExports } from '../topology.js';
import { createLabHosts, type LabHosts } from './index.js';

/**
 * The hosts of every Trilio flavor, built one after the other in one world of their own (127.0.81.11,
 * 127.0.82.N, no jump host), so a running lab is not touched: mount root and folder names, config
 * files with B1 configured in the release's model, the installer's restart command and the engine's
 * own failure for an unknown container, nova's ids. Switching flavor on running hosts is part of it:
 * each `upHosts` rebuilds the hosts of the previous flavor. Expected paths come from the lab's own
 * flavor table and folder code, never from the product.
 */

const dir = path.join(os.tmpdir(), 'tdrlab-flavors-test');
const shares = { B1: path.join(dir, 'shares/B1'), B2: path.join(dir, 'shares/B2') };
const registry = path.join(dir, 'nfs-exports.json');
const lab: LabHosts = createLabHosts({
  labDir: path.join(dir, 'lab'),
  tvmAddress: '127.0.81.11',
  computeAddress: (i: number) => `127.0.82.${i}`,
  jump: {
    jumpAddress: '10.215.0.2',
    hiddenAddress: '10.215.1.2',
    jumpNetns: 'tdrlf-jump',
    hiddenNetns: 'tdrlf-hidden',
    machineAddress: '10.215.0.1',
    innerAddress: '10.215.1.1',
    vethPrefix: 'tdrlf',
  },
});
const { B1, B2 } = nfsExports;
const nodes = ['tvm-1', 'compute-1'] as const;

async function on(host: string, argv: string[]) {
  return lab.runOnHost(host, argv);
}

async function upFlavor(input: LabFlavorInput): Promise<FlavorFacts> {
  const flavor = resolveFlavor(input);
  await lab.upHosts({ computeCount: 2, jump: false, exportsRegistry: registry, flavor });
  return flavorFacts(flavor);
}

function state(host: string, service: string): { activeState: string; startedBy?: string; mounts?: object } {
  return JSON.parse(readFileSync(lab.serviceStateFile(host, service as 'tvault-contego'), 'utf8')) as {
    activeState: string;
  };
}

/** What every flavor must show on its TVM and compute node. */
async function checkHosts(f: FlavorFacts): Promise<void> {
  const b1 = mountPathOf(B1, f.mountRoot, f.folderForm);
  for (const node of nodes) {
    const mounted = await on(node, ['findmnt', '-n', '-o', 'TARGET', b1]);
    expect(mounted.stdout.trim(), `${node}: B1 at ${b1}`).toBe(b1);
    const owner = await on(node, ['stat', '-c', '%u:%g %a', f.mountRoot]);
    expect(owner.stdout.trim(), `${node}: ${f.mountRoot} owner`).toBe(
      `${f.layout.mountRootOwner.uid}:${f.layout.mountRootOwner.gid} ${f.layout.mountRootOwner.mode.toString(8)}`,
    );
    // nova: a name on package installs and OpenStack-Ansible, only an id on Kolla and director.
    const nova = await on(node, ['getent', 'passwd', 'nova']);
    if (f.nova.name === null) expect(nova.code, `${node}: no nova on the host`).toBe(2);
    else expect(nova.stdout.split(':').slice(2, 4).join(':')).toBe(`${f.nova.uid}:${f.nova.gid}`);
    // The container command exists exactly where the installer runs containers.
    for (const tool of ['docker', 'podman']) {
      const found = await on(node, ['sh', '-c', `command -v ${tool}`]);
      expect(found.code === 0, `${node}: ${tool} present`).toBe(f.containerEngine === tool);
    }
  }
  const files = [...f.applianceConfigs.map((c) => ['tvm-1', c]), ['compute-1', f.datamoverConfig]];
  for (const [node, file] of files) {
    const text = (await on(node!, ['cat', file!])).stdout;
    if (f.configModel === 'backends') {
      expect(text, `${node}:${file}`).toMatch(/^enabled_backends = (\S+)$/m);
      const name = /^enabled_backends = (\S+)$/m.exec(text)![1]!;
      const section = text.slice(text.indexOf(`[${name}]`));
      expect(section).toMatch(new RegExp(`^vault_storage_filesystem_export = ${B1}$`, 'm'));
      expect(section).toMatch(/^is_default = 1$/m);
      expect(text).not.toMatch(/^vault_storage_nfs_export/m);
    } else expect(text, `${node}:${file}`).toMatch(new RegExp(`^vault_storage_nfs_export = ${B1}$`, 'm'));
    expect(text).toMatch(new RegExp(`^vault_data_directory = ${f.mountRoot}$`, 'm'));
    if (f.charmManaged) expect(text).toContain('configuration file maintained by Juju');
  }
}

/** The operator's restart of the datamover works and is recorded like any start; a wrong name fails. */
async function checkRestart(f: FlavorFacts): Promise<void> {
  for (const [node, argv, service] of [
    ['compute-1', f.restartDatamover, 'tvault-contego'],
    ['tvm-1', f.restartAppliance, 'wlm-workloads'],
  ] as const) {
    const done = await on(node, argv);
    expect(done, argv.join(' ')).toMatchObject({ code: 0 });
    expect(state(node, service)).toMatchObject({ activeState: 'active', startedBy: argv.join(' ') });
    expect(readFileSync(lab.activeConfigFile(node, service), 'utf8')).toBe(
      (await on(node, ['cat', service === 'tvault-contego' ? f.datamoverConfig : f.applianceConfig])).stdout,
    );
  }
  const wrong = [...f.restartDatamover.slice(0, -1), 'triliovault_datamovr'];
  const failed = await on('compute-1', wrong);
  if (f.restartDatamover[0] === 'docker')
    expect(failed).toMatchObject({
      code: 1,
      stderr: 'Error response from daemon: No such container: triliovault_datamovr\n',
    });
  else if (f.restartDatamover[0] === 'podman')
    expect(failed).toMatchObject({
      code: 125,
      stderr: 'Error: no container with name or ID "triliovault_datamovr" found: no such container\n',
    });
  else
    expect(failed).toMatchObject({
      code: 5,
      stderr:
        'Failed to restart triliovault_datamovr.service: Unit triliovault_datamovr.service not found.\n',
    });
}

/** Adding B2 to the datamover's config and restarting mounts it in the release's form, for both models. */
async function checkAddTarget(f: FlavorFacts): Promise<void> {
  const b2 = mountPathOf(B2, f.mountRoot, f.folderForm);
  const edit =
    f.configModel === 'backends'
      ? `sed -i 's/^enabled_backends = \\(.*\\)$/enabled_backends = \\1,b2/' "$1" && printf '\\n[b2]\\nvault_storage_type = nfs\\nvault_storage_filesystem_export = %s\\nis_default = 0\\n' "$2" >> "$1"`
      : `sed -i "s|^vault_storage_nfs_export = .*|&, $2|" "$1"`;
  expect((await on('compute-1', ['sh', '-c', edit, 'sh', f.datamoverConfig, B2])).code).toBe(0);
  if (f.restartDatamover.length > 0) expect((await on('compute-1', f.restartDatamover)).code).toBe(0);
  else expect((await on('compute-1', ['systemctl', 'restart', 'tvault-contego'])).code).toBe(0);
  expect((await on('compute-1', ['findmnt', '-n', b2])).code, `B2 at ${b2}`).toBe(0);
  expect(state('compute-1', 'tvault-contego').mounts).toEqual({
    [B1]: mountPathOf(B1, f.mountRoot, f.folderForm),
    [B2]: b2,
  });
}

beforeAll(async () => {
  await lab.downHosts();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(shares.B1, { recursive: true });
  mkdirSync(shares.B2, { recursive: true });
  writeFileSync(registry, JSON.stringify({ [B1]: shares.B1, [B2]: shares.B2 }, null, 2));
});

afterAll(async () => {
  await lab.downHosts();
  rmSync(dir, { recursive: true, force: true });
});

describe('lab hosts per Trilio release and installer', () => {
  it('packages 4.1 (the default): whole-export folders under /var/triliovault-mounts, systemd units, nova 162', async () => {
    const f = await upFlavor({});
    expect(f).toMatchObject({ mountRoot: '/var/triliovault-mounts', folderForm: 'export' });
    await checkHosts(f);
    await checkRestart(f);
    await checkAddTarget(f);
  });

  it('Kolla 5.2 (docker): path-only folders under /var/trilio/triliovault-mounts, per-service files, containers, 42436 without a name', async () => {
    const f = await upFlavor({ release: '5.2', installer: 'kolla' });
    expect(f).toMatchObject({ mountRoot: '/var/trilio/triliovault-mounts', folderForm: 'path' });
    expect(f.applianceConfigs).toHaveLength(4);
    await checkHosts(f);
    await checkRestart(f);
    // No Trilio systemd unit on a Kolla host: systemctl does not know the datamover.
    expect((await on('compute-1', ['systemctl', 'status', 'tvault-contego'])).code).toBe(4);
    // A container whose service dies at start still restarts; it then shows as restarting.
    await lab.failServiceRestarts('compute-1', 'tvault-contego', true);
    expect((await on('compute-1', ['docker', 'restart', 'triliovault_datamover'])).code).toBe(0);
    const ps = await on('compute-1', ['docker', 'ps', '--format', '{{.Names}} {{.Status}}']);
    expect(ps.stdout).toMatch(/^triliovault_datamover Restarting \(1\)/m);
    expect(state('compute-1', 'tvault-contego').activeState).toBe('failed');
    await lab.failServiceRestarts('compute-1', 'tvault-contego', false);
    await checkAddTarget(f);
  });

  it('Kolla 5.2 with podman: the podman command, podman’s own words for an unknown container', async () => {
    const f = await upFlavor({ release: '5.2', installer: 'kolla', containerEngine: 'podman' });
    expect(f.restartDatamover).toEqual(['podman', 'restart', 'triliovault_datamover']);
    await checkHosts(f);
    await checkRestart(f);
  });

  it('director 5.2: /var/lib/nova/triliovault-mounts, puppet-generated files, tripleo_* units and podman', async () => {
    const f = await upFlavor({ release: '5.2', installer: 'rhosp' });
    expect(f.datamoverConfig).toBe(
      '/var/lib/config-data/puppet-generated/triliovaultdm/etc/triliovault-datamover/triliovault-datamover.conf',
    );
    await checkHosts(f);
    await checkRestart(f);
    // The container is there too, under podman.
    const restarted = await on('compute-1', ['podman', 'restart', 'triliovault_datamover']);
    expect(restarted).toMatchObject({ code: 0, stdout: 'triliovault_datamover\n' });
    expect((await on('compute-1', ['systemctl', 'status', 'tvault-contego'])).code).toBe(4);
    await checkAddTarget(f);
  });

  it('OpenStack-Ansible 5.2: /etc/triliovault-*/ files, systemd units, nova named with 42436', async () => {
    const f = await upFlavor({ release: '5.2', installer: 'openstack-ansible' });
    expect(f.nova).toEqual({ uid: 42436, gid: 42436, name: 'nova' });
    await checkHosts(f);
    await checkRestart(f);
    await checkAddTarget(f);
  });

  it('Juju 5.2: the package files, charm-managed, no restart command of its own; 6.x sections ignored', async () => {
    const f = await upFlavor({ release: '5.2', installer: 'juju' });
    expect(f.restartDatamover).toEqual([]);
    await checkHosts(f);
    // A 5.x datamover reads vault_storage_nfs_export only: a 6.x backend section means nothing to it.
    const section = `printf '\\n[b2]\\nvault_storage_type = nfs\\nvault_storage_filesystem_export = %s\\n' "$2" >> "$1" && sed -i 's/^vault_data_directory = /enabled_backends = b2\\n&/' "$1" && systemctl restart tvault-contego`;
    const ignored = await on('compute-1', ['sh', '-c', section, 'sh', f.datamoverConfig, B2]);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect((await on('compute-1', ['findmnt', '-n', mountPathOf(B2, f.mountRoot, f.folderForm)])).code).toBe(
      1,
    );
    await checkAddTarget(f);
  });

  it('packages 6.1: enabled_backends sections, path-only folders; a backend without its section fails the start', async () => {
    const f = await upFlavor({ release: '6.1', installer: 'packages' });
    expect(f).toMatchObject({ configModel: 'backends', folderForm: 'path' });
    await checkHosts(f);
    await checkRestart(f);
    await checkAddTarget(f);
    // A backend named in enabled_backends without its section stops the service with a reason.
    const broken = await on('compute-1', [
      'sh',
      '-c',
      `sed -i 's/^enabled_backends = .*/enabled_backends = nfs_b1,missing/' "$1" && systemctl restart tvault-contego`,
      'sh',
      f.datamoverConfig,
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      'backup target missing named in enabled_backends has no [missing] section',
    );
  });

  it('back to the default flavor: the hosts are rebuilt as packages 4.1', async () => {
    const f = await upFlavor({});
    await checkHosts(f);
    expect((await on('tvm-1', ['test', '-e', '/etc/kolla'])).code).toBe(1);
  });
});
