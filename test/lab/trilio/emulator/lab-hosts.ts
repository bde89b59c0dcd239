import { readFile } from 'node:fs/promises';
import { runningHostPid } from '../../hosts/host-process.js';
import { defaultHostsWorld, hostsPaths } from '../../hosts/hosts-world.js';
import { activeConfigFile, serviceStateFile } from '../../hosts/index.js';
import { readApplianceConfig, type ApplianceConfig } from './appliance-config.js';
import type { EmulatorConfig } from './emulator-config.js';
import { mountPathOf } from './mount-folder.js';
import { readBackingChain, type ChainRead } from './qcow2-chain.js';
import type { TrilioProfile } from './trilio-profile.js';

/**
 * What the emulator learns from the lab's hosts, as the real appliance would from itself: the
 * configuration wlm-workloads last started with (so an edit counts only after a restart), the shares
 * mounted in the TVM's mount namespace, the datamovers' service state, and disk reads on computes
 * (through the compute's mount namespace, so only its mounts and bind mounts resolve).
 */

const paths = hostsPaths(defaultHostsWorld);

export interface MountedShare {
  export: string;
  /** The mount path inside the TVM, e.g. `/var/triliovault-mounts/MTAu…`. */
  mountPath: string;
  /** The same directory seen from this machine through the TVM's mount namespace. */
  visiblePath: string;
}

export interface LabApplianceConfig extends ApplianceConfig {
  /** The mount root the appliance uses: `vault_data_directory`, else the installer's. */
  mountRoot: string;
  domain: string;
}

export class LabHosts {
  constructor(
    private readonly config: EmulatorConfig,
    private readonly profile: TrilioProfile,
  ) {}

  tvmName(): string {
    return this.config.hosts.find((h) => h.role === 'tvm')?.name ?? 'tvm-1';
  }

  computes(): { name: string; address: string }[] {
    return this.config.hosts.filter((h) => h.role === 'compute');
  }

  pidOf(name: string): Promise<number | undefined> {
    return runningHostPid(paths, name);
  }

  /** The TVM's active configuration (what `wlm-workloads` last started with). */
  async applianceConfig(): Promise<LabApplianceConfig> {
    const text = await readFile(activeConfigFile(this.tvmName(), 'wlm-workloads'), 'utf8').catch(() => '');
    const config = readApplianceConfig(text, this.profile.configModel);
    return {
      ...config,
      mountRoot: (config.dataDirectory ?? this.profile.mountRoot).replace(/\/+$/, ''),
      // The lab's appliance protects cloud B (`domain_name = cloud_b` in its config).
      domain: config.domainName ?? 'cloud_b',
    };
  }

  /**
   * The configured shares as the TVM sees them, in configuration order. A share whose mount path
   * holds nothing (not mounted) simply shows no workloads, as on a real appliance.
   */
  async mountedShares(): Promise<MountedShare[]> {
    const pid = await this.pidOf(this.tvmName());
    if (pid === undefined) return [];
    const config = await this.applianceConfig();
    return config.exports.map((nfsExport) => {
      const mountPath = mountPathOf(nfsExport, config.mountRoot, this.profile.folderForm);
      return { export: nfsExport, mountPath, visiblePath: `/proc/${pid}/root${mountPath}` };
    });
  }

  /** Where a compute's datamover has an export mounted (its own mount root and folder form). */
  computeMountPath(nfsExport: string): string {
    return mountPathOf(nfsExport, this.profile.mountRoot, this.profile.folderForm);
  }

  /** `activeState` of a host's service (`active`, `failed`, `inactive`) from the lab's systemctl. */
  async serviceState(name: string, service: 'tvault-contego' | 'wlm-workloads'): Promise<string> {
    if ((await this.pidOf(name)) === undefined) return 'down';
    try {
      const state = JSON.parse(await readFile(serviceStateFile(name, service), 'utf8')) as {
        activeState?: string;
      };
      return state.activeState ?? 'inactive';
    } catch {
      return 'inactive';
    }
  }

  /** Opens a qcow2 file and its whole backing chain as the host sees its paths. */
  async readChain(host: string, file: string): Promise<ChainRead> {
    const pid = await this.pidOf(host);
    if (pid === undefined)
      return { ok: false, chain: [], error: `qemu-img: Could not open '${file}': host ${host} is down` };
    return readBackingChain(file, (hostPath) => `/proc/${pid}/root${hostPath}`);
  }
}
