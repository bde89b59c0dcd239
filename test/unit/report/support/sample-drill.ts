import { bindMountLine } from '../../../../shared/fstab/fstab.js';
import {
  compareInventories,
  drillProjectName,
  type DrillInventory,
  type NodeInventory,
} from '../../../../shared/drill/drill-inventory.js';
import type { DrillResource, DrillView, DrillWorkloadResult } from '../../../../shared/drill/drill-types.js';
import { mountPathFor } from '../../../../shared/nfs/mount-path.js';

/**
 * DR drills of the lab's six cloud-A workloads (fin-erp, fin-web, eng-ci, eng-git, res-hpc,
 * res-notebook) as the store would hold them: this week's drill (eng-git failed: its restore ended in
 * error; the tear-down left no trace) and last week's (eng-ci failed then, other RTOs, res-notebook
 * not drilled, res-archive drilled then and deleted since).
 */
export const T0 = Date.parse('2025-03-14T02:00:00.000Z');
export const at = (seconds: number, t0 = T0) => new Date(t0 + seconds * 1000).toISOString();
export const WEEK = 7 * 24 * 3600;

export const NFS = { A1: '10.10.2.20:/upstream_source', B1: '10.20.3.22:/upstream_target' };

export const PROJECTS = {
  finance: '4403e0118d0e4bae94ca48847a44afed',
  engineering: '7e398a4b102a43ffa0219c02b26b7ce5',
  research: 'c2b7a0c1d2e34f5a8b9c0d1e2f3a4b5c',
} as const;
type ProjectName = keyof typeof PROJECTS;

/** Keystone ids of the drill projects this week's drill made on the target cloud. */
export const DRILL_PROJECT_IDS: Record<ProjectName, string> = {
  finance: 'd1f1a2b3c4d5e6f708192a3b4c5d6e7f',
  engineering: 'd2e2a2b3c4d5e6f708192a3b4c5d6e7f',
  research: 'd3a3a2b3c4d5e6f708192a3b4c5d6e7f',
};

export const WORKLOAD_IDS = {
  'fin-erp': '0f5c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
  'fin-web': '1a6d2e3f-4b5c-4d6e-9f70-8b9c0d1e2f3a',
  'eng-ci': '2b7e3f40-5c6d-4e7f-a081-9c0d1e2f3a4b',
  'eng-git': '3c8f4051-6d7e-4f80-b192-0d1e2f3a4b5c',
  'res-hpc': '4d905162-7e8f-4091-c2a3-1e2f3a4b5c6d',
  'res-notebook': '5ea16273-8f90-41a2-d3b4-2f3a4b5c6d7e',
  'res-archive': '6fb27384-90a1-42b3-e4c5-3a4b5c6d7e8f',
} as const;
type WorkloadName = keyof typeof WORKLOAD_IDS;

const projectOf: Record<WorkloadName, ProjectName> = {
  'fin-erp': 'finance',
  'fin-web': 'finance',
  'eng-ci': 'engineering',
  'eng-git': 'engineering',
  'res-hpc': 'research',
  'res-notebook': 'research',
  'res-archive': 'research',
};

const VMS: Record<WorkloadName, { instances: string[]; volumes: string[] }> = {
  'fin-erp': {
    instances: ['erp-app', 'erp-db'],
    volumes: ['erp-app-vda', 'erp-app-vdb', 'erp-db-vda', 'erp-db-vdb'],
  },
  'fin-web': { instances: ['fin-web-1'], volumes: ['fin-web-1-vda'] },
  'eng-ci': {
    instances: ['ci-controller', 'ci-runner-1', 'ci-runner-2'],
    volumes: ['ci-controller-vda', 'ci-runner-1-vda', 'ci-runner-2-vda'],
  },
  'eng-git': { instances: ['git-1'], volumes: ['git-1-vda', 'git-1-vdb'] },
  'res-hpc': {
    instances: ['hpc-head', 'hpc-store'],
    volumes: ['hpc-store-vda', 'hpc-store-vdb', 'hpc-store-vdc', 'hpc-store-vdd'],
  },
  'res-notebook': { instances: ['notebook-1'], volumes: ['notebook-1-vda'] },
  'res-archive': { instances: ['archive-1'], volumes: ['archive-1-vda'] },
};

