import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { adminSession } from '../test/lab/clouds/index.js';
import { keystoneUrl, neutronUrl } from '../test/lab/clouds/clouds-paths.js';
import type { OpenStackSession } from '../test/lab/clouds/openstack-session.js';
import type { LabJson } from '../test/lab/lab-json.js';
import { syncShareCopy } from '../test/lab/trilio/share-sync.js';
import {
  completeMarker,
  createLimiter,
  ensureWorkloadFolder,
  planWorkloads,
  writersOf,
} from '../test/lab/trilio/workload-generator.js';
import { addSnapshotNetworks, flavors, type WorkloadSpec } from '../test/lab/trilio/workload-specs.js';
import type { WorldWorkload } from '../test/lab/trilio/world-types.js';

/**
 * The scale bench's world beside the lab's own (never part of `npm test`'s lab): P source projects on
 * cloud A (`scale-p01` … with owner `scale-u01` …), each with W workloads of V VMs (one small volume
 * disk and one NIC each) and S snapshots (a full and S−1 incrementals) written on A1 and synced to
 * B2 (the replicated share the DR reads), and the P restore projects on cloud B (`scale-p01-dr`, a
 * trustee user `scale-u01-dr`, one network and subnet). qcow2 files are template copies (see
 * ImageMaker). `removeScaleWorld` takes all of it away again, whatever a stopped run left.
 */

export interface ScaleShape {
  projects: number;
  workloadsPerProject: number;
  vmsPerWorkload: number;
  snapshots: number;
}

export const prefix = 'scale-';
const pad = (n: number) => String(n).padStart(2, '0');
export const sourceProject = (p: number) => `${prefix}p${pad(p)}`;
export const targetProject = (p: number) => `${sourceProject(p)}-dr`;
const owner = (p: number) => `${prefix}u${pad(p)}`;
const sourceNet = (p: number) => `${sourceProject(p)}-net`;
const targetNet = (p: number) => `${targetProject(p)}-net`;

/** The workload specs (cloud A, share A1) and the snapshot networks they name. */
export function scaleSpecs(shape: ScaleShape): WorkloadSpec[] {
  const networks: Record<string, { subnets: { name: string; cidr: string; gateway: string }[] }> = {};
  const specs: WorkloadSpec[] = [];
  for (let p = 1; p <= shape.projects; p++) {
    networks[sourceNet(p)] = {
      subnets: [{ name: `${sourceProject(p)}-subnet`, cidr: `10.100.${p}.0/24`, gateway: `10.100.${p}.1` }],
    };
    for (let w = 1; w <= shape.workloadsPerProject; w++) {
      const key = `${sourceProject(p)}-w${pad(w)}`;
      specs.push({
        key,
        name: key,
        description: 'Scale bench workload',
        cloud: 'A',
        project: sourceProject(p),
        owner: owner(p),
        share: 'A1',
        incrementals: shape.snapshots - 1,
        vms: Array.from({ length: shape.vmsPerWorkload }, (_, v) => ({
          key: `vm${v + 1}`,
          name: `${key}-vm${v + 1}`,
          flavor: flavors.small!,
          nics: [{ network: sourceNet(p) }],
          disks: [{ name: 'vda', sizeMiB: 1, volumeType: 'ceph-hdd', boot: true }],
        })),
      });
    }
  }
  addSnapshotNetworks(networks);
  return specs;
}

interface Named {
  id: string;
  name: string;
  domain_id?: string;
  project_id?: string;
}

export interface ScaleWorld {
  workloads: WorldWorkload[];
  /** The mapping CSV `trilio-dr run full --mapping` reads. */
  mappingCsv: string;
  seconds: { identity: number; files: number; sync: number };
}

const v3 = `${keystoneUrl}/v3`;
const v2 = `${neutronUrl}/v2.0`;

