import { scriptArgv } from '../shell/quote.js';
import { decodeMountFolder, type FolderForm } from '../nfs/mount-path.js';
import { splitExportList } from '../config/nfs-export-option.js';
import { trilioInstallers, installerFacts, type TrilioInstaller } from '../trilio/installer-facts.js';
import type { ConfigModel } from '../trilio/trilio-release.js';

/**
 * The read-only commands onboarding runs on hosts: what the target appliance's Trilio configuration
 * says (discovery), and whether each host has what the DR will touch ("Check connections"). Each is a
 * constant script whose data arrive as positional arguments, and each only reads (the share check
 * mounts read-only into a temporary folder and removes it), so running it twice changes nothing.
 */

// ── appliance: which installer's config exists, and the options that matter ─────────────────────────

const applianceOptions = [
  'vault_storage_nfs_export',
  'vault_data_directory',
  'enabled_backends',
  'vault_storage_filesystem_export',
  'vault_storage_type',
  'domain_name',
  'trustee_role',
  'region_name_for_services',
];

/**
 * Prints `conf\tINSTALLER\tPATH` for every installer's appliance config that exists, then only the
 * section headers and the options above of the first one (`line\t…`; the file holds database
 * passwords, which never leave the host), `mnt\tNAME` for the folders under its mount root, `juju\tyes`
 * on a Juju unit, and `pkg\tVERSION` of an installed workloadmgr package.
 */
export function applianceProbeArgv(): string[] {
  const pairs = trilioInstallers.flatMap((i) => installerFacts(i).applianceConfigs.flatMap((f) => [i, f]));
  const script = [
    'found=; installer=',
    'while [ $# -gt 1 ]; do',
    '  if [ -f "$2" ] && [ -r "$2" ]; then',
    '    printf "conf\\t%s\\t%s\\n" "$1" "$2"',
    '    [ -z "$found" ] && found=$2 && installer=$1',
    '  fi',
    '  shift 2',
    'done',
    'root=',
    'if [ -n "$found" ]; then',
    `  grep -E '^[[:space:]]*(\\[|(${applianceOptions.join('|')})[[:space:]]*[=:])' "$found" | while IFS= read -r l; do printf "line\\t%s\\n" "$l"; done`,
    `  root=$(sed -n 's/^[[:space:]]*vault_data_directory[[:space:]]*[=:][[:space:]]*//p' "$found" | tail -n 1)`,
    'fi',
    '[ -n "$root" ] || root=$1',
    'if [ -d "$root" ]; then for d in "$root"/*; do [ -d "$d" ] && printf "mnt\\t%s\\n" "${d##*/}"; done; fi',
    '[ -d /var/lib/juju ] && printf "juju\\tyes\\n"',
    'v=$(dpkg-query -W -f="\\${Version}" workloadmgr 2>/dev/null) || v=$(dpkg-query -W -f="\\${Version}" python3-workloadmgr 2>/dev/null) || v=$(rpm -q --qf "%{VERSION}" workloadmgr 2>/dev/null) || v=$(rpm -q --qf "%{VERSION}" python3-workloadmgr 2>/dev/null) || v=',
    '[ -n "$v" ] && printf "pkg\\t%s\\n" "$v"',
    'exit 0',
  ].join('\n');
  // The last argument is the default mount root (packages'), for a node whose config does not say.
  return scriptArgv(script, [...pairs, installerFacts('packages').mountRoot], 'trilio-dr-appliance-probe');
}

export interface ApplianceProbe {
  installer?: TrilioInstaller;
  configFile?: string;
  mountRoot?: string;
  nfsExports: string[];
  configModel?: ConfigModel;
  folderForm?: FolderForm;
  domainName?: string;
  trusteeRole?: string;
  region?: string;
  release?: string;
  notes: string[];
}

