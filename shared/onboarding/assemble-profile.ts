import { profileSchema, type HostConfig, type Profile, type ProfileInput } from '../profile/profile.js';
import { cloudSecretKey, hostSecretKey, secretKeysOf, withSecretStates } from '../profile/secret-keys.js';
import type { TrilioInstaller } from '../trilio/installer-facts.js';
import { installerFacts } from '../trilio/installer-facts.js';
import { folderFormOf, parseRelease, type ConfigModel, type FolderForm } from '../trilio/trilio-release.js';
import { connectionOf, installerHint, roleOfGroups, type Inventory } from './ansible-inventory.js';
import type { FoundCloud } from './cloud-sources.js';
import { compareWithNova, type HypervisorLite, type NovaComparison } from './nova-compare.js';

/**
 * Builds a profile from what an admin already has: the clouds (clouds.yaml or openrc), the hosts (an
 * Ansible inventory's appliance and compute groups, else Nova's hypervisors and the SSH config), how
 * each host is reached (inventory connection variables over the SSH config, as Ansible passes them
 * to ssh), jump chains (ProxyJump), and what the target appliance's own Trilio configuration says.
 * Pure: the files were read and the hosts contacted by the core (electron/core/onboarding).
 */

/** A name resolved through the SSH config (electron/core/onboarding/ssh-config.ts). */
export interface SshView {
  hostName: string;
  user: string;
  port: number;
  /** The first identity file that exists on this machine (expanded). */
  keyFile?: string | undefined;
  /** Jump hosts nearest first; `via` is the previous hop's alias ('' for the first). */
  chain: SshHop[];
  notes: string[];
}

export interface SshHop {
  alias: string;
  hostName: string;
  user: string;
  port: number;
  keyFile?: string | undefined;
  via: string;
}

/** What the target appliance's Trilio configuration showed (electron/core/onboarding/appliance-probe.ts). */
export interface ApplianceFacts {
  hostId: string;
  installer?: TrilioInstaller | undefined;
  /** Why that installer: the config file found. */
  evidence?: string | undefined;
  release?: string | undefined;
  mountRoot?: string | undefined;
  /** `vault_storage_nfs_export` (or the 6.x backends' exports), in order. */
  nfsExports: string[];
  folderForm?: FolderForm | undefined;
  configModel?: ConfigModel | undefined;
  /** `domain_name`: the Keystone domain the appliance serves. */
  domainName?: string | undefined;
  trusteeRole?: string | undefined;
  notes: string[];
}

export interface AssembleInput {
  name: string;
  existing: Profile | null;
  clouds: { source?: FoundCloud | undefined; target?: FoundCloud | undefined };
  inventory?: Inventory | undefined;
  /** SSH config resolution of every name that may be asked (inventory names, addresses, aliases, Nova names). */
  ssh: Record<string, SshView>;
  /** Host aliases of the SSH config (used when no inventory names the hosts). */
  sshAliases: string[];
  hypervisors?: HypervisorLite[] | undefined;
  appliance?: ApplianceFacts | undefined;
  nfs: { source?: string | undefined; target?: string | undefined; syncedCopy?: string | undefined };
}

export interface AssembleNote {
  origin: string;
  note: string;
}

export interface Assembled {
  profile: Profile;
  /** Secret values found, keyed by `secretKey(...)`: saved to the store with the profile, never shown. */
  secrets: Record<string, string>;
  nova: NovaComparison | null;
  notes: AssembleNote[];
}

/** Lower-case letters, digits and dashes, as profile host ids must be. */
export function slugId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return /^[a-z0-9]/.test(slug) ? slug : `h-${slug || 'host'}`.slice(0, 63);
}

const appliancePattern = /(^|[-_.])(tvm|trilio|wlm|workloadmgr|tvault)([-_.0-9]|$)/i;

