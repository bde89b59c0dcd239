import { runOnHost } from '../../../lab/hosts/index.js';
import type { LabHost, LabJson } from '../../../lab/lab-json.js';

/**
 * One lab host as the drill must leave it, read inside the host's own namespaces the way the other lab
 * tests look at hosts (`runOnHost`: nsenter into its sshd's mount/UTS/network namespaces, as root),
 * with one small Python program per host so a whole inventory costs one process per host:
 *
 * - `/etc/fstab`, byte for byte;
 * - the mount table of its mount namespace (`/proc/self/mountinfo`): every mount as `<target> <-
 *   <source>[<root inside the source>] (<fstype>)`, stacked mounts counted (kernel mount ids and
 *   options left out: ids are new for every mount, and the drill's teardown is about what is mounted
 *   where);
 * - SHA-256 of each Trilio config file the lab's flavor uses on that host (the TVM: every
 *   `trilio.applianceConfigs`; a compute: `trilio.datamoverConfig`), `missing` when absent;
 * - each Trilio service's state as the lab's systemctl/container shims record it
 *   (`/var/lib/tdrlab/<service>.state`): active state, result, shares and mount paths, and the
 *   SHA-256 of the config it started with (`<service>.active.conf`), so a config put back without the
 *   restart that follows is seen. `since`, `startedBy` and `message` are left out: they say when and
 *   how it was last started, which a revert with restart legitimately changes.
 */

export interface ServiceInventory {
  activeState: string;
  result: string;
  exports: string[];
  mounts: Record<string, string>;
  activeConfigSha256: string;
}

export interface HostInventory {
  fstab: string;
  /** Sorted; a mount stacked twice is listed twice. */
  mounts: string[];
  /** Config file path → SHA-256 (hex) or `missing`. */
  configs: Record<string, string>;
  services: Record<string, ServiceInventory>;
}

const program = String.raw`
import glob, hashlib, json, os, re, sys

def sha(path):
    try:
        with open(path, 'rb') as f:
            return hashlib.sha256(f.read()).hexdigest()
    except FileNotFoundError:
        return 'missing'

def unescape(text):
    return re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), text)

mounts = []
with open('/proc/self/mountinfo') as f:
    for line in f:
        fields = line.split()
        sep = fields.index('-')
        root, target = unescape(fields[3]), unescape(fields[4])
        fstype, source = fields[sep + 1], unescape(fields[sep + 2])
        mounts.append('%s <- %s%s (%s)' % (target, source, '' if root == '/' else '[%s]' % root, fstype))

try:
    with open('/etc/fstab', 'rb') as f:
        fstab = f.read().decode('utf-8', 'backslashreplace')
except FileNotFoundError:
    fstab = '(missing)'

services = {}
for state_file in sorted(glob.glob('/var/lib/tdrlab/*.state')):
    name = os.path.basename(state_file)[:-len('.state')]
    with open(state_file) as f:
        state = json.load(f)
    services[name] = {
        'activeState': str(state.get('activeState', '')),
        'result': str(state.get('result', '')),
        'exports': list(state.get('exports') or []),
        'mounts': dict(state.get('mounts') or {}),
        'activeConfigSha256': sha('/var/lib/tdrlab/%s.active.conf' % name),
    }

json.dump({
    'fstab': fstab,
    'mounts': sorted(mounts),
    'configs': {path: sha(path) for path in sys.argv[1:]},
    'services': services,
}, sys.stdout)
`;

/** The Trilio config files the lab's flavor puts on a host of this role. */
export function trilioConfigsOf(lab: LabJson, host: LabHost): string[] {
  if (host.role === 'tvm') return [...lab.trilio.applianceConfigs].sort();
  if (host.role === 'compute') return [lab.trilio.datamoverConfig];
  return [];
}

export async function hostInventory(lab: LabJson, host: LabHost): Promise<HostInventory> {
  const result = await runOnHost(host.name, ['python3', '-c', program, ...trilioConfigsOf(lab, host)]);
  if (result.code !== 0)
    throw new Error(`inventory of ${host.name} failed (exit ${result.code}): ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as HostInventory;
}
