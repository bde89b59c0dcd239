import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * Fixed facts of the lab world: where its state lives, which addresses and ports its parts use, and
 * the NFS export strings Trilio would be configured with. The export IPs are fictitious (there is no
 * kernel NFS here); the lab's `mount.nfs` helper maps each export to its directory under `.lab/shares`.
 */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const labDir = process.env.TRILIO_LAB_DIR ?? path.join(repoRoot, '.lab');
export const labJsonPath = path.join(labDir, 'lab.json');

/** Debian's python, not any other python3 on PATH: Keystone, Neutron and aiosmtpd are Debian packages. */
export const debianPython = '/usr/bin/python3';

export const ports = {
  postgres: 5433,
  keystone: 5000,
  neutron: 9696,
  trilio: 8780,
  smtp: 2525,
} as const;

export const nfsExports = {
  A1: '10.10.2.20:/upstream_source',
  B1: '10.20.3.22:/upstream_target',
  B2: '10.20.3.23:/upstream_synced_a1',
} as const;
export type ShareName = keyof typeof nfsExports;

export const mountRoot = '/var/triliovault-mounts';

export const regions = { A: 'RegionA', B: 'RegionB' } as const;
export const domains = { A: 'cloud_a', B: 'cloud_b' } as const;

/** Loopback addresses of the simulated hosts. Computes get 127.0.1.N so that 200 of them fit. */
export const hostAddresses = {
  tvm: '127.0.0.11',
  compute: (index1: number) => `127.0.${1 + Math.floor((index1 - 1) / 250)}.${((index1 - 1) % 250) + 1}`,
} as const;

/**
 * The host reachable only through the jump host lives in network namespaces the lab creates:
 * machine ⇄ (10.213.0.1/30 — 10.213.0.2) jump ⇄ (10.213.1.1/30 — 10.213.1.2) hidden compute.
 * The jump namespace does not forward packets, so the machine has no route to the hidden host.
 */
export const jumpNet = {
  jumpAddress: '10.213.0.2',
  hiddenAddress: '10.213.1.2',
  jumpNetns: 'tdrlab-jump',
  hiddenNetns: 'tdrlab-hidden',
} as const;

export const defaultComputeCount = 4;