export function assembleProfile(input: AssembleInput): Assembled {
  const notes: AssembleNote[] = [];
  const note = (origin: string, text: string) => notes.push({ origin, note: text });
  const secrets: Record<string, string> = {};
  const base = input.existing;

  // ── clouds ────────────────────────────────────────────────────────────────
  const cloudOf = (side: 'source' | 'target') => {
    const found = input.clouds[side];
    const kept = base?.clouds[side];
    if (!found) return kept ?? { authUrl: '', region: '' };
    for (const n of found.notes) note(found.origin, n);
    if (found.secrets.password) secrets[cloudSecretKey(side, 'password')] = found.secrets.password;
    if (found.secrets.applicationCredentialSecret)
      secrets[cloudSecretKey(side, 'applicationCredentialSecret')] =
        found.secrets.applicationCredentialSecret;
    return { ...(kept ?? {}), authUrl: '', region: '', ...found.cloud };
  };
  const clouds = { source: cloudOf('source'), target: cloudOf('target') };

  // ── hosts ─────────────────────────────────────────────────────────────────
  const hosts: HostConfig[] = [];
  const ids = new Set<string>();
  const uniqueId = (name: string) => {
    let id = slugId(name);
    for (let n = 2; ids.has(id); n++) id = `${slugId(name).slice(0, 60)}-${n}`;
    ids.add(id);
    return id;
  };
  const jumpIds = new Map<string, string>();
  const addChain = (chain: SshHop[], origin: string): string => {
    let via = '';
    for (const hop of chain) {
      const key = `${hop.user}@${hop.hostName}:${hop.port}`;
      let id = jumpIds.get(key);
      if (!id) {
        id = uniqueId(hop.alias);
        jumpIds.set(key, id);
        hosts.push(
          hostOf({
            id,
            name: hop.alias,
            role: 'jump',
            address: hop.hostName,
            port: hop.port,
            user: hop.user,
            via,
            keyFile: hop.keyFile,
          }),
        );
      } else {
        const existing = hosts.find((h) => h.id === id)!;
        if (existing.via !== via)
          note(
            origin,
            `Jump host ${hop.alias} is reached through different hops in different chains; kept the first (${existing.via || 'direct'}).`,
          );
      }
      via = id;
    }
    return via;
  };

  const inventory = input.inventory;
  const inventoryHosts = inventory?.hosts.flatMap((h) => {
    const role = roleOfGroups(h.groups);
    return role ? [{ host: h, role }] : [];
  });
  if (inventory) {
    for (const n of inventory.notes) note('inventory', n);
    if (!inventoryHosts?.length)
      note('inventory', 'No host is in an appliance (triliovault-wlm*, tvm) or compute group.');
  }
  for (const { host, role } of inventoryHosts ?? []) {
    const c = connectionOf(host);
    for (const n of c.notes) note('inventory', n);
    const sshName = c.address ?? host.name;
    const view = input.ssh[sshName] ?? input.ssh[host.name];
    for (const n of view?.notes ?? []) note(`ssh config (${sshName})`, n);
    const user = c.user ?? view?.user ?? 'root';
    const id = uniqueId(host.name);
    const chain = c.proxyJump ? (input.ssh[`proxyjump:${c.proxyJump}`]?.chain ?? []) : (view?.chain ?? []);
    const via = addChain(chain, `inventory (${host.name})`);
    const password = c.password;
    if (password) secrets[hostSecretKey(id, 'password')] = password;
    if (user !== 'root' && !c.become)
      note(
        'inventory',
        `${host.name}: user ${user} is not root and ansible_become is not set; the wizard uses sudo -n for it.`,
      );
    hosts.push(
      hostOf({
        id,
        name: host.name,
        role: role.role,
        address: view?.hostName ?? sshName,
        port: c.port ?? view?.port ?? 22,
        user,
        via,
        keyFile: c.keyFile ?? view?.keyFile,
        auth: password ? 'password' : 'key',
        sudo: user !== 'root',
      }),
    );
  }

  // Without an inventory: the appliance from the SSH config's aliases, the computes from Nova.
  if (!inventory) {
    for (const alias of input.sshAliases.filter((a) => appliancePattern.test(a))) {
      const view = input.ssh[alias];
      if (!view) continue;
      const id = uniqueId(alias);
      const via = addChain(view.chain, `ssh config (${alias})`);
      hosts.push(
        hostOf({
          id,
          name: alias,
          role: 'tvm',
          address: view.hostName,
          port: view.port,
          user: view.user,
          via,
          keyFile: view.keyFile,
          sudo: view.user !== 'root',
        }),
      );
    }
    for (const hv of input.hypervisors ?? []) {
      const name = hv.hostname;
      const view =
        input.ssh[name] ??
        input.ssh[name.split('.')[0] ?? name] ??
        (hv.hostIp ? input.ssh[hv.hostIp] : undefined);
      const address = view?.hostName ?? hv.hostIp;
      if (!address) {
        note('nova', `Hypervisor ${name} has no host IP and no SSH config entry: not added.`);
        continue;
      }
      const id = uniqueId(name);
      const via = addChain(view?.chain ?? [], `nova (${name})`);
      hosts.push(
        hostOf({
          id,
          name,
          role: 'compute',
          address,
          port: view?.port ?? 22,
          user: view?.user ?? 'root',
          via,
          keyFile: view?.keyFile,
          sudo: (view?.user ?? 'root') !== 'root',
        }),
      );
    }
  }
  const keptHosts = hosts.map((h) => withStoredSecrets(h, base));

  // ── Trilio and shares ─────────────────────────────────────────────────────
  const appliance = input.appliance;
  const trilioBase = base?.trilio ?? profileSchema.parse(minimal()).trilio;
  const target = { ...trilioBase.target };
  if (appliance) {
    for (const n of appliance.notes) note('appliance', n);
    const hint = inventory ? installerHint(inventory) : undefined;
    if (appliance.installer) {
      target.installer = appliance.installer;
      if (hint && hint !== appliance.installer)
        note(
          'appliance',
          `The inventory looks like ${hint}, but the appliance shows ${appliance.evidence ?? appliance.installer}: using what the appliance shows (${appliance.installer}).`,
        );
    } else if (hint) target.installer = hint;
    if (appliance.release) target.release = appliance.release;
    const facts = installerFacts(target.installer);
    if (appliance.mountRoot && appliance.mountRoot !== facts.mountRoot)
      target.mountRoot = appliance.mountRoot;
    const release = parseRelease(target.release);
    if (appliance.folderForm && release && folderFormOf(release) !== appliance.folderForm)
      target.folderForm = appliance.folderForm;
    if (appliance.configModel === 'backends' || appliance.configModel === 'managed')
      target.configModel = appliance.configModel;
  } else if (inventory) {
    const hint = installerHint(inventory);
    if (hint) {
      target.installer = hint;
      note(
        'inventory',
        `Installer ${hint} taken from the inventory's groups (the appliance was not inspected).`,
      );
    }
  }
  const trusteeRole = appliance?.trusteeRole ?? trilioBase.trusteeRole;
  if (appliance?.domainName && appliance.domainName !== clouds.target.domain) {
    clouds.target.domain = appliance.domainName;
    note(
      'appliance',
      `Target domain ${appliance.domainName}: the appliance's domain_name (the domain whose projects are restore targets).`,
    );
  }

  const nfs = {
    source: input.nfs.source ?? base?.nfs.source ?? '',
    target: input.nfs.target ?? appliance?.nfsExports[0] ?? base?.nfs.target ?? '',
    syncedCopy: input.nfs.syncedCopy ?? base?.nfs.syncedCopy ?? '',
  };
  if (!input.nfs.target && appliance?.nfsExports[0])
    note('appliance', `NFS B1 (target share) read from the appliance: ${appliance.nfsExports[0]}.`);
  if (appliance && appliance.nfsExports.length > 1 && !input.nfs.target)
    note(
      'appliance',
      `The appliance lists ${appliance.nfsExports.length} shares (${appliance.nfsExports.join(', ')}); took the first as B1.`,
    );

  const draft: ProfileInput = {
    ...(base ?? {}),
    id: base?.id ?? '',
    name: input.name,
    description:
      base?.description || 'Discovered from the admin’s clouds.yaml/openrc, SSH config, inventory and Nova.',
    clouds,
    hosts: keptHosts,
    nfs,
    trilio: { ...trilioBase, trusteeRole, target },
  };
  const profile = withFoundSecrets(profileSchema.parse(draft), base, secrets);

  const sshAddressOf = (name: string) => input.ssh[name]?.hostName;
  const nova = input.hypervisors ? compareWithNova(profile.hosts, input.hypervisors, sshAddressOf) : null;
  if (nova)
    for (const row of nova.missingFromProfile)
      note(
        'nova',
        `Hypervisor ${row.hypervisor} is in Nova but not in the profile${row.suggestedAddress ? ` (reachable at ${row.suggestedAddress})` : ''}.`,
      );
  if (nova)
    for (const h of nova.notInNova)
      note('nova', `${h.name} (${h.address}) is in the profile but Nova does not list it.`);
  return { profile, secrets, nova, notes };
}

