import { readFile } from 'node:fs/promises';
import { splitExportList } from '../../../../shared/config/nfs-export-option.js';
import { findOption } from '../../../../shared/config/oslo-ini.js';
import { mountDirNameFor } from '../../../../shared/nfs/mount-path.js';
import { runningHostPid } from '../../hosts/host-process.js';
import { defaultHostsWorld, hostsPaths } from '../../hosts/hosts-world.js';
import { activeConfigFile, runOnHost, serviceStateFile, type HostCommandResult } from '../../hosts/index.js';
import { mountRoot } from '../../topology.js';
import type { EmulatorConfig } from './emulator-config.js';

/**
 * What the emulator learns from the lab's hosts, as the real appliance would from itself: the
 * configuration wlm-workloads last started with (so an edit counts only after a restart), the shares
 * mounted in the TVM's mount namespace, the datamovers' service state, and disk reads on computes.
 */

const paths = hostsPaths(defaultHostsWorld);

export interface ApplianceConfig {
  exports: string[];
  dataDirectory: string;
  /** Keystone domain of the cloud the appliance protects (`domain_name`). */
  domainName: string;
  trusteeRole: string;
}

export interface MountedShare {
  export: string;
  /** The mount path inside the TVM, e.g. `/var/triliovault-mounts/MTAu…`. */
  mountPath: string;
  /** The same directory seen from this machine through the TVM's mount namespace. */
  visiblePath: string;
}

export class LabHosts {
  constructor(private readonly config: EmulatorConfig) {}

  tvmName(): string {
    return this.config.hosts.find((h) => h.role === 'tvm')?.name ?? 'tvm-1';
  }

  computes(): { name: string; address: string }[] {
    return this.config.hosts.filter((h) => h.role === 'compute');
  }

  pidOf(name: string): Promise<number | undefined> {
    return runningHostPid(paths, name);
  }

  /** The TVM's active workloadmgr.conf (what `wlm-workloads` last started with). */
  async applianceConfig(): Promise<ApplianceConfig> {
    const text = await readFile(activeConfigFile(this.tvmName(), 'wlm-workloads'), 'utf8').catch(() => '');
    const value = (name: string, fallback: string): string =>
      findOption(text, 'DEFAULT', name)?.value.trim() || fallback;
    return {
      exports: splitExportList(value('vault_storage_nfs_export', '')),
      dataDirectory: value('vault_data_directory', mountRoot),
      domainName: value('domain_name', 'cloud_b'),
      trusteeRole: value('trustee_role', 'creator'),
    };
  }

  /**
   * The configured shares as the TVM sees them. A share whose mount path holds nothing (not mounted)
   * simply shows no workloads, as on a real appliance.
   */
  async mountedShares(): Promise<MountedShare[]> {
    const pid = await this.pidOf(this.tvmName());
    if (pid === undefined) return [];
    const config = await this.applianceConfig();
    return config.exports.map((nfsExport) => {
      const mountPath = `${config.dataDirectory.replace(/\/+$/, '')}/${mountDirNameFor(nfsExport)}`;
      return { export: nfsExport, mountPath, visiblePath: `/proc/${pid}/root${mountPath}` };
    });
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

  /** `qemu-img info --backing-chain` of a path inside a host's mount namespace. */
  async qemuImgInfo(host: string, file: string): Promise<HostCommandResult> {
    return runOnHost(host, ['qemu-img', 'info', '--backing-chain', file], { timeoutMs: 60_000 });
  }
}
