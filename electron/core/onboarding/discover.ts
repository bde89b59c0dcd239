import { randomUUID } from 'node:crypto';
import type { Profile } from '../../../shared/profile/profile.js';
import type { SecretKey } from '../../../shared/profile/secret-keys.js';
import { validateProfile } from '../../../shared/profile/validate-profile.js';
import { assembleProfile, type AssembleInput } from '../../../shared/onboarding/assemble-profile.js';
import type {
  Discovery,
  DiscoveryRequest,
  DiscoverySource,
  HostKeyFinding,
} from '../../../shared/onboarding/discovery-types.js';
import { diffProfiles } from '../../../shared/onboarding/profile-diff.js';
import { ok, type Result } from '../../../shared/result.js';
import { importKnownHosts } from '../ssh/known-hosts-file.js';
import { knownHostKey, type KnownHostEntry } from '../ssh/known-hosts-store.js';
import { MemoryKnownHostsStore } from '../ssh/memory-known-hosts-store.js';
import { expandHome, readText, type OnboardingEnv } from './onboarding-env.js';
import { novaHypervisors, probeAppliance, probeNote, trilioRelease } from './probe-environment.js';
import { readSources, sshViews } from './read-sources.js';

/**
 * "Start from my environment": reads what the admin has, asks the target cloud's Nova and the target
 * appliance (unless `probe: false`), and proposes a profile with the diff against the stored one. The
 * secrets and host keys found stay here (`PendingDiscovery`) until the admin saves.
 */
export interface PendingDiscovery {
  discovery: Discovery;
  secrets: Record<string, string>;
  /** Host keys found in known_hosts for the profile's hosts (`pinned` findings). */
  knownHosts: KnownHostEntry[];
}

export interface DiscoverDeps {
  env: OnboardingEnv;
  /** The stored profile of that name, if any. */
  existing: Profile | null;
  /** A secret of the stored profile (a re-discovery keeps passwords that are not in the files). */
  storedSecret?: (key: string) => string | undefined;
  /** Host keys already pinned for the stored profile. */
  storedHostKeys?: (host: string) => KnownHostEntry[];
  agentSocket?: string | undefined;
  signal?: AbortSignal | undefined;
}

