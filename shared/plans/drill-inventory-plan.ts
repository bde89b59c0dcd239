import type { NodeInventory } from '../drill/drill-inventory.js';
import type { Profile } from '../profile/profile.js';
import type { RemoteAction } from '../run/plan-types.js';
import { targetMountPath, trilioFactsOf } from '../trilio/trilio-facts.js';
import { stagingPathOf } from './dr-paths.js';

/**
 * The read-only probe a drill runs on every node before it starts and after its tear-down: /etc/fstab
 * (base64, so every byte counts), the node's mount table, the SHA-256 of each Trilio config file it may
 * edit, and — on the appliance — the workload folders on the target share and the synced copy. One
 * command per node; the same argv before and after, so the two inventories compare like for like.
 */

const MARK = '@@trilio-drill';

/** The probe as a shell program: files and folders come as positional arguments, never spliced in. */
const SCRIPT = [
  `printf '%s\\n' '${MARK} fstab'`,
  'base64 -w0 /etc/fstab 2>/dev/null; echo',
  `printf '%s\\n' '${MARK} mounts'`,
  'awk \'{print $2" "$1}\' /proc/self/mounts',
  `printf '%s\\n' '${MARK} hashes'`,
  'n=$1; shift; i=0',
  'while [ "$i" -lt "$n" ]; do f=$1; shift; i=$((i+1)); if [ -f "$f" ]; then sha256sum "$f"; fi; done',
  'for d in "$@"; do',
  `  printf '%s %s\\n' '${MARK} share' "$d"`,
  '  if [ -d "$d" ]; then ls -1A "$d" 2>/dev/null | grep "^workload_" || true; fi',
  'done',
].join('\n');

export function inventoryProbeArgv(configFiles: readonly string[], shareDirs: readonly string[]): string[] {
  return [
    'sh',
    '-c',
    SCRIPT,
    'trilio-drill-inventory',
    String(configFiles.length),
    ...configFiles,
    ...shareDirs,
  ];
}

/** Every node's probe: config files by role, share folders on the first appliance. */
export function planInventoryProbes(profile: Profile): RemoteAction[] {
  const facts = trilioFactsOf(profile.trilio, 'target');
  const tvms = profile.hosts.filter((h) => h.role === 'tvm');
  const shares = [
    targetMountPath(profile.trilio, profile.nfs.target),
    targetMountPath(profile.trilio, profile.nfs.syncedCopy),
    stagingPathOf(profile),
  ];
  return profile.hosts
    .filter((h) => h.role === 'tvm' || h.role === 'compute')
    .map((h) => ({
      kind: 'remote' as const,
      id: `drill-inventory:${h.id}`,
      host: h.id,
      argv: inventoryProbeArgv(
        h.role === 'tvm' ? facts.applianceConfigs : facts.datamoverConfigs,
        h.id === tvms[0]?.id ? shares : [],
      ),
      privileged: true,
      readOnly: true,
      description: `Inventory of ${h.name}: /etc/fstab, mounts, Trilio config hashes${h.id === tvms[0]?.id ? ', workload folders on the shares' : ''}`,
    }));
}

/** Reads one node's probe output. `fstab` is decoded to its exact text. */
export function parseInventoryProbe(
  host: string,
  stdout: string,
  decodeBase64: (b64: string) => string,
): { node: NodeInventory; shares: Record<string, string[]> } {
  const node: NodeInventory = { host, fstab: '', mounts: [], configHashes: {} };
  const shares: Record<string, string[]> = {};
  let section = '';
  let share = '';
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${MARK} `)) {
      const rest = line.slice(MARK.length + 1);
      section = rest.split(' ')[0] ?? '';
      if (section === 'share') {
        share = rest.slice('share '.length);
        shares[share] = [];
      }
      continue;
    }
    if (line === '') continue;
    if (section === 'fstab') node.fstab = decodeBase64(line.trim());
    else if (section === 'mounts') node.mounts.push(line);
    else if (section === 'hashes') {
      const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line);
      if (m) node.configHashes[m[2]!] = m[1]!;
    } else if (section === 'share') shares[share]!.push(line);
  }
  return { node, shares };
}
