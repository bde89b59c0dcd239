import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { LabCloud, LabCloudAdmin } from '../lab-json.js';
import { ports } from '../topology.js';
import {
  adminSpec,
  cloudDomain,
  cloudRegion,
  roleNames,
  smtpCredentials,
  trusteeRole,
  type CloudKey,
} from './clouds-spec.js';
import { authUrl, cloudsDir, logDir, loopback, mailDir, neutronUrl, runDir } from './clouds-paths.js';
import { registerService, type RegisteredService, type ServiceRegistration } from './keystone-catalog.js';
import { ensureKeystone, keystoneLogFiles, stopKeystone, tokenLifetimeSeconds } from './keystone.js';
import { strayServices, terminateGroup } from './proc-table.js';
import { withLock } from './state-files.js';
import { ensureNeutron, neutronLogFiles, prepareNeutron, stopNeutron } from './neutron.js';
import { OpenStackSession } from './openstack-session.js';
import { ensurePostgres, postgresLogFile, stopPostgres } from './postgres.js';
import { seedIdentity, type SeededIdentity, type SeededUser } from './seed-identity.js';
import { seedNetworks, type SeededNetwork } from './seed-networks.js';
import { ensureSmtpSink, smtpCertFile, stopSmtpSink } from './smtp-sink.js';

/**
 * The lab's clouds for the orchestrator: PostgreSQL, one real Keystone hosting both clouds (regions
 * RegionA/RegionB, domains cloud_a/cloud_b), a real Neutron API and an SMTP sink. `upClouds` is
 * idempotent and reuses what runs; `downClouds` stops everything it started.
 */

export type { RegisteredService, ServiceRegistration } from './keystone-catalog.js';
export type { SeededUser } from './seed-identity.js';
export type { SeededNetwork } from './seed-networks.js';
export { openstackCliEnv, type CliIdentity } from './openstack-cli-env.js';

export interface SeededCloud extends LabCloud {
  domainId: string;
  admin: LabCloudAdmin & { userId: string; projectId: string };
  users: Record<string, SeededUser>;
  networks: Record<string, SeededNetwork>;
}

export type ServiceState = 'reused' | 'started' | 'restarted';

export interface CloudsState {
  /** Keystone v3, shared by both clouds. */
  authUrl: string;
  neutronUrl: string;
  /** Keystone's `[token] expiration`. */
  tokenLifetimeSeconds: number;
  clouds: { A: SeededCloud; B: SeededCloud };
  /** The role a user needs so Trilio acts for them (`creator`). */
  trusteeRole: string;
  /** Role name → id. */
  roles: Record<string, string>;
  /** Service users (domain Default, `admin` on project `service`): `neutron`, `trilio`. */
  serviceUsers: Record<
    string,
    {
      id: string;
      password: string;
      project: string;
      projectId: string;
      userDomain: string;
      projectDomain: string;
    }
  >;
  smtp: {
    host: string;
    port: number;
    /** A Maildir: each message is one file under `<maildir>/new`. */
    maildir: string;
    username: string;
    password: string;
    /** STARTTLS is mandatory and AUTH (PLAIN, LOGIN) is offered only after it. */
    starttls: 'required';
    /** The sink's self-signed certificate, to pass as a client's CA. */
    caCertFile: string;
  };
  postgres: { host: string; port: number; databases: string[] };
  logs: Record<string, string>;
  /** What this call did and how long it took. */
  startup: { ms: number; services: Record<'postgres' | 'keystone' | 'neutron' | 'smtp', ServiceState> };
}

const lockFile = path.join(runDir, 'clouds.lock');
const databases = ['keystone', 'neutron'];

/** An admin session on the lab's Keystone (project `admin`, domain Default). */
export function adminSession(): OpenStackSession {
  return new OpenStackSession(authUrl, { ...adminSpec });
}

/**
 * Brings the clouds up (or confirms they are up) and returns everything `lab.json` needs. Safe to
 * call any number of times: running services are reused, seeded objects are looked up before creating.
 */
export async function upClouds(): Promise<CloudsState> {
  return withLock(lockFile, 300_000, async () => {
    const startedAt = Date.now();
    const [clouds, smtp] = await Promise.all([upOpenStack(), ensureSmtpSink()]);
    return buildState(clouds.identity, clouds.networks, {
      ms: Date.now() - startedAt,
      services: { ...clouds.services, smtp },
    });
  });
}

async function upOpenStack(): Promise<{
  identity: SeededIdentity;
  networks: Record<CloudKey, Record<string, SeededNetwork>>;
  services: Record<'postgres' | 'keystone' | 'neutron', ServiceState>;
}> {
  const postgres = (await ensurePostgres(databases)).started ? 'started' : 'reused';
  // Neutron's migration needs only PostgreSQL, so it runs while Keystone starts and is seeded.
  const [identity, neutronPrepared] = await Promise.all([upKeystone(), prepareNeutron()]);
  const neutron = await ensureNeutron(neutronPrepared.configChanged);
  const networks = await seedNetworks(identity.session, identity.seeded.projects);
  return { identity: identity.seeded, networks, services: { postgres, keystone: identity.state, neutron } };
}