export async function discover(req: DiscoveryRequest, deps: DiscoverDeps): Promise<Result<PendingDiscovery>> {
  const read = readSources(req, deps.env);
  if (!read.ok) return read;
  const { clouds, inventory, ssh, sources } = read.value;

  const names = new Set<string>();
  for (const h of inventory?.hosts ?? []) {
    names.add(h.name);
    const address = h.vars.ansible_host ?? h.vars.ansible_ssh_host;
    if (address !== undefined && address !== '') names.add(String(address));
  }
  for (const alias of ssh?.aliases() ?? []) names.add(alias);

  const base: AssembleInput = {
    name: req.name,
    existing: deps.existing,
    clouds,
    ...(inventory ? { inventory } : {}),
    ssh: sshViews(ssh, [...names], inventory, deps.env),
    sshAliases: ssh?.aliases() ?? [],
    nfs: req.nfs ?? {},
  };
  let assembled = assembleProfile(base);

  // Host keys: every known_hosts file the SSH config names (or the ones given), for the profile's hosts.
  const knownHostFiles = req.knownHosts?.length
    ? req.knownHosts.map((f) => expandHome(f, deps.env))
    : [expandHome('~/.ssh/known_hosts', deps.env), expandHome('~/.ssh/known_hosts2', deps.env)];
  const hostNames = assembled.profile.hosts.map((h) => knownHostKey(h.address, h.port));
  const found: KnownHostEntry[] = [];
  for (const file of knownHostFiles) {
    const text = readText(file);
    if (!text.ok) {
      if (req.knownHosts?.length)
        sources.push({ kind: 'known_hosts', origin: file, summary: text.message, notes: [] });
      continue;
    }
    const imported = importKnownHosts(text.text, hostNames);
    found.push(
      ...imported.entries.filter((e) => !found.some((f) => f.host === e.host && f.keyBase64 === e.keyBase64)),
    );
    sources.push({
      kind: 'known_hosts',
      origin: file,
      summary: `${new Set(imported.entries.map((e) => e.host)).size} of the profile's hosts found`,
      notes: imported.notes.filter((n) => !/hashed or wildcard/.test(n)),
    });
  }

  const secretOf = (secrets: Record<string, string>) => (key: SecretKey) =>
    secrets[key] ?? deps.storedSecret?.(key);
  if (req.probe !== false) {
    const trustStore = new MemoryKnownHostsStore([
      ...found,
      ...hostNames.flatMap((h) => deps.storedHostKeys?.(h) ?? []),
    ]);
    const probeDeps = {
      getSecret: secretOf(assembled.secrets),
      knownHosts: trustStore,
      agentSocket: deps.agentSocket,
      signal: deps.signal,
    };
    const [hypervisors, appliance, release] = await Promise.all([
      clouds.target ? novaHypervisors(assembled.profile, probeDeps) : undefined,
      probeAppliance(assembled.profile, probeDeps),
      clouds.target ? trilioRelease(assembled.profile, probeDeps) : undefined,
    ]);
    // The release the Trilio API reports wins over a package version read on the node.
    if (release?.ok) {
      const note = `Trilio release ${release.value.release} (the API reports version ${release.value.version}).`;
      if (appliance.ok) {
        appliance.value.release = release.value.release;
        appliance.value.notes = [
          ...appliance.value.notes.filter((n) => !/release could not be read/.test(n)),
          note,
        ];
      }
      sources.push({
        kind: 'appliance',
        origin: 'target cloud: GET /workloads/metrics/nodes',
        summary: note,
        notes: [],
      });
    }
    if (hypervisors)
      sources.push(
        hypervisors.ok
          ? {
              kind: 'nova',
              origin: 'target cloud: GET /os-hypervisors/detail',
              summary: `${hypervisors.value.length} hypervisors`,
              notes: [],
            }
          : {
              kind: 'nova',
              origin: 'target cloud',
              summary: 'not read',
              notes: [probeNote('Nova', hypervisors.error)],
            },
      );
    sources.push(
      appliance.ok
        ? {
            kind: 'appliance',
            origin: `${appliance.value.hostId}: ${appliance.value.evidence ?? 'no Trilio configuration'}`,
            summary: `installer ${appliance.value.installer ?? 'unknown'}, shares ${appliance.value.nfsExports.join(', ') || 'none'}`,
            notes: [],
          }
        : {
            kind: 'appliance',
            origin: 'target appliance',
            summary: 'not inspected',
            notes: [probeNote('Appliance', appliance.error)],
          },
    );
    const facts = appliance.ok
      ? appliance.value
      : release?.ok
        ? { hostId: '', release: release.value.release, nfsExports: [], notes: [] }
        : undefined;
    assembled = assembleProfile({
      ...base,
      ...(hypervisors?.ok ? { hypervisors: hypervisors.value } : {}),
      ...(facts ? { appliance: facts } : {}),
    });
  }

  const profile = assembled.profile;
  const hostKeys: HostKeyFinding[] = profile.hosts.map((h) => {
    const host = knownHostKey(h.address, h.port);
    const fromFile = found.filter((e) => e.host === host);
    const stored = deps.storedHostKeys?.(host) ?? [];
    const changed =
      fromFile.length > 0 &&
      stored.length > 0 &&
      !fromFile.some((f) => stored.some((s) => s.keyBase64 === f.keyBase64));
    if (changed)
      return { hostId: h.id, host, status: 'changed', fingerprints: fromFile.map((e) => e.fingerprint) };
    if (stored.length > 0)
      return { hostId: h.id, host, status: 'kept', fingerprints: stored.map((e) => e.fingerprint) };
    if (fromFile.length > 0)
      return {
        hostId: h.id,
        host,
        status: 'pinned',
        fingerprints: fromFile.map((e) => e.fingerprint),
        source: 'known_hosts',
      };
    return { hostId: h.id, host, status: 'unknown', fingerprints: [] };
  });
  const pinned = new Set(hostKeys.filter((k) => k.status === 'pinned').map((k) => k.host));

  // Notes of the assembly go with the source they came from (a source of their own otherwise).
  for (const n of assembled.notes) {
    const kind = sourceKindOf(n.origin);
    let source = sources.find((s) => s.kind === kind && (kind !== 'openrc' || s.origin === n.origin));
    if (!source) {
      source = { kind, origin: n.origin, summary: '', notes: [] };
      sources.push(source);
    }
    source.notes.push(source.origin === n.origin ? n.note : `${n.origin}: ${n.note}`);
  }

  const discovery: Discovery = {
    id: randomUUID(),
    profile,
    existing: deps.existing,
    diff: diffProfiles(deps.existing, profile),
    hostKeys,
    nova: assembled.nova,
    sources,
    secretsFound: Object.keys(assembled.secrets).sort(),
    problems: validateProfile(profile),
  };
  return ok({ discovery, secrets: assembled.secrets, knownHosts: found.filter((e) => pinned.has(e.host)) });
}

function sourceKindOf(origin: string): DiscoverySource['kind'] {
  for (const kind of ['clouds.yaml', 'ssh config', 'nova', 'appliance', 'inventory'] as const)
    if (origin.startsWith(kind)) return kind;
  return 'openrc';
}

/** Discoveries waiting for the admin's decision; their secrets never leave the core. */
export class PendingDiscoveries {
  private readonly items = new Map<string, { pending: PendingDiscovery; at: number }>();
  constructor(private readonly ttlMs = 30 * 60_000) {}

  add(pending: PendingDiscovery): void {
    this.prune();
    this.items.set(pending.discovery.id, { pending, at: Date.now() });
  }

  take(id: string): PendingDiscovery | undefined {
    this.prune();
    const item = this.items.get(id);
    this.items.delete(id);
    return item?.pending;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, item] of this.items) if (now - item.at > this.ttlMs) this.items.delete(id);
  }
}
