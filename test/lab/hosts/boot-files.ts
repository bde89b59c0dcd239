import { shQuote } from '../sh-quote.js';
import type { HostSpec } from './host-specs.js';
import type { HostsPaths } from './hosts-world.js';

/**
 * The text of a host's machinery files: its sshd_config, the boot script that builds its mount
 * namespace and then becomes its sshd, the `/etc/tdrlab/host.json` its helpers read, and a README
 * that says what is mounted where. Pure: `host-tree.ts` writes them.
 */

/**
 * Programs the lab puts on the hosts, overlaid onto /usr/sbin (first on root's and sudo's PATH):
 * always mount.nfs, systemctl and journalctl; docker or podman where the flavor runs containers (every
 * host of a world has the same flavor, so one helper directory serves them all).
 */
export const helperNames = ['mount.nfs', 'systemctl', 'journalctl', 'docker', 'podman'] as const;
export type HelperName = (typeof helperNames)[number];

export function helpersFor(engine: 'docker' | 'podman' | null): HelperName[] {
  return ['mount.nfs', 'systemctl', 'journalctl', ...(engine ? [engine] : [])];
}

/** Names masked in /usr/local/bin inside every host (see `localBinMaskDir`). */
export const maskedLocalTools = ['docker', 'podman'] as const;

/** The Python module the service helpers share, installed beside (not in) the helper directory. */
export const serviceLibName = 'trilio_services.py';

/** The systemd tools on this machine that the lab's shims also cover by absolute path. */
export const shadowedTools = ['/usr/bin/systemctl', '/usr/bin/journalctl'] as const;

export interface HostJson {
  name: string;
  role: string;
  services: string[];
  /** The registry `{"<export>": "/abs/dir"}` that `mount.nfs` reads at mount time. */
  exportsRegistry: string;
  mountRoot: string;
  release: string;
  installer: string;
  /** How mount folders are named: base64 of the whole export or of its path. */
  folderForm: string;
  /** Where backup targets are configured: `export-list` or `backends` (6.0/6.1). */
  configModel: string;
  containerEngine: string | null;
  /** Per service: its config file, systemd unit and/or container, whether it mounts the targets. */
  layout: HostSpec['trilio']['layout'];
}

export function hostJson(spec: HostSpec, exportsRegistry: string): string {
  const value: HostJson = {
    name: spec.name,
    role: spec.role,
    services: spec.services,
    exportsRegistry,
    mountRoot: spec.trilio.mountRoot,
    release: spec.trilio.release,
    installer: spec.trilio.installer,
    folderForm: spec.trilio.folderForm,
    configModel: spec.trilio.configModel,
    containerEngine: spec.trilio.containerEngine,
    layout: spec.trilio.layout,
  };
  return JSON.stringify(value, null, 2) + '\n';
}

