import path from 'node:path';
import { hostAddresses, jumpNet, labDir } from '../topology.js';

/**
 * Where a set of lab hosts lives: its state directory and its addresses. The lab uses
 * `defaultHostsWorld` (from topology.ts); the hosts' own tests use a second world on other addresses
 * and network namespace names, so they never disturb a lab that is running at the same time.
 */
export interface HostsWorld {
  /** The lab directory; host state goes under `<labDir>/hosts`. */
  labDir: string;
  tvmAddress: string;
  computeAddress: (index1: number) => string;
  jump: JumpNetPlan;
}

/**
 * machine ⇄ (machineAddress/30 — jumpAddress/30) jump netns ⇄ (innerAddress/30 — hiddenAddress/30)
 * hidden netns. Veth names are `<vethPrefix>-j0` (machine), `-j1` (jump), `-h0` (jump), `-h1` (hidden).
 */
export interface JumpNetPlan {
  jumpAddress: string;
  hiddenAddress: string;
  jumpNetns: string;
  hiddenNetns: string;
  machineAddress: string;
  innerAddress: string;
  /** At most 12 characters (interface names are limited to 15). */
  vethPrefix: string;
}

export const defaultHostsWorld: HostsWorld = {
  labDir,
  tvmAddress: hostAddresses.tvm,
  computeAddress: hostAddresses.compute,
  jump: { ...jumpNet, machineAddress: '10.213.0.1', innerAddress: '10.213.1.1', vethPrefix: 'tdrlab' },
};

/** The files of a world, all under `<labDir>/hosts`. */
export interface HostsPaths {
  hostsDir: string;
  /** The lab's client key pairs. */
  keysDir: string;
  /** Overlaid onto each host's /usr/sbin: mount.nfs, systemctl, journalctl (docker, podman). */
  helpersDir: string;
  /** The Python module the service helpers import (not on any PATH). */
  helperLibDir: string;
  /** Overlay whiteouts that hide this machine's /usr/local/bin/docker (and podman) inside the hosts. */
  localBinMaskDir: string;
  lockFile: string;
  /** Per host: sshd_config, boot script, host key, logs, and `root/` + `work/`. */
  hostDir: (name: string) => string;
  /** The host's own files: upper layers of its /etc and /var, its /root and /home. */
  rootDir: (name: string) => string;
  /** Overlay work directories (kernel scratch space; must sit next to the upper layers). */
  workDir: (name: string) => string;
}

export function hostsPaths(world: HostsWorld): HostsPaths {
  const hostsDir = path.join(world.labDir, 'hosts');
  const hostDir = (name: string): string => path.join(hostsDir, name);
  return {
    hostsDir,
    keysDir: path.join(hostsDir, 'keys'),
    helpersDir: path.join(hostsDir, 'sbin'),
    helperLibDir: path.join(hostsDir, 'helper-lib'),
    localBinMaskDir: path.join(hostsDir, 'local-bin-mask'),
    lockFile: path.join(hostsDir, 'hosts.lock'),
    hostDir,
    rootDir: (name) => path.join(hostDir(name), 'root'),
    workDir: (name) => path.join(hostDir(name), 'work'),
  };
}