export function parseApplianceProbe(stdout: string): ApplianceProbe {
  const notes: string[] = [];
  const configs: { installer: TrilioInstaller; path: string }[] = [];
  const lines: string[] = [];
  const folders: string[] = [];
  let juju = false;
  let pkg: string | undefined;
  for (const raw of stdout.split('\n')) {
    const [kind, ...rest] = raw.split('\t');
    if (kind === 'conf' && rest.length >= 2 && (trilioInstallers as readonly string[]).includes(rest[0]!))
      configs.push({ installer: rest[0] as TrilioInstaller, path: rest.slice(1).join('\t') });
    else if (kind === 'line') lines.push(rest.join('\t'));
    else if (kind === 'mnt') folders.push(rest.join('\t'));
    else if (kind === 'juju') juju = true;
    else if (kind === 'pkg') pkg = rest.join('\t').trim();
  }
  const probe: ApplianceProbe = { nfsExports: [], notes };
  const first = configs[0];
  if (!first) {
    notes.push('No Trilio appliance configuration was found on the node (none of the installers’ files).');
    return probe;
  }
  probe.configFile = first.path;
  // packages and Juju share the file; a Juju machine agent says which.
  probe.installer = first.installer === 'packages' && juju ? 'juju' : first.installer;
  // packages and Juju name the same file: only different files are worth a note.
  const paths = [...new Set(configs.map((c) => c.path))];
  if (paths.length > 1)
    notes.push(`Config files of several installers exist (${paths.join(', ')}); using ${first.path}.`);
  const options = parseOptions(lines);
  const get = (name: string, section = 'DEFAULT') => options.get(`${section}.${name}`);
  const root = get('vault_data_directory');
  if (root) probe.mountRoot = root.replace(/(.)\/+$/, '$1');
  const backends = get('enabled_backends');
  if (backends) {
    probe.configModel = 'backends';
    for (const name of splitExportList(backends)) {
      const exp = get('vault_storage_filesystem_export', name);
      const type = get('vault_storage_type', name) ?? 'nfs';
      if (exp && type === 'nfs') probe.nfsExports.push(exp);
    }
  } else {
    const list = get('vault_storage_nfs_export');
    if (list) probe.nfsExports.push(...splitExportList(list));
    probe.configModel = 'export-list';
  }
  const domain = get('domain_name');
  if (domain) probe.domainName = domain;
  const trustee = get('trustee_role');
  if (trustee) probe.trusteeRole = trustee;
  const region = get('region_name_for_services');
  if (region) probe.region = region;
  const release = pkg ? /^(?:\d+:)?(\d+\.\d+)/.exec(pkg)?.[1] : undefined;
  if (release) probe.release = release;
  else
    notes.push(
      'The Trilio release could not be read from the node (no workloadmgr package): check it in the profile.',
    );
  const forms = new Set(
    folders.map((f) => decodeMountFolder(f)?.form).filter((f): f is FolderForm => Boolean(f)),
  );
  if (forms.size === 1) probe.folderForm = [...forms][0]!;
  else if (forms.size > 1)
    notes.push(
      'The mount root holds folders of both forms (whole export and path only): kept the release default.',
    );
  return probe;
}

/** oslo-style `[section]` / `key = value` lines (already filtered on the host) → `section.key` → value. */
function parseOptions(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let section = 'DEFAULT';
  for (const line of lines) {
    const trimmed = line.trim();
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const m = /^([A-Za-z0-9_-]+)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (m) out.set(`${section}.${m[1]!.replace(/-/g, '_')}`, m[2]!.trim());
  }
  return out;
}

// ── host check: sudo, mount root, qemu-img, config file, restart target ──────────────────────────────

export interface HostCheckInput {
  mountRoot: string;
  /** Config candidates: for an appliance every one that exists is used; for a datamover the first. */
  configs: readonly string[];
  /** The restart command (argv) whose unit or container must exist; [] when the installer has none. */
  restart: readonly string[];
}

/**
 * One round trip per host, run as the login user (not through sudo, so that a missing sudo right is
 * its own finding): `sudo\troot|ok|fail`, `root\tok|fail`, `qemu\tok|fail`, `config\tok|fail|skip\tFILE`,
 * `restart\tok|fail|skip|na\tDETAIL`. Checks that need root go through `sudo -n` when it works.
 */