function hostOf(h: {
  id: string;
  name: string;
  role: HostConfig['role'];
  address: string;
  port: number;
  user: string;
  via: string;
  keyFile?: string | undefined;
  auth?: HostConfig['auth'];
  sudo?: boolean;
}): HostConfig {
  return {
    id: h.id,
    name: h.name,
    role: h.role,
    address: h.address,
    port: h.port,
    user: h.user,
    auth: h.auth ?? 'key',
    keyFile: h.auth === 'password' ? '' : (h.keyFile ?? ''),
    privateKey: 'not set',
    keyPassphrase: 'not set',
    password: 'not set',
    via: h.via,
    sudo: h.sudo ?? h.user !== 'root',
  };
}

/** A host the stored profile already has keeps its stored secret states (the diff then shows none). */
function withStoredSecrets(host: HostConfig, base: Profile | null): HostConfig {
  const stored = base?.hosts.find((h) => h.id === host.id);
  if (!stored) return host;
  return {
    ...host,
    privateKey: stored.privateKey,
    keyPassphrase: stored.keyPassphrase,
    password: stored.password,
  };
}

/** Secret fields say 'set' where a secret was found now or the stored profile already has one. */
function withFoundSecrets(profile: Profile, base: Profile | null, found: Record<string, string>): Profile {
  const present = new Set(Object.keys(found));
  if (base) {
    for (const key of secretKeysOf(base)) if (secretStateOf(base, key) === 'set') present.add(key);
  }
  return withSecretStates(profile, present);
}

function secretStateOf(profile: Profile, key: string): string | undefined {
  const [scope, id, field] = key.split('.');
  if (scope === 'clouds')
    return (profile.clouds as Record<string, Record<string, unknown>>)[id!]?.[field!] as string;
  if (scope === 'hosts') return profile.hosts.find((h) => h.id === id)?.[field as 'password'];
  if (scope === 'smtp') return profile.smtp.password;
  return undefined;
}

function minimal(): ProfileInput {
  return {
    name: 'x',
    clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
    nfs: { target: '', syncedCopy: '' },
  };
}
