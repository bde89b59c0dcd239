import { parse as parseYaml } from 'yaml';
import { fail, ok, type Result } from '../../../shared/result.js';
import {
  inventoryFromYaml,
  parseIniInventory,
  connectionOf,
  type Inventory,
} from '../../../shared/onboarding/ansible-inventory.js';
import type { SshHop, SshView } from '../../../shared/onboarding/assemble-profile.js';
import {
  cloudFromEntry,
  cloudFromOpenrc,
  mergeCloudFiles,
  type FoundCloud,
} from '../../../shared/onboarding/cloud-sources.js';
import type {
  CloudRef,
  DiscoveryRequest,
  DiscoverySource,
} from '../../../shared/onboarding/discovery-types.js';
import { parseOpenrc } from '../../../shared/onboarding/openrc.js';
import { expandHome, findCloudsFile, isFile, readText, type OnboardingEnv } from './onboarding-env.js';
import { jumpChain, SshConfigSource, type ResolvedSshHost } from './ssh-config.js';
import { nodeSshConfigFiles } from './ssh-config-files.js';

/**
 * Reads the files a discovery names (or finds them where OpenStack and OpenSSH look) and parses them:
 * YAML with the `yaml` package, openrc without running it, the inventory in its INI or YAML form, the
 * SSH config as `ssh -G` would. Every source read is listed with what was not taken over.
 */
export interface ReadSources {
  clouds: { source?: FoundCloud; target?: FoundCloud };
  inventory?: Inventory;
  ssh?: SshConfigSource;
  sources: DiscoverySource[];
}

export function readSources(req: DiscoveryRequest, env: OnboardingEnv): Result<ReadSources> {
  const sources: DiscoverySource[] = [];
  const clouds: ReadSources['clouds'] = {};
  let cloudFiles: Record<string, Record<string, unknown>> | undefined;
  const loadCloudFiles = (): Result<Record<string, Record<string, unknown>>> => {
    if (cloudFiles) return ok(cloudFiles);
    const file = req.cloudsFile ? expandHome(req.cloudsFile, env) : findCloudsFile(env, 'clouds');
    if (!file)
      return fail({
        code: 'not-found',
        message: 'No clouds.yaml found (OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/).',
        hint: 'Name the file (--clouds-file), or name an openrc file for the cloud instead.',
      });
    const parsed = readYaml(file);
    if (!parsed.ok) return parsed;
    const secureFile = req.secureFile ? expandHome(req.secureFile, env) : findCloudsFile(env, 'secure');
    let secure: unknown = {};
    if (secureFile) {
      const s = readYaml(secureFile);
      if (!s.ok) return s;
      secure = s.value;
      sources.push({
        kind: 'secure.yaml',
        origin: secureFile,
        summary: 'secrets merged into clouds.yaml',
        notes: [],
      });
    }
    cloudFiles = mergeCloudFiles(parsed.value, secure);
    sources.push({
      kind: 'clouds.yaml',
      origin: file,
      summary: `clouds: ${Object.keys(cloudFiles).join(', ') || 'none'}`,
      notes: [],
    });
    return ok(cloudFiles);
  };

  const readCloud = (ref: CloudRef, side: 'source' | 'target'): Result<FoundCloud> => {
    if (ref.kind === 'clouds-yaml') {
      const files = loadCloudFiles();
      if (!files.ok) return files;
      const entry = files.value[ref.cloud];
      if (!entry)
        return fail({
          code: 'not-found',
          message: `clouds.yaml has no cloud "${ref.cloud}" (it has: ${Object.keys(files.value).join(', ') || 'none'}).`,
          fields: [{ path: `clouds.${side}`, message: 'no such cloud' }],
        });
      return ok(cloudFromEntry(ref.cloud, entry));
    }
    const file = expandHome(ref.file, env);
    const text = readText(file);
    if (!text.ok)
      return fail({
        code: 'not-found',
        message: text.message,
        fields: [{ path: `clouds.${side}`, message: 'unreadable' }],
      });
    const parsed = parseOpenrc(text.text);
    const found = cloudFromOpenrc(parsed.vars, file);
    if (parsed.unresolved.includes('OS_PASSWORD'))
      found.notes.push(
        'The file asks for the password when sourced (it is not in the file): enter it before saving.',
      );
    sources.push({
      kind: 'openrc',
      origin: file,
      summary: `${Object.keys(parsed.vars).filter((k) => k.startsWith('OS_')).length} OS_* variables (never executed)`,
      notes: parsed.skipped.map((s) => `not run: ${s}`),
    });
    return ok(found);
  };

  for (const side of ['source', 'target'] as const) {
    const ref = side === 'target' ? req.clouds.target : req.clouds.source;
    if (!ref) continue;
    const found = readCloud(ref, side);
    if (!found.ok) return found;
    clouds[side] = found.value;
  }

  let inventory: Inventory | undefined;
  if (req.inventory) {
    const file = expandHome(req.inventory, env);
    const text = readText(file);
    if (!text.ok) return fail({ code: 'not-found', message: text.message });
    const yamlLike = /\.ya?ml$/i.test(file) || /^(---|all:)/m.test(text.text.trimStart().slice(0, 200));
    if (yamlLike) {
      try {
        inventory = inventoryFromYaml(parseYaml(text.text));
      } catch (error) {
        return fail({
          code: 'validation',
          message: `${file} is not valid YAML: ${(error as Error).message}`,
        });
      }
    } else inventory = parseIniInventory(text.text);
    sources.push({
      kind: 'inventory',
      origin: file,
      summary: `${inventory.hosts.length} hosts (${yamlLike ? 'YAML' : 'INI'})`,
      notes: inventory.notes,
    });
  }

  let ssh: SshConfigSource | undefined;
  const sshFile = req.sshConfig === '' ? undefined : expandHome(req.sshConfig ?? '~/.ssh/config', env);
  if (sshFile) {
    if (isFile(sshFile)) {
      ssh = new SshConfigSource(sshFile, nodeSshConfigFiles(env.home, env.localUser));
      sources.push({
        kind: 'ssh config',
        origin: sshFile,
        summary: `${ssh.aliases().length} Host aliases`,
        notes: [],
      });
    } else if (req.sshConfig) return fail({ code: 'not-found', message: `${sshFile} does not exist.` });
  }
  return ok({ clouds, ...(inventory ? { inventory } : {}), ...(ssh ? { ssh } : {}), sources });
}