export function hostCheckArgv(input: HostCheckInput): string[] {
  const script = [
    'root=$1; n=$2; shift 2',
    'if [ "$(id -u)" = 0 ]; then S=; printf "sudo\\troot\\n"',
    'elif sudo -n true 2>/dev/null; then S="sudo -n"; printf "sudo\\tok\\n"',
    'else S=none; printf "sudo\\tfail\\t%s\\n" "$(sudo -n true 2>&1 | head -n 1)"; fi',
    'as_root() { if [ "$S" = none ]; then "$@"; else $S "$@"; fi; }',
    'if as_root test -d "$root"; then printf "root\\tok\\n"; else printf "root\\tfail\\n"; fi',
    'q=$(command -v qemu-img 2>/dev/null) || q=$(as_root sh -c "command -v qemu-img" 2>/dev/null) || q=',
    'if [ -n "$q" ]; then printf "qemu\\tok\\t%s\\n" "$q"; else printf "qemu\\tfail\\n"; fi',
    'found=; i=0',
    'while [ "$i" -lt "$n" ]; do',
    '  f=$1; shift; i=$((i + 1))',
    '  if [ -z "$found" ] && as_root test -f "$f" && as_root test -r "$f"; then found=$f; fi',
    'done',
    'if [ -n "$found" ]; then printf "config\\tok\\t%s\\n" "$found"',
    'elif [ "$S" = none ]; then printf "config\\tskip\\n"',
    'else printf "config\\tfail\\n"; fi',
    'if [ $# -eq 0 ]; then printf "restart\\tna\\n"; exit 0; fi',
    'for a in "$@"; do last=$a; done',
    'case "${1##*/}" in',
    '  systemctl)',
    '    systemctl --no-pager status "$last" >/dev/null 2>&1; rc=$?',
    '    if [ "$rc" = 4 ] || [ "$rc" = 5 ]; then printf "restart\\tfail\\t%s\\n" "$last"; else printf "restart\\tok\\t%s\\n" "$last"; fi ;;',
    '  docker|podman)',
    '    if [ "$S" = none ]; then printf "restart\\tskip\\t%s\\n" "$last"',
    '    elif as_root "$1" container inspect "$last" >/dev/null 2>&1; then printf "restart\\tok\\t%s\\n" "$last"',
    '    else printf "restart\\tfail\\t%s\\n" "$last"; fi ;;',
    '  *)',
    '    if command -v "$1" >/dev/null 2>&1; then printf "restart\\tok\\t%s\\n" "$1"; else printf "restart\\tfail\\t%s\\n" "$1"; fi ;;',
    'esac',
    'exit 0',
  ].join('\n');
  return scriptArgv(
    script,
    [input.mountRoot, String(input.configs.length), ...input.configs, ...input.restart],
    'trilio-dr-host-check',
  );
}

export interface HostCheckResult {
  sudo: { state: 'root' | 'ok' | 'fail'; detail: string };
  mountRoot: 'ok' | 'fail';
  qemuImg: { state: 'ok' | 'fail'; path: string };
  config: { state: 'ok' | 'fail' | 'skip'; file: string };
  restart: { state: 'ok' | 'fail' | 'skip' | 'na'; target: string };
}

export function parseHostCheck(stdout: string): HostCheckResult | null {
  const rows = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const [kind, ...rest] = line.split('\t');
    if (kind) rows.set(kind, rest);
  }
  const sudo = rows.get('sudo');
  const root = rows.get('root');
  const qemu = rows.get('qemu');
  const config = rows.get('config');
  const restart = rows.get('restart');
  if (!sudo || !root || !qemu || !config || !restart) return null;
  return {
    sudo: { state: sudo[0] as 'root' | 'ok' | 'fail', detail: sudo[1] ?? '' },
    mountRoot: root[0] === 'ok' ? 'ok' : 'fail',
    qemuImg: { state: qemu[0] === 'ok' ? 'ok' : 'fail', path: qemu[1] ?? '' },
    config: { state: config[0] as 'ok' | 'fail' | 'skip', file: config[1] ?? '' },
    restart: { state: restart[0] as 'ok' | 'fail' | 'skip' | 'na', target: restart[1] ?? '' },
  };
}

// ── NFS share reachable from the appliance ──────────────────────────────────────────────────────────

/**
 * `share\tmounted` when the export is already mounted at its Trilio mount path; otherwise mounts it
 * read-only into a temporary folder (at most 15 s), unmounts and removes it: `share\tok` or
 * `share\tfail\tMESSAGE`. Needs root.
 */
export function shareCheckArgv(nfsExport: string, mountPath: string): string[] {
  const script = [
    'if mountpoint -q "$2" 2>/dev/null; then printf "share\\tmounted\\n"; exit 0; fi',
    'd=$(mktemp -d /tmp/trilio-dr-check.XXXXXX) || { printf "share\\tfail\\tcannot create a temporary folder\\n"; exit 0; }',
    'if out=$(timeout 15 mount -t nfs -o ro,soft,nolock "$1" "$d" 2>&1); then printf "share\\tok\\n"; umount "$d" 2>/dev/null',
    'else printf "share\\tfail\\t%s\\n" "$(printf "%s" "$out" | tr "\\n" " ")"; fi',
    'rmdir "$d" 2>/dev/null',
    'exit 0',
  ].join('\n');
  return scriptArgv(script, [nfsExport, mountPath], 'trilio-dr-share-check');
}

export function parseShareCheck(stdout: string): { state: 'mounted' | 'ok' | 'fail'; detail: string } | null {
  const line = stdout.split('\n').find((l) => l.startsWith('share\t'));
  if (!line) return null;
  const [, state, detail] = line.split('\t');
  if (state !== 'mounted' && state !== 'ok' && state !== 'fail') return null;
  return { state, detail: detail ?? '' };
}