async function upKeystone(): Promise<{
  seeded: SeededIdentity;
  session: OpenStackSession;
  state: ServiceState;
}> {
  const state = await ensureKeystone();
  const session = adminSession();
  const seeded = await seedIdentity(session);
  await registerCatalog(session);
  return { seeded, session, state };
}

/** Identity in both regions (bootstrap made RegionA's), Neutron in both (one Neutron serves both clouds). */
async function registerCatalog(session: OpenStackSession): Promise<void> {
  await registerService(session, {
    type: 'identity',
    name: 'keystone',
    url: authUrl,
    region: cloudRegion('B'),
  });
  for (const cloud of ['A', 'B'] as const)
    await registerService(session, {
      type: 'network',
      name: 'neutron',
      url: neutronUrl,
      region: cloudRegion(cloud),
    });
}

/**
 * Registers a catalog service and its endpoints (public, internal, admin unless `interfaces` says
 * otherwise) in one region, idempotently; an endpoint with a different URL is corrected. Keystone
 * must be up (after `upClouds`). For example the Trilio emulator:
 * `ensureService({ type: 'workloads', name: 'TrilioVaultWLM', url: 'http://127.0.0.1:8780/v1/$(project_id)s', region: 'RegionB' })`.
 */
export async function ensureService(spec: ServiceRegistration): Promise<RegisteredService> {
  return registerService(adminSession(), spec);
}

function buildState(
  identity: SeededIdentity,
  networks: Record<CloudKey, Record<string, SeededNetwork>>,
  startup: CloudsState['startup'],
): CloudsState {
  const cloud = (key: CloudKey): SeededCloud => ({
    authUrl,
    region: cloudRegion(key),
    domain: cloudDomain(key),
    domainId: identity.domainIds[key],
    admin: { ...adminSpec, userId: identity.admin.userId, projectId: identity.admin.projectId },
    projects: identity.projects[key],
    users: identity.users[key],
    networks: networks[key],
  });
  const serviceUsers: CloudsState['serviceUsers'] = {};
  for (const [name, user] of Object.entries(identity.serviceUsers))
    serviceUsers[name] = {
      ...user,
      project: 'service',
      projectId: identity.serviceProjectId,
      userDomain: 'Default',
      projectDomain: 'Default',
    };
  return {
    authUrl,
    neutronUrl,
    tokenLifetimeSeconds,
    clouds: { A: cloud('A'), B: cloud('B') },
    trusteeRole,
    roles: Object.fromEntries(roleNames.map((name) => [name, identity.roleIds[name] ?? ''])),
    serviceUsers,
    smtp: {
      host: loopback,
      port: ports.smtp,
      maildir: mailDir,
      ...smtpCredentials,
      starttls: 'required',
      caCertFile: smtpCertFile,
    },
    postgres: { host: loopback, port: ports.postgres, databases },
    logs: {
      postgres: postgresLogFile,
      keystone: keystoneLogFiles.keystone,
      keystoneGunicorn: keystoneLogFiles.gunicorn,
      keystoneManage: keystoneLogFiles.manage,
      neutron: neutronLogFiles.server,
      neutronConsole: neutronLogFiles.console,
      smtp: path.join(logDir, 'smtp-sink.log'),
    },
    startup,
  };
}

export interface DownResult {
  /** Services that were running and are now stopped. */
  stopped: string[];
  /** Lab service processes found without a pid file and ended (pid and command line). */
  strays: { pid: number; cmdline: string }[];
  purged: boolean;
}

/**
 * Stops every process `upClouds` started (by pid file, whole process groups) and any lab service
 * that lost its pid file. `purge` also deletes `.lab/clouds` and `.lab/mail` (databases, keys, mail);
 * without it the next `upClouds` restarts on the same data in seconds.
 */
export async function downClouds(options: { purge?: boolean } = {}): Promise<DownResult> {
  return withLock(lockFile, 300_000, async () => {
    const stopped: string[] = [];
    const steps: [string, () => Promise<boolean>][] = [
      ['smtp', stopSmtpSink],
      ['neutron', stopNeutron],
      ['keystone', stopKeystone],
      ['postgres', stopPostgres],
    ];
    for (const [name, stop] of steps) if (await stop()) stopped.push(name);
    const strays = await strayServices(
      [cloudsDir, mailDir],
      ['postgres', 'neutron-server', 'gunicorn', 'smtp-sink.py'],
    );
    for (const stray of strays) await terminateGroup(stray.pid, 10_000).catch(() => undefined);
    if (options.purge) {
      await rm(cloudsDir, { recursive: true, force: true });
      await rm(mailDir, { recursive: true, force: true });
    }
    return { stopped, strays, purged: options.purge === true };
  });
}
