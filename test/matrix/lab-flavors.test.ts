import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openstackCliEnv } from '../lab/clouds/index.js';
import type { LabFlavorInput } from '../lab/flavor/flavor.js';
import { runOnHost } from '../lab/hosts/index.js';
import type { LabJson } from '../lab/lab-json.js';
import {
  backToDefault,
  backingFileOf,
  backupsMountPath,
  computeNodes,
  labProfileFile,
  labWith,
  liveMountPath,
  trilioNodes,
} from './support/flavor-lab.js';

/**
 * The shared lab brought up in each Trilio flavor (`up --trilio-release R --installer I`), checked on
 * its hosts against the installer table of reference/trilio-api.md and trilioData/triliovault-cfg-scripts
 * (maint/5.2), written out here by hand so a wrong lab table fails: mount root and folder names,
 * config files with B1, the restart command and the engine's own failure for a wrong container,
 * nova's ids, the catalog port, lab.json and the lab profile. Ends in the default flavor.
 */

const run = promisify(execFile);

interface Expected {
  release: string;
  installer: string;
  mountRoot: string;
  /** B1's folder name under the mount root. */
  b1Folder: string;
  configModel: 'export-list' | 'backends';
  appliance: string[];
  datamover: string;
  restartAppliance: string[];
  restartDatamover: string[];
  /** stderr and exit code of the datamover restart with a wrong name. */
  wrongName: { code: number; stderr: string } | null;
  nova: { uid: number; gid: number; name: string | null };
  port: number;
  backups: { release: string; mountRoot: string; a1Folder: string };
}

const wholeB1 = 'MTAuMjAuMy4yMjovdXBzdHJlYW1fdGFyZ2V0'; // base64 of 10.20.3.22:/upstream_target
const pathB1 = 'L3Vwc3RyZWFtX3RhcmdldA=='; // base64 of /upstream_target
const wholeA1 = 'MTAuMTAuMi4yMDovdXBzdHJlYW1fc291cmNl';
const pathA1 = 'L3Vwc3RyZWFtX3NvdXJjZQ==';
const wrong = 'triliovault_datamovr';
const systemdWrong = {
  code: 5,
  stderr: `Failed to restart ${wrong}.service: Unit ${wrong}.service not found.\n`,
};
const wlm = ['api', 'scheduler', 'workloads', 'cron'];