export function sshdConfig(spec: HostSpec, paths: HostsPaths): string {
  const dir = paths.hostDir(spec.name);
  const password = spec.auth === 'password';
  return [
    `# Lab host ${spec.name} (${spec.role}); written by test/lab/hosts, see README.md next to this file.`,
    `ListenAddress ${spec.address}:22`,
    `HostKey ${dir}/ssh_host_ed25519_key`,
    `PidFile ${dir}/sshd.pid`,
    // Inside the host's /etc layer, one file per user.
    'AuthorizedKeysFile /etc/tdrlab/authorized_keys/%u',
    `PermitRootLogin ${spec.permitRootLogin}`,
    `PubkeyAuthentication ${password ? 'no' : 'yes'}`,
    `PasswordAuthentication ${password ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'AllowTcpForwarding yes',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

export interface BootInput {
  spec: HostSpec;
  paths: HostsPaths;
}

/**
 * Runs as `unshare -m -u --propagation private /bin/sh boot.sh` (inside the host's network namespace
 * for jump and hidden hosts) and ends by exec'ing sshd, so the sshd's pid is the namespace's anchor.
 * Everything it mounts exists only in this namespace.
 */
export function bootScript({ spec, paths }: BootInput): string {
  const q = shQuote;
  const dir = paths.hostDir(spec.name);
  const root = paths.rootDir(spec.name);
  const work = paths.workDir(spec.name);
  const overlay = (name: string, target: string): string =>
    `mount -t overlay tdrlab-${name} -o ${q(`lowerdir=${target},upperdir=${root}${target},workdir=${work}${target}`)} ${target}`;
  const services = spec.services.length > 0;
  return `#!/bin/sh
# Boot of lab host ${spec.name} (${spec.role}). Written by test/lab/hosts; see README.md next to this file.
set -eu
hostname ${q(spec.name)}
${spec.netns ? 'ip link set lo up\n' : ''}# A private /run, like any host's: sshd's privilege-separation dir, sudo's timestamps, locks.
mount -t tmpfs -o mode=0755,size=32m tdrlab-run /run
mkdir -p /run/sshd /run/lock /run/mount
# Copy-on-write /etc and /var: the machine's files show through, the host's changes stay in root/.
${overlay('etc', '/etc')}
${overlay('var', '/var')}
# The host's own homes (not the machine's /root and its shell start-up files).
mount --bind ${q(`${root}/root`)} /root
mount --bind ${q(`${root}/home`)} /home
# mount.nfs, systemctl and journalctl (and docker or podman) of the lab, ahead of the machine's on every PATH.
mount -t overlay tdrlab-sbin -o ${q(`lowerdir=${paths.helpersDir}:/usr/sbin`)} /usr/sbin
${shadowedToolBinds(paths)}
# This machine's own container tools in /usr/local/bin (a docker client without a daemon) are not the
# host's: whiteouts hide them, so only the flavor's engine (in /usr/sbin) answers to its name.
mount -t overlay tdrlab-localbin -o ${q(`lowerdir=${paths.localBinMaskDir}:/usr/local/bin`)} /usr/local/bin
# What a host does when it boots: mount what fstab says, then start its Trilio services (systemd units
# or containers whose restart policy brings them back).
mount -a || echo "boot: mount -a failed" >&2
${services ? `/usr/bin/python3 -IS ${q(`${paths.helperLibDir}/${serviceLibName}`)} boot || echo "boot: a service failed to start" >&2\n` : ''}exec /usr/sbin/sshd -D -f ${q(`${dir}/sshd_config`)} -E ${q(`${dir}/sshd.log`)}
`;
}

function shadowedToolBinds(paths: HostsPaths): string {
  return shadowedTools
    .map((tool) => {
      const helper = `${paths.helpersDir}/${tool.slice(tool.lastIndexOf('/') + 1)}`;
      return `if [ -e ${tool} ]; then mount --bind ${shQuote(helper)} ${tool}; fi`;
    })
    .join('\n');
}

/** What `<hostDir>/README.md` says: the mounts of this host and where its files are. */
export function hostReadme(spec: HostSpec, paths: HostsPaths, exportsRegistry: string): string {
  const root = paths.rootDir(spec.name);
  return `# Lab host ${spec.name}

Role ${spec.role}; sshd on ${spec.address}:22${spec.netns ? ` in network namespace \`${spec.netns}\`` : ''}${
    spec.via ? `, reachable only through ${spec.via}` : ''
  }. Login: ${spec.user} (${spec.auth}${spec.sudo ? ', sudo -n' : ''}).

\`boot.sh\` runs in a private mount (and UTS) namespace and ends as the host's sshd (\`sshd.pid\`).
Mounted there, and nowhere else:

| path in the host | what | on this machine |
|---|---|---|
| /run | tmpfs | (memory) |
| /etc | overlay: the machine's /etc below, the host's changes above | ${root}/etc |
| /var | overlay: the machine's /var below, the host's changes above | ${root}/var |
| /root, /home | bind | ${root}/root, ${root}/home |
| /usr/sbin | read-only overlay adding mount.nfs, systemctl, journalctl${spec.trilio.containerEngine ? `, ${spec.trilio.containerEngine}` : ''} | ${paths.helpersDir} |
| /usr/bin/systemctl, /usr/bin/journalctl | bind (the same shims) | ${paths.helpersDir} |
| ${spec.trilio.mountRoot}/<base64(${spec.trilio.folderForm === 'path' ? 'path of the export' : 'export'})> | bind of the export's directory, made by mount.nfs | ${exportsRegistry} |

Trilio ${spec.trilio.release} installed with ${spec.trilio.installer}. The host's own files: passwd, group,
shadow (this machine's plus the lab's accounts), sudoers.d, hostname, hosts, fstab,
${spec.trilio.layout.length > 0 ? [...new Set(spec.trilio.layout.map((s) => s.config))].join(', ') : 'no Trilio configuration'},
/etc/tdrlab/host.json (what the helpers read), /etc/tdrlab/authorized_keys/<user>.
${spec.trilio.layout.map((s) => `- ${s.service}: ${[s.unit ? `unit ${s.unit}` : '', s.container ? `container ${s.container}` : ''].filter(Boolean).join(', ')}, reads ${s.config}`).join('\n')}
Services write their state to /var/lib/tdrlab (\`<service>.state\`, \`<service>.active.conf\`) and their
journal to /var/log/tdrlab. Create /etc/tdrlab/fail-restart-<service> to make that service fail to start.

Read host files from here (\`${root}/…\`); change them through SSH or \`runOnHost\`: an overlay's
upper layer must not be changed behind its back while the host runs.
`;
}
