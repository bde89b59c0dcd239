import type { Profile } from '../../../shared/profile/profile.js';
import type { SecretKey } from '../../../shared/profile/secret-keys.js';
import type { ApplianceFacts } from '../../../shared/onboarding/assemble-profile.js';
import type { HypervisorLite } from '../../../shared/onboarding/nova-compare.js';
import { applianceProbeArgv, parseApplianceProbe } from '../../../shared/plans/onboarding-probes.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { openCloudSession } from '../clients/cloud-session.js';
import { NovaClient } from '../clients/nova-client.js';
import { TrilioClient } from '../clients/trilio-client.js';
import { createCredentialResolver, targetOf } from '../ssh/credentials.js';
import { runCommand } from '../ssh/exec.js';
import type { KnownHostsStore } from '../ssh/known-hosts-store.js';
import { SshPool } from '../ssh/pool.js';

/**
 * The two things discovery asks the live environment (read-only): Nova's hypervisors of the target
 * cloud, and the target appliance's Trilio configuration over SSH. Both use the credentials just
 * found (not saved yet) and the host keys found in known_hosts; a failure is a note, not the end of
 * the discovery (the admin may be onboarding from a machine that cannot reach everything yet).
 */
export interface ProbeDeps {
  getSecret: (key: SecretKey) => string | undefined;
  knownHosts: KnownHostsStore;
  agentSocket?: string | undefined;
  signal?: AbortSignal | undefined;
}

export async function novaHypervisors(profile: Profile, deps: ProbeDeps): Promise<Result<HypervisorLite[]>> {
  const session = await openCloudSession(profile.clouds.target, 'target', deps.getSecret, {
    timeoutMs: 10_000,
  });
  if (!session.ok) return session;
  try {
    const listed = await new NovaClient(session.value).listHypervisors({ signal: deps.signal });
    if (!listed.ok) return listed;
    return ok(
      listed.value.map((h) => ({
        hostname: h.hypervisor_hostname,
        ...(h.service?.host ? { serviceHost: h.service.host } : {}),
        ...(h.host_ip ? { hostIp: h.host_ip } : {}),
        ...(h.state ? { state: h.state } : {}),
        ...(h.status ? { status: h.status } : {}),
      })),
    );
  } finally {
    session.value.close();
  }
}

/**
 * The target Trilio's release as its API reports it (`workload-nodes`, each node's `version`, admin):
 * major.minor of the first node, with the full version for the note.
 */
export async function trilioRelease(
  profile: Profile,
  deps: ProbeDeps,
): Promise<Result<{ release: string; version: string }>> {
  const session = await openCloudSession(profile.clouds.target, 'target', deps.getSecret, {
    timeoutMs: 10_000,
  });
  if (!session.ok) return session;
  try {
    const trilio = new TrilioClient(session.value, { url: profile.clouds.target.trilioUrl });
    const nodes = await trilio.listNodes({ signal: deps.signal });
    if (!nodes.ok) return nodes;
    const version = nodes.value
      .map((n) => n.version)
      .find((v): v is string => typeof v === 'string' && v !== '');
    const release = version ? /^(\d+\.\d+)/.exec(version)?.[1] : undefined;
    if (!version || !release)
      return fail({ code: 'not-found', message: 'The Trilio API lists no node with a version.' });
    return ok({ release, version });
  } finally {
    session.value.close();
  }
}

export async function probeAppliance(profile: Profile, deps: ProbeDeps): Promise<Result<ApplianceFacts>> {
  const tvm = profile.hosts.find((h) => h.role === 'tvm');
  if (!tvm) return fail({ code: 'not-found', message: 'No appliance (tvm) host to inspect.' });
  const resolve = createCredentialResolver(
    deps.getSecret,
    deps.agentSocket ? { agentSocket: deps.agentSocket } : {},
  );
  const byId = new Map(profile.hosts.map((h) => [h.id, h]));
  const pool = new SshPool({
    hosts: profile.hosts.map(targetOf),
    credentials: (t) => resolve(byId.get(t.id)!),
    knownHosts: deps.knownHosts,
    connectTimeoutSec: Math.min(profile.ssh.connectTimeoutSec, 10),
    keepaliveSec: 0,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  try {
    const conn = await pool.get(tvm.id);
    if (!conn.ok) return conn;
    const run = await runCommand(
      conn.value,
      { argv: applianceProbeArgv(), privileged: true },
      {
        runId: 'discovery',
        step: 'discover',
        sink: () => undefined,
        timeoutMs: 30_000,
        ...(deps.signal ? { signal: deps.signal } : {}),
      },
    );
    if (!run.ok) return run;
    const probe = parseApplianceProbe(run.value.stdout);
    return ok({
      hostId: tvm.id,
      ...(probe.installer ? { installer: probe.installer } : {}),
      ...(probe.configFile ? { evidence: probe.configFile } : {}),
      ...(probe.release ? { release: probe.release } : {}),
      ...(probe.mountRoot ? { mountRoot: probe.mountRoot } : {}),
      nfsExports: probe.nfsExports,
      ...(probe.folderForm ? { folderForm: probe.folderForm } : {}),
      ...(probe.configModel ? { configModel: probe.configModel } : {}),
      ...(probe.domainName ? { domainName: probe.domainName } : {}),
      ...(probe.trusteeRole ? { trusteeRole: probe.trusteeRole } : {}),
      notes: probe.notes,
    });
  } finally {
    await pool.closeAll();
  }
}

/** A probe's failure as one line for the discovery's notes. */
export function probeNote(what: string, error: AppError): string {
  return `${what}: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
}