const cases: { name: string; flavor: LabFlavorInput; expected: Expected }[] = [
  {
    name: 'packages 4.1 (default)',
    flavor: {},
    expected: {
      release: '4.1',
      installer: 'packages',
      mountRoot: '/var/triliovault-mounts',
      b1Folder: wholeB1,
      configModel: 'export-list',
      appliance: ['/etc/workloadmgr/workloadmgr.conf'],
      datamover: '/etc/tvault-contego/tvault-contego.conf',
      restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
      restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
      wrongName: systemdWrong,
      nova: { uid: 162, gid: 162, name: 'nova' },
      port: 8780,
      backups: { release: '4.1', mountRoot: '/var/triliovault-mounts', a1Folder: wholeA1 },
    },
  },
  {
    name: 'Kolla-Ansible 5.2 (docker)',
    flavor: { release: '5.2', installer: 'kolla' },
    expected: {
      release: '5.2',
      installer: 'kolla',
      mountRoot: '/var/trilio/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'export-list',
      appliance: wlm.map((s) => `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`),
      datamover: '/etc/kolla/triliovault-datamover/triliovault-datamover.conf',
      restartAppliance: ['docker', 'restart', 'triliovault_wlm_workloads'],
      restartDatamover: ['docker', 'restart', 'triliovault_datamover'],
      wrongName: { code: 1, stderr: `Error response from daemon: No such container: ${wrong}\n` },
      nova: { uid: 42436, gid: 42436, name: null },
      port: 8781,
      backups: { release: '5.2', mountRoot: '/var/trilio/triliovault-mounts', a1Folder: pathA1 },
    },
  },
  {
    name: 'Kolla-Ansible 5.2 (podman)',
    flavor: { release: '5.2', installer: 'kolla', containerEngine: 'podman' },
    expected: {
      release: '5.2',
      installer: 'kolla',
      mountRoot: '/var/trilio/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'export-list',
      appliance: wlm.map((s) => `/etc/kolla/triliovault-wlm-${s}/triliovault-wlm-${s}.conf`),
      datamover: '/etc/kolla/triliovault-datamover/triliovault-datamover.conf',
      restartAppliance: ['podman', 'restart', 'triliovault_wlm_workloads'],
      restartDatamover: ['podman', 'restart', 'triliovault_datamover'],
      wrongName: {
        code: 125,
        stderr: `Error: no container with name or ID "${wrong}" found: no such container\n`,
      },
      nova: { uid: 42436, gid: 42436, name: null },
      port: 8781,
      backups: { release: '5.2', mountRoot: '/var/trilio/triliovault-mounts', a1Folder: pathA1 },
    },
  },
  {
    name: 'Red Hat director 5.2',
    flavor: { release: '5.2', installer: 'rhosp' },
    expected: {
      release: '5.2',
      installer: 'rhosp',
      mountRoot: '/var/lib/nova/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'export-list',
      appliance: wlm.map(
        (s) =>
          `/var/lib/config-data/puppet-generated/triliovaultwlm${s}/etc/triliovault-wlm/triliovault-wlm.conf`,
      ),
      datamover:
        '/var/lib/config-data/puppet-generated/triliovaultdm/etc/triliovault-datamover/triliovault-datamover.conf',
      restartAppliance: ['systemctl', 'restart', 'tripleo_triliovault_wlm_workloads'],
      restartDatamover: ['systemctl', 'restart', 'tripleo_triliovault_datamover'],
      wrongName: systemdWrong,
      nova: { uid: 42436, gid: 42436, name: null },
      port: 8781,
      backups: { release: '5.2', mountRoot: '/var/lib/nova/triliovault-mounts', a1Folder: pathA1 },
    },
  },
  {
    name: 'OpenStack-Ansible 5.2',
    flavor: { release: '5.2', installer: 'openstack-ansible' },
    expected: {
      release: '5.2',
      installer: 'openstack-ansible',
      mountRoot: '/var/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'export-list',
      appliance: ['/etc/triliovault-wlm/triliovault-wlm.conf'],
      datamover: '/etc/triliovault-datamover/triliovault-datamover.conf',
      restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
      restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
      wrongName: systemdWrong,
      nova: { uid: 42436, gid: 42436, name: 'nova' },
      port: 8781,
      backups: { release: '5.2', mountRoot: '/var/triliovault-mounts', a1Folder: pathA1 },
    },
  },
  {
    name: 'Juju 5.2',
    flavor: { release: '5.2', installer: 'juju' },
    expected: {
      release: '5.2',
      installer: 'juju',
      mountRoot: '/var/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'export-list',
      appliance: ['/etc/workloadmgr/workloadmgr.conf'],
      datamover: '/etc/tvault-contego/tvault-contego.conf',
      restartAppliance: [],
      restartDatamover: [],
      wrongName: null,
      nova: { uid: 162, gid: 162, name: 'nova' },
      port: 8780,
      backups: { release: '5.2', mountRoot: '/var/triliovault-mounts', a1Folder: pathA1 },
    },
  },
  {
    name: 'packages 6.1 (enabled_backends)',
    flavor: { release: '6.1', installer: 'packages' },
    expected: {
      release: '6.1',
      installer: 'packages',
      mountRoot: '/var/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'backends',
      appliance: ['/etc/workloadmgr/workloadmgr.conf'],
      datamover: '/etc/tvault-contego/tvault-contego.conf',
      restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
      restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
      wrongName: systemdWrong,
      nova: { uid: 162, gid: 162, name: 'nova' },
      port: 8780,
      backups: { release: '6.1', mountRoot: '/var/triliovault-mounts', a1Folder: pathA1 },
    },
  },
  {
    name: 'packages 5.2 with backups written by 4.1 (upgrade)',
    flavor: { release: '5.2', installer: 'packages', backupsRelease: '4.1' },
    expected: {
      release: '5.2',
      installer: 'packages',
      mountRoot: '/var/triliovault-mounts',
      b1Folder: pathB1,
      configModel: 'export-list',
      appliance: ['/etc/workloadmgr/workloadmgr.conf'],
      datamover: '/etc/tvault-contego/tvault-contego.conf',
      restartAppliance: ['systemctl', 'restart', 'wlm-workloads'],
      restartDatamover: ['systemctl', 'restart', 'tvault-contego'],
      wrongName: systemdWrong,
      nova: { uid: 162, gid: 162, name: 'nova' },
      port: 8780,
      backups: { release: '4.1', mountRoot: '/var/triliovault-mounts', a1Folder: wholeA1 },
    },
  },
];

async function on(node: string, argv: string[]) {
  return runOnHost(node, argv);
}

/** The datamover's and appliance's state as the lab's services record it. */
async function startedBy(node: string, lab: LabJson, service: string): Promise<string> {
  const root = lab.hosts.find((h) => h.name === node)!.rootDir;
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path.join(root, 'var/lib/tdrlab', `${service}.state`), 'utf8');
  return (JSON.parse(text) as { startedBy?: string }).startedBy ?? '';
}

afterAll(async () => {
  await backToDefault();
}, 300_000);

