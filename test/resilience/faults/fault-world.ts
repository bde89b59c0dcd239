import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openstackCliEnv } from '../../lab/clouds/index.js';
import { runOnHost } from '../../lab/hosts/index.js';
import { readLabJson } from '../../lab/lab.js';
import type { LabJson, LabWorkload } from '../../lab/lab-json.js';
import { resetDrWorld } from '../../integration/dr/support/dr-cli.js';
import { startRemoteWorld, type RemoteWorld } from '../../integration/remote/support/remote-world.js';
import { clearFaults, resetTrilio } from '../../integration/remote/clients/support/trilio-lab.js';
import { executeSteps, openCoreRun, type CoreRun } from './core-run.js';
import { FaultProxy } from './fault-proxy.js';

/**
 * What the fault scenarios share, created on first use and torn down once at the end: the lab's
 * description, the SSH world of the remote tests, proxies in front of the real Keystone and Neutron,
 * and at most one DR run at a time (full-cloud or single-workload, through the app core). `close`
 * puts the lab back: every host reset to its first boot, Trilio reset, the admin grant gone.
 */
export interface FaultWorld {
  lab: LabJson;
  remote(): Promise<RemoteWorld>;
  /** Keystone (cloud B) and Neutron behind fault proxies; the Keystone proxy's catalog names the Neutron proxy. */
  proxies(): Promise<Proxies>;
  /** A full-cloud run after pre-flight and find (the DR world reset first). */
  fullRun(): Promise<CoreRun>;
  /** A single-workload run of `singleWorkload` after pre-flight (the DR world reset first). */
  singleRun(): Promise<CoreRun>;
  singleWorkload: LabWorkload;
  close(): Promise<void>;
}

export interface Proxies {
  keystone: FaultProxy;
  neutron: FaultProxy;
  /** Cloud B's auth URL through the Keystone proxy. */
  authUrl: string;
}

/** Where the SSH scenarios leave their marks on a host: its own /run (a tmpfs per host boot). */
export const markDir = '/run/trilio-dr-faults';

const run = promisify(execFile);

export async function openFaultWorld(): Promise<FaultWorld> {
  const lab = await readLabJson();
  const singleWorkload =
    lab.workloads.find((w) => w.name === 'fin-web') ?? lab.workloads.find((w) => !w.managed)!;
  let remote: Promise<RemoteWorld> | undefined;
  let proxies: Promise<Proxies> | undefined;
  let dr: { kind: 'full' | 'single'; run: Promise<CoreRun> } | undefined;
  let drTouched = false;

  // No clean-up or revert through the run: the world reset after it puts every host back anyway.
  const closeRun = async (previous: typeof dr) => {
    const open = await previous?.run.catch(() => undefined);
    await open?.close();
  };

  const drRun = (kind: 'full' | 'single'): Promise<CoreRun> => {
    if (dr?.kind === kind) return dr.run;
    const previous = dr;
    const pending = (async () => {
      await closeRun(previous);
      drTouched = true;
      await resetDrWorld(lab);
      await revokeAdmin(lab, singleWorkload.targetProject);
      const opened =
        kind === 'full'
          ? await openCoreRun(lab, { kind: 'full' })
          : await openCoreRun(lab, {
              kind: 'single',
              workloadId: singleWorkload.id,
              targetProject: singleWorkload.targetProject,
            });
      await executeSteps(opened, kind === 'full' ? ['preflight', 'find'] : ['preflight']);
      return opened;
    })();
    dr = { kind, run: pending };
    return pending;
  };

  return {
    lab,
    singleWorkload,
    remote: () => (remote ??= startRemoteWorld()),
    proxies: () => (proxies ??= startProxies(lab)),
    fullRun: () => drRun('full'),
    singleRun: () => drRun('single'),
    async close() {
      await closeRun(dr);
      dr = undefined;
      if (proxies) {
        const p = await proxies;
        await Promise.all([p.keystone.stop(), p.neutron.stop()]);
      }
      for (const h of lab.hosts) await runOnHost(h.name, ['rm', '-rf', markDir]).catch(() => undefined);
      await clearFaults();
      if (drTouched) {
        await resetDrWorld(lab);
        await revokeAdmin(lab, singleWorkload.targetProject);
      } else await resetTrilio();
    },
  };

  async function startProxies(labJson: LabJson): Promise<Proxies> {
    const neutron = new FaultProxy('http://127.0.0.1:9696');
    await neutron.start();
    // The catalog in Keystone's token answers names the real Neutron: point it at the proxy instead.
    const keystone = new FaultProxy(labJson.clouds.B.authUrl, () => [
      ['http://127.0.0.1:9696', neutron.origin],
    ]);
    const authUrl = await keystone.start();
    return { keystone, neutron, authUrl };
  }
}

/** Removes the admin user's admin role on a cloud B project (what the access step grants), if present. */
async function revokeAdmin(lab: LabJson, project: string): Promise<void> {
  await run(
    'openstack',
    [
      'role',
      'remove',
      '--project',
      project,
      '--project-domain',
      lab.clouds.B.domain,
      '--user',
      'admin',
      '--user-domain',
      'Default',
      'admin',
    ],
    { env: openstackCliEnv(lab.clouds.B) },
  ).catch(() => undefined);
}
