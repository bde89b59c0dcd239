import type { HostConfig, Profile } from '../../../shared/profile/profile.js';
import type { SecretKey } from '../../../shared/profile/secret-keys.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import {
  CinderClient,
  KeystoneClient,
  NeutronClient,
  NovaClient,
  TrilioClient,
  openCloudSession,
  openClouds,
  type CloudClients,
  type OpenClouds,
} from '../clients/index.js';
import type { LogSink } from '../log-sink.js';
import { createCredentialResolver, targetOf } from '../ssh/credentials.js';
import type { KnownHostsStore } from '../ssh/known-hosts-store.js';
import { SshPool } from '../ssh/pool.js';

/**
 * What the DR steps of one run use to touch the world: one SSH pool (a connection per host, reused by
 * every step), the clouds' API clients, the log sink and the scrubber every secret is registered with.
 * Built when a step starts, closed when it ends (a resumed run reconnects).
 */
export interface RunServices {
  profile: Profile;
  pool: SshPool;
  clouds: OpenClouds;
  /**
   * The target cloud's clients with a token scoped to one of its projects (by name, in the target
   * domain): restores and workload deletes act inside the project that owns the workload.
   */
  projectClients(projectName: string): Promise<Result<CloudClients>>;
  getSecret(key: SecretKey): string | undefined;
  /**
   * Registers a secret read from a host (the database password in the appliance config) with the
   * scrubber, before anything can print it.
   */
  addSecret(value: string): void;
  sink: LogSink;
  scrub: (text: string) => string;
  host(id: string): Result<HostConfig>;
  /** The Trilio appliance nodes, then the compute nodes, as the profile lists them. */
  tvms(): HostConfig[];
  computes(): HostConfig[];
  commandTimeoutMs: number;
  concurrency: number;
}

export interface RunServicesDeps {
  getSecret(key: SecretKey): string | undefined;
  /** The scrubber's `add` (default: nothing registered, for tests that keep no logs). */
  addSecret?: (value: string) => void;
  knownHosts: KnownHostsStore;
  sink: LogSink;
  scrub: (text: string) => string;
  agentSocket?: string;
}

export function openRunServices(profile: Profile, deps: RunServicesDeps, signal: AbortSignal): RunServices {
  const resolve = createCredentialResolver(deps.getSecret, {
    ...(deps.agentSocket ? { agentSocket: deps.agentSocket } : {}),
  });
  const byId = new Map(profile.hosts.map((h) => [h.id, h]));
  const pool = new SshPool({
    hosts: profile.hosts.map(targetOf),
    credentials: (target) => {
      const host = byId.get(target.id);
      return host
        ? resolve(host)
        : fail({ code: 'not-found', message: `No host ${target.id} in the profile.` });
    },
    knownHosts: deps.knownHosts,
    connectTimeoutSec: profile.ssh.connectTimeoutSec,
    keepaliveSec: profile.ssh.keepaliveSec,
    signal,
  });
  const scoped = new Map<string, Promise<Result<CloudClients>>>();
  const projectClients = (projectName: string): Promise<Result<CloudClients>> => {
    const cached = scoped.get(projectName);
    if (cached) return cached;
    const cloud = profile.clouds.target;
    const pending = openCloudSession(
      { ...cloud, project: projectName, projectDomain: cloud.domain },
      'target',
      deps.getSecret,
    ).then((session): Result<CloudClients> => {
      if (!session.ok) {
        scoped.delete(projectName);
        return session;
      }
      const s = session.value;
      return ok({
        side: 'target',
        session: s,
        keystone: new KeystoneClient(s),
        neutron: new NeutronClient(s),
        nova: new NovaClient(s),
        cinder: new CinderClient(s),
        trilio: new TrilioClient(s, { url: cloud.trilioUrl }),
      });
    });
    scoped.set(projectName, pending);
    return pending;
  };
  const clouds = openClouds(profile, deps.getSecret);
  return {
    profile,
    pool,
    clouds: {
      ...clouds,
      close: () => {
        clouds.close();
        for (const p of scoped.values()) void p.then((r) => r.ok && r.value.session.close());
        scoped.clear();
      },
    },
    projectClients,
    getSecret: deps.getSecret,
    addSecret: deps.addSecret ?? (() => undefined),
    sink: deps.sink,
    scrub: deps.scrub,
    host: (id) => {
      const host = byId.get(id);
      return host
        ? ok(host)
        : fail({
            code: 'not-found',
            message: `The profile has no host "${id}".`,
            hint: 'Check the hosts table.',
          });
    },
    tvms: () => profile.hosts.filter((h) => h.role === 'tvm'),
    computes: () => profile.hosts.filter((h) => h.role === 'compute'),
    commandTimeoutMs: profile.ssh.commandTimeoutSec * 1000,
    concurrency: Math.max(1, profile.ssh.concurrency),
  };
}

export async function closeRunServices(services: RunServices): Promise<void> {
  services.clouds.close();
  await services.pool.closeAll();
}