describe('the lab per Trilio release and installer', () => {
  for (const { name, flavor, expected: x } of cases)
    it(name, async () => {
      // The lab as `up` builds it: not what earlier tests left on the default flavor.
      const lab = await labWith(flavor, { reset: true });

      // lab.json names the flavor in use; the lab's own folder code agrees with the literal names.
      expect(lab.trilio).toMatchObject({
        release: x.release,
        installer: x.installer,
        mountRoot: x.mountRoot,
        folderForm: x.b1Folder === wholeB1 ? 'export' : 'path',
        configModel: x.configModel,
        applianceConfigs: x.appliance,
        datamoverConfig: x.datamover,
        restartAppliance: x.restartAppliance,
        restartDatamover: x.restartDatamover,
        nova: x.nova,
        backups: {
          release: x.backups.release,
          mountRoot: x.backups.mountRoot,
          folderForm: x.backups.a1Folder === wholeA1 ? 'export' : 'path',
        },
      });
      const b1 = liveMountPath(lab, lab.nfs.B1);
      expect(b1).toBe(`${x.mountRoot}/${x.b1Folder}`);
      expect(backupsMountPath(lab)).toBe(`${x.backups.mountRoot}/${x.backups.a1Folder}`);

      for (const node of trilioNodes(lab)) {
        const tvm = node === 'tvm-1';
        expect((await on(node, ['findmnt', '-n', '-o', 'TARGET', b1])).stdout.trim(), `${node}: B1`).toBe(b1);
        const folders = (await on(node, ['ls', x.mountRoot])).stdout.split('\n').filter(Boolean);
        expect(folders, `${node}: folders under ${x.mountRoot}`).toEqual([x.b1Folder]);
        const owner = await on(node, ['stat', '-c', '%u:%g', x.mountRoot]);
        if (x.nova.name === null) expect(owner.stdout.trim()).toBe(`${x.nova.uid}:${x.nova.gid}`);
        const nova = await on(node, ['getent', 'passwd', 'nova']);
        if (x.nova.name === null) expect(nova.code, `${node}: nova has no name`).toBe(2);
        else expect(nova.stdout.split(':').slice(2, 4), node).toEqual([`${x.nova.uid}`, `${x.nova.gid}`]);
        for (const file of tvm ? x.appliance : [x.datamover]) {
          const text = await on(node, ['cat', file]);
          expect(text.code, `${node}: ${file}`).toBe(0);
          if (x.configModel === 'backends') {
            expect(text.stdout).toMatch(/^enabled_backends = \S+$/m);
            expect(text.stdout).toMatch(new RegExp(`^vault_storage_filesystem_export = ${lab.nfs.B1}$`, 'm'));
          } else expect(text.stdout).toMatch(new RegExp(`^vault_storage_nfs_export = ${lab.nfs.B1}$`, 'm'));
        }
        const restart = tvm ? x.restartAppliance : x.restartDatamover;
        if (restart.length > 0) {
          expect(await on(node, restart), `${node}: ${restart.join(' ')}`).toMatchObject({ code: 0 });
          expect(await startedBy(node, lab, tvm ? 'wlm-workloads' : 'tvault-contego')).toBe(
            restart.join(' '),
          );
        }
      }
      if (x.wrongName)
        expect(await on('compute-1', [...x.restartDatamover.slice(0, -1), wrong])).toMatchObject(x.wrongName);
      // The machine's own docker client never shows through on a host without containers.
      if (x.restartDatamover[0] !== 'docker')
        expect((await on('compute-1', ['sh', '-c', 'command -v docker'])).code).not.toBe(0);

      // Files on the shares belong to the nova of the Trilio that wrote them.
      const b1Entries = (await readdir(lab.sharesDir.B1)).filter((e) => e.startsWith('workload_'));
      for (const e of b1Entries) {
        const s = await stat(path.join(lab.sharesDir.B1, e));
        expect(`${s.uid}:${s.gid}`, `B1/${e}`).toBe(`${x.nova.uid}:${x.nova.gid}`);
      }
      // Incrementals on A1 are backed by A1's path as the backups' Trilio mounted it.
      const notebook = lab.workloads.find((w) => w.name === 'res-notebook')!;
      const last = notebook.snapshots.at(-1)!;
      const snapshotDir = path.join(lab.sharesDir.A1, `workload_${notebook.id}`, `snapshot_${last}`);
      const { stdout } = await run('find', [snapshotDir, '-type', 'f', '-not', '-name', '*_db']);
      const disk = stdout.split('\n').find((l) => l !== '')!;
      expect(await backingFileOf(disk)).toMatch(
        new RegExp(`^${backupsMountPath(lab)}/workload_${notebook.id}/`),
      );

      // The catalog names the workloadmgr API on the installer's port, and it answers there.
      const { stdout: endpoints } = await run(
        '/usr/bin/openstack',
        ['endpoint', 'list', '--service', 'workloads', '--region', lab.clouds.B.region, '-f', 'json'],
        { env: openstackCliEnv(lab.clouds.B), timeout: 60_000 },
      );
      const urls = (JSON.parse(endpoints) as { URL: string }[]).map((e) => e.URL);
      expect(urls.length).toBe(3);
      for (const url of urls) expect(url).toBe(`http://127.0.0.1:${x.port}/v1/$(project_id)s`);
      expect((await fetch(`http://127.0.0.1:${x.port}/`)).ok).toBe(true);

      // The profile names each cloud's release and installer and leaves the rest to the product.
      const profile = (await labProfileFile(lab)).profile as {
        trilio: { source: Record<string, string>; target: Record<string, string> };
        nfs: Record<string, string>;
      };
      expect(profile.trilio.source).toEqual({ release: x.backups.release, installer: x.installer });
      expect(profile.trilio.target).toMatchObject({ release: x.release, installer: x.installer });
      expect(profile.nfs).not.toHaveProperty('mountRoot');
      expect(computeNodes(lab).length).toBeGreaterThan(0);
    });
});