/** A UUID that depends only on `key` (FNV-1a), so every call of a fixture gives the same drill. */
const uuid = (key: string) => {
  const hex = [0, 1, 2, 3]
    .map((salt) => {
      let h = 0x811c9dc5 ^ salt;
      for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      return h.toString(16).padStart(8, '0');
    })
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

function resources(drillId: string, name: WorkloadName): DrillResource[] {
  const v = VMS[name];
  return [
    ...v.instances.map((n) => ({
      kind: 'instance' as const,
      id: uuid(`${drillId}/${n}`),
      name: `${n}-drill`,
      listed: true,
      removed: true,
    })),
    ...v.volumes.map((n) => ({
      kind: 'volume' as const,
      id: uuid(`${drillId}/${n}`),
      name: n,
      listed: true,
      removed: true,
    })),
  ];
}

/** A workload that passed: started `start` s into the drill, restore available `rto` s later. */
function passed(
  drillId: string,
  t0: number,
  name: WorkloadName,
  start: number,
  rto: number,
  rpoHours: number,
): DrillWorkloadResult {
  const project = projectOf[name];
  return {
    workloadId: WORKLOAD_IDS[name],
    name,
    sourceProjectId: PROJECTS[project],
    sourceProjectName: project,
    drillProject: drillProjectName(drillId, project),
    runId: `run-${drillId}-${name}`,
    status: 'passed',
    snapshotId: uuid(`snapshot/${drillId}/${name}`),
    // Trilio writes its times without a zone (UTC).
    snapshotCreatedAt: at(start - rpoHours * 3600, t0)
      .replace('Z', '')
      .replace('T', ' '),
    restoreId: uuid(`restore/${drillId}/${name}`),
    startedAt: at(start, t0),
    availableAt: at(start + rto, t0),
    finishedAt: at(start + rto + 60, t0),
    rtoSeconds: rto,
    rpoSeconds: rpoHours * 3600,
    resources: resources(drillId, name),
  };
}

/** A workload whose restore ended in error in Trilio. */
function failedRestore(drillId: string, t0: number, name: WorkloadName, start: number): DrillWorkloadResult {
  const w = passed(drillId, t0, name, start, 0, 5);
  const { availableAt: _a, rtoSeconds: _r, ...rest } = w;
  return {
    ...rest,
    status: 'failed',
    finishedAt: at(start + 900, t0),
    failedStep: 'restore',
    resources: [],
    error: {
      code: 'http',
      message: `Restore ${w.restoreId} of ${name} ended in error: No valid host was found. There are not enough hosts available.`,
      hint: 'The drill project’s quota or the target cloud’s capacity is too small for git-1 (m1.medium): raise the drill project quota (cores, RAM) or free a compute node, then drill again.',
      request: `GET https://10.20.0.11:8781/v1/${DRILL_PROJECT_IDS.engineering}/restores/${w.restoreId}`,
      httpStatus: 200,
    },
  };
}

function cloudInventory(): DrillInventory['clouds']['source'] {
  return {
    projects: [PROJECTS.finance, PROJECTS.engineering, PROJECTS.research],
    roleAssignments: [`${PROJECTS.finance}:u-alice:r-member`, `${PROJECTS.engineering}:u-bob:r-member`],
    networks: ['net-finance', 'net-engineering', 'net-research'],
    subnets: ['sub-finance', 'sub-engineering', 'sub-research-1', 'sub-research-2'],
    workloads: [`${WORKLOAD_IDS['fin-erp']}:${PROJECTS.finance}:available`],
    restores: [],
  };
}

const B1 = mountPathFor(NFS.B1);

export function inventory(takenAt: string): DrillInventory {
  return {
    takenAt,
    clouds: { source: cloudInventory(), target: cloudInventory() },
    nodes: ['compute-1', 'compute-2', 'compute-3', 'tvm-1'].map((host): NodeInventory => ({
      host,
      fstab: `# /etc/fstab\n${NFS.B1} ${B1} nfs defaults 0 0\n`,
      mounts: [`${B1} ${NFS.B1}`],
      configHashes:
        host === 'tvm-1'
          ? { '/etc/workloadmgr/workloadmgr.conf': 'a'.repeat(64) }
          : { '/etc/tvault-contego/tvault-contego.conf': 'c'.repeat(64) },
    })),
    shares: { [NFS.B1]: ['workload_managed-b'] },
  };
}

function phases(t0: number, end: number): DrillView['phases'] {
  const p = (key: DrillView['phases'][number]['key'], from: number, to: number, detail: string) => ({
    key,
    status: 'succeeded' as const,
    startedAt: at(from, t0),
    finishedAt: at(to, t0),
    detail,
  });
  return [
    p('checks', 0, 20, 'No DR run of the profile is open; 6 workloads found on the synced share.'),
    p('inventory-before', 20, 95, 'Both clouds, 4 nodes and 2 shares listed.'),
    p('isolate', 95, 160, '3 drill projects with their own networks, no router.'),
    p('workloads', 160, end - 600, '5 of 6 workloads restored and verified.'),
    p(
      'teardown',
      end - 600,
      end - 90,
      'Restores, drill projects, networks, grants, mounts and copies removed.',
    ),
    p('inventory-after', end - 90, end, 'Identical to the inventory before.'),
  ];
}

/** This week's drill: eng-git failed (restore in error), everything else passed, no trace left. */
export function sampleDrill(): DrillView {
  const id = 'd20250314';
  const end = 2880;
  const workloads = [
    passed(id, T0, 'fin-erp', 170, 742, 6),
    passed(id, T0, 'fin-web', 175, 301, 6),
    passed(id, T0, 'eng-ci', 180, 655, 5),
    failedRestore(id, T0, 'eng-git', 185),
    passed(id, T0, 'res-hpc', 190, 1480, 4),
    passed(id, T0, 'res-notebook', 195, 905, 4),
  ];
  return {
    id,
    profileId: 'lab',
    profileName: 'lab',
    status: 'failed',
    scope: { all: true, workloadIds: workloads.map((w) => w.workloadId) },
    createdAt: at(0),
    finishedAt: at(end),
    operator: 'dr-operator',
    phases: phases(T0, end).map((p) =>
      p.key === 'workloads'
        ? {
            ...p,
            status: 'failed' as const,
            detail: '5 of 6 workloads restored and verified; eng-git failed.',
          }
        : p,
    ),
    projects: (Object.keys(PROJECTS) as ProjectName[]).map((p) => ({
      sourceProjectId: PROJECTS[p],
      sourceProjectName: p,
      name: drillProjectName(id, p),
      id: DRILL_PROJECT_IDS[p],
      removed: true,
    })),
    workloads,
    inventory: { before: inventory(at(20)), after: inventory(at(end)), differences: [] },
    error: {
      code: 'internal',
      message: '1 of 6 workloads failed (eng-git); the tear-down completed.',
    },
  };
}

/** Last week's drill: eng-ci failed then (fixed since), RTOs differ, res-archive drilled, res-notebook not. */
export function previousDrill(): DrillView {
  const id = 'd20250307';
  const t0 = T0 - WEEK * 1000;
  const end = 3120;
  const ci = failedRestore(id, t0, 'eng-ci', 180);
  const workloads = [
    passed(id, t0, 'fin-erp', 170, 802, 7),
    passed(id, t0, 'fin-web', 175, 301, 7),
    {
      ...ci,
      error: {
        code: 'ssh-command' as const,
        message: 'mount: /var/triliovault-mounts/… : mount point does not exist',
        host: 'compute-2',
        exitCode: 32,
      },
      failedStep: 'mount-paths' as const,
    },
    passed(id, t0, 'eng-git', 185, 433, 5),
    passed(id, t0, 'res-hpc', 190, 1320, 4),
    passed(id, t0, 'res-archive', 195, 288, 4),
  ];
  return {
    id,
    profileId: 'lab',
    profileName: 'lab',
    status: 'failed',
    scope: { all: true, workloadIds: workloads.map((w) => w.workloadId) },
    createdAt: at(0, t0),
    finishedAt: at(end, t0),
    operator: 'dr-operator',
    phases: phases(t0, end),
    projects: [],
    workloads,
    inventory: { before: inventory(at(20, t0)), after: inventory(at(end, t0)), differences: [] },
  };
}

/** A clean drill: every workload passed (this week's with eng-git restored in 433 s). */
export function passedDrill(): DrillView {
  const { error: _error, ...d } = sampleDrill();
  return {
    ...d,
    status: 'passed',
    phases: phases(T0, 2880),
    workloads: d.workloads.map((w) => (w.name === 'eng-git' ? passed(d.id, T0, 'eng-git', 185, 433, 5) : w)),
  };
}

/**
 * The traces a tear-down could leave, made the way the drill finds them: inventories compared by
 * `compareInventories`. A drill project and the admin's grant on it, a restore, a reassigned workload,
 * a bind mount with its fstab line on compute-2, an edited config on tvm-1, a copied workload folder.
 */
export function leftoverInventory(drill: DrillView): DrillView {
  const before = inventory(at(20));
  const after = inventory(at(2880));
  const t = after.clouds.target;
  t.projects.push(DRILL_PROJECT_IDS.research);
  t.roleAssignments.push(`${DRILL_PROJECT_IDS.research}:u-admin:r-admin`);
  t.networks.push('net-drill-research');
  t.restores.push('7c1d0e2f-aaaa-4bbb-8ccc-000000000001:available');
  t.workloads = [`${WORKLOAD_IDS['fin-erp']}:${DRILL_PROJECT_IDS.finance}:available`];
  const A1 = mountPathFor(NFS.A1);
  const c2 = after.nodes.find((n) => n.host === 'compute-2')!;
  c2.fstab += `${bindMountLine(B1, A1)}\n`;
  c2.mounts.push(`${A1} ${NFS.B1}`);
  after.nodes.find((n) => n.host === 'tvm-1')!.configHashes['/etc/workloadmgr/workloadmgr.conf'] = 'b'.repeat(
    64,
  );
  after.shares[NFS.B1]!.push(`workload_${WORKLOAD_IDS['res-hpc']}`);
  return { ...drill, inventory: { before, after, differences: compareInventories(before, after) } };
}