/** Projects, users, grants, networks; then the workload folders on A1 and their copies on B2. */
export async function makeScaleWorld(lab: LabJson, shape: ScaleShape, log: (line: string) => void) {
  const session = adminSession();
  const t0 = Date.now();
  await removeScaleWorld(lab, session, log);
  const domain = async (name: string) =>
    (await session.request<{ domains: Named[] }>('GET', v3, `/domains?name=${name}`)).domains[0]!.id;
  const domainA = await domain(lab.clouds.A.domain);
  const domainB = await domain(lab.clouds.B.domain);
  const roles = (await session.request<{ roles: Named[] }>('GET', v3, '/roles')).roles;
  const roleId = (name: string) => roles.find((r) => r.name === name && !r.domain_id)!.id;
  const projectsA: Record<string, string> = {};
  const usersA: Record<string, { id: string }> = {};
  const mapping: string[] = ['source_project_id,source_project_name,target_project,trustee_user'];
  for (let p = 1; p <= shape.projects; p++) {
    const a = await createProject(session, sourceProject(p), domainA);
    const ua = await createUser(session, owner(p), domainA, a);
    for (const r of ['member', 'creator']) await grant(session, a, ua, roleId(r));
    projectsA[sourceProject(p)] = a;
    usersA[owner(p)] = { id: ua };
    const b = await createProject(session, targetProject(p), domainB);
    const ub = await createUser(session, `${owner(p)}-dr`, domainB, b);
    for (const r of ['member', 'creator']) await grant(session, b, ub, roleId(r));
    const net = await session.request<{ network: Named }>('POST', v2, '/networks', {
      network: { name: targetNet(p), project_id: b, admin_state_up: true },
    });
    await session.request('POST', v2, '/subnets', {
      subnet: {
        name: `${targetProject(p)}-subnet`,
        network_id: net.network.id,
        project_id: b,
        ip_version: 4,
        cidr: `10.200.${p}.0/24`,
      },
    });
    mapping.push(`${a},${sourceProject(p)},${targetProject(p)},`);
  }
  const t1 = Date.now();
  log(
    `  scale world: ${shape.projects} + ${shape.projects} projects, users and networks in ${(t1 - t0) / 1000} s`,
  );
  const workloads = planWorkloads(
    scaleSpecs(shape),
    { projects: { A: projectsA, B: {} }, users: { A: usersA, B: {} } },
    writersOf(),
  );
  const limiter = createLimiter(8);
  let written = 0;
  await Promise.all(
    workloads.map(async (wl) => {
      await ensureWorkloadFolder(lab.sharesDir.A1, wl, limiter, 'templates');
      written += 1;
      if (written % 100 === 0) log(`  scale world: ${written}/${workloads.length} workload folders written`);
    }),
  );
  const t2 = Date.now();
  await syncShareCopy(
    lab.sharesDir.A1,
    lab.sharesDir.B2,
    workloads.map((w) => `workload_${w.id}`),
    { fresh: false, marker: completeMarker },
  );
  const t3 = Date.now();
  log(
    `  scale world: ${workloads.length} workloads (${workloads.length * shape.vmsPerWorkload * shape.snapshots} qcow2 files) on A1 in ${(t2 - t1) / 1000} s, synced to B2 in ${(t3 - t2) / 1000} s`,
  );
  return {
    workloads,
    mappingCsv: `${mapping.join('\n')}\n`,
    seconds: { identity: (t1 - t0) / 1000, files: (t2 - t1) / 1000, sync: (t3 - t2) / 1000 },
  } satisfies ScaleWorld;
}

/**
 * Everything named `scale-…` in Keystone and Neutron, and the workload folders of `scale-…` workloads
 * on every share (recognised by their workload_db name), so the shared lab is as `up` left it.
 */
export async function removeScaleWorld(
  lab: LabJson,
  session: OpenStackSession = adminSession(),
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const networks = (await session.request<{ networks: Named[] }>('GET', v2, '/networks')).networks;
  for (const n of networks.filter((x) => x.name.startsWith(prefix)))
    await session.request('DELETE', v2, `/networks/${n.id}`);
  const users = (await session.request<{ users: Named[] }>('GET', v3, '/users')).users;
  for (const u of users.filter((x) => x.name.startsWith(prefix)))
    await session.request('DELETE', v3, `/users/${u.id}`);
  const projects = (await session.request<{ projects: Named[] }>('GET', v3, '/projects')).projects;
  for (const p of projects.filter((x) => x.name.startsWith(prefix)))
    await session.request('DELETE', v3, `/projects/${p.id}`);
  let folders = 0;
  for (const dir of Object.values(lab.sharesDir)) {
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      if (!/^(\.building-|\.copying-)?workload_/.test(entry)) continue;
      const db = await readWorkloadName(path.join(dir, entry));
      if (db === undefined || !db.startsWith(prefix)) continue;
      await rm(path.join(dir, entry), { recursive: true, force: true });
      folders += 1;
    }
  }
  log(
    `  scale world removed: ${networks.filter((x) => x.name.startsWith(prefix)).length} networks, ${projects.filter((x) => x.name.startsWith(prefix)).length} projects, ${folders} folders`,
  );
}

/** The `display_name` in a workload folder's workload_db ('' for a half-written folder). */
async function readWorkloadName(folder: string): Promise<string | undefined> {
  if (path.basename(folder).startsWith('.building-')) return prefix;
  try {
    const text = await readFile(path.join(folder, 'workload_db'), 'utf8');
    return /"display_name":\s*"([^"]*)"/.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

async function createProject(session: OpenStackSession, name: string, domainId: string): Promise<string> {
  const body = { project: { name, domain_id: domainId, description: 'Scale bench project' } };
  return (await session.request<{ project: Named }>('POST', v3, '/projects', body)).project.id;
}

async function createUser(
  session: OpenStackSession,
  name: string,
  domainId: string,
  projectId: string,
): Promise<string> {
  const body = {
    user: {
      name,
      domain_id: domainId,
      default_project_id: projectId,
      password: `lab-${name}-pw`,
      email: `${name}@scale.test`,
    },
  };
  return (await session.request<{ user: Named }>('POST', v3, '/users', body)).user.id;
}

function grant(session: OpenStackSession, projectId: string, userId: string, roleId: string) {
  return session.request('PUT', v3, `/projects/${projectId}/users/${userId}/roles/${roleId}`);
}