function readYaml(file: string): Result<unknown> {
  const text = readText(file);
  if (!text.ok) return fail({ code: 'not-found', message: text.message });
  try {
    return ok(parseYaml(text.text) as unknown);
  } catch (error) {
    return fail({ code: 'validation', message: `${file} is not valid YAML: ${(error as Error).message}` });
  }
}

/**
 * SSH views of every name the assembly may ask about: inventory names and addresses, SSH aliases, Nova
 * names, and the ProxyJump values of inventory SSH arguments (`proxyjump:<value>`). Without an SSH
 * config, a name is reached as itself with the local user and OpenSSH's default key.
 */
export function sshViews(
  ssh: SshConfigSource | undefined,
  names: readonly string[],
  inventory: Inventory | undefined,
  env: OnboardingEnv,
): Record<string, SshView> {
  const source = ssh ?? new SshConfigSource('/dev/null/none', nodeSshConfigFiles(env.home, env.localUser));
  const views: Record<string, SshView> = {};
  const keyOf = (r: ResolvedSshHost) =>
    r.identityFilesExpanded.find(isFile) ?? (r.identityConfigured ? r.identityFilesExpanded[0] : undefined);
  const viewOf = (r: ResolvedSshHost): SshView => {
    const chain = jumpChain(source, r);
    const hops: SshHop[] = chain.hops.map((h) => ({
      alias: h.alias,
      hostName: h.hostName,
      user: h.user,
      port: h.port,
      keyFile: keyOf(h),
      via: h.via,
    }));
    return {
      hostName: r.hostName,
      user: r.user,
      port: r.port,
      keyFile: keyOf(r),
      chain: hops,
      notes: [...r.notes, ...chain.hops.flatMap((h) => h.notes), ...(chain.problem ? [chain.problem] : [])],
    };
  };
  for (const name of names) if (!views[name]) views[name] = viewOf(source.resolve(name));
  for (const host of inventory?.hosts ?? []) {
    const jump = connectionOf(host).proxyJump;
    if (jump && !views[`proxyjump:${jump}`])
      views[`proxyjump:${jump}`] = viewOf({ ...source.resolve(host.name), proxyJump: jump });
  }
  return views;
}
