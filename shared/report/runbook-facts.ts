import type { FileConfigModel } from '../config/share-config.js';
import { mountPathsNeeded } from '../discovery/chain-report.js';
import { mountPathFor } from '../nfs/mount-path.js';
import type { AccessFacts } from '../plans/access-plan.js';
import type { RestoreStepFacts, RestoreTargetFacts } from '../plans/bulk-restore-plan.js';
import type { CopyFacts } from '../plans/copy-plan.js';
import type { DbCleanupFacts } from '../plans/db-cleanup-plan.js';
import { liveShareOf, stagingPathOf, workloadDirName } from '../plans/dr-paths.js';
import type { FindFacts } from '../plans/find-plan.js';
import type { MountPathsFacts } from '../plans/mount-paths-plan.js';
import type { NotifyFacts } from '../plans/notify-plan.js';
import type { ReassignFacts } from '../plans/reassign-plan.js';
import type { NodeConfig, ReconfigureFacts } from '../plans/reconfigure-plan.js';
import type { HostConfig, Profile } from '../profile/profile.js';
import type { RunKind } from '../run/run-types.js';
import { knownMountRoots, trilioFactsOf, type TrilioFacts } from '../trilio/trilio-facts.js';
import { parseRelease } from '../trilio/trilio-release.js';
import { parseTrusteeRoles, type TrusteeRoles } from '../trilio/trustee-roles.js';
import { placeholder, targetProjectsOf, type RunbookTarget } from './runbook-targets.js';

/**
 * Facts from the profile: what each step would discover if the environment is as the profile says it
 * is. The steps' planners (shared/plans) turn these into the runbook's commands, exactly as they turn
 * discovered facts into the wizard's; nothing here builds a command. Every assumption a fact rests on
 * is also said in words (`profileAssumptions`), so the document can list what to check.
 */
export interface ProfileSetting {
  profile: Profile;
  kind: RunKind;
  notifyOnly: boolean;
  targets: RunbookTarget[];
  /** The run turns the job schedules back on after the reassign (run parameter; default no). */
  reenableSchedules?: boolean;
}

/**
 * Trilio's trustee roles as the profile names them. The wizard prefers `trustee_role` from the
 * appliance's config file, which the runbook cannot read: assumed the same.
 */
export function trusteeRolesOf(profile: Profile): TrusteeRoles {
  const roles = parseTrusteeRoles(profile.trilio.trusteeRole);
  return {
    roles: roles.length > 0 ? roles : ['creator'],
    source: 'profile',
    from: "the profile's Trilio settings",
  };
}

const tvmsOf = (p: Profile) => p.hosts.filter((h) => h.role === 'tvm');
const computesOf = (p: Profile) => p.hosts.filter((h) => h.role === 'compute');

/** The first appliance, as the steps pick it; undefined when the profile has none (the step refuses). */
export function applianceOf(profile: Profile): HostConfig | undefined {
  return tvmsOf(profile)[0];
}

/** Assumed: NFS B2 is not mounted on the appliance yet, so the step mounts it read-only to read it. */
export function findFacts(s: ProfileSetting, tvm: HostConfig): FindFacts {
  return {
    tvm: tvm.id,
    tvmName: tvm.name,
    syncedCopy: s.profile.nfs.syncedCopy,
    sourceRoot: stagingPathOf(s.profile),
    mounted: false,
  };
}

/** Assumed: the workload is on B2 and not on B1 yet (nothing copied before). */
export function copyFacts(s: ProfileSetting, tvm: HostConfig, target: RunbookTarget): CopyFacts {
  const dir = workloadDirName(target.workloadId);
  const targetRoot = liveShareOf(s.profile, s).mountPath;
  return {
    tvm: tvm.id,
    tvmName: tvm.name,
    workloadId: target.workloadId,
    source: `${stagingPathOf(s.profile)}/${dir}`,
    target: `${targetRoot}/${dir}`,
    partial: `${targetRoot}/.trilio-dr-partial-${dir}`,
    // Its size is read at run time; the plan only needs to know it is there.
    sourceListing: { files: 0, bytes: 0, digest: '' },
    targetListing: null,
    owner: trilioFactsOf(s.profile.trilio, 'target').owner,
  };
}

/**
 * The config files assumed on a node: the profile's path, else the installer's candidates, one per
 * service folder (a service has one file; where the installer table names two possible names, the first
 * is the one Trilio's deployment scripts write). Pre-flight reads which exist on the live node.
 */
export function assumedConfigFiles(candidates: readonly string[]): string[] {
  const byFolder = new Map<string, string>();
  for (const file of candidates) {
    const folder = file.slice(0, file.lastIndexOf('/'));
    if (!byFolder.has(folder)) byFolder.set(folder, file);
  }
  return [...byFolder.values()];
}

/** The model the target's config files are assumed to use (a managed release is refused before files are read). */
export function assumedFileModel(t: TrilioFacts): FileConfigModel {
  return t.configModel === 'backends' ? 'backends' : 'export-list';
}

/**
 * Assumed: every appliance and compute node configures B1 only (in the release's model), B2 is not
 * mounted, and no workload is being snapshotted.
 */
export function reconfigureFacts(s: ProfileSetting): ReconfigureFacts {
  const trilio = trilioFactsOf(s.profile.trilio, 'target');
  const { nfs } = s.profile;
  const model = assumedFileModel(trilio);
  const node = (h: HostConfig, role: 'tvm' | 'compute'): NodeConfig => ({
    host: h.id,
    hostName: h.name,
    role,
    files: (role === 'tvm'
      ? assumedConfigFiles(trilio.applianceConfigs)
      : trilio.datamoverConfigs.slice(0, 1)
    ).map((file) => ({ file, exports: nfs.target ? [nfs.target] : [], model })),
    mounted: false,
  });
  return {
    syncedCopy: nfs.syncedCopy,
    target: nfs.target,
    trilio,
    nodes: [
      ...tvmsOf(s.profile).map((h) => node(h, 'tvm')),
      ...computesOf(s.profile).map((h) => node(h, 'compute')),
    ],
    busyWorkloads: [],
  };
}

/**
 * Assumed: the backing files name NFS A1's mount path as cloud A's Trilio wrote it (what a chain check
 * finds for backups written on A1), the live share is mounted on every node, and no node has the mount
 * path, its bind mount or its fstab line yet.
 */
export function mountPathsFacts(s: ProfileSetting): MountPathsFacts {
  const { profile } = s;
  const live = liveShareOf(profile, s);
  const source = trilioFactsOf(profile.trilio, 'source');
  const a1 = profile.nfs.source
    ? mountPathFor(profile.nfs.source, source.mountRoot, source.folderForm)
    : null;
  // The needed path read as the chain check's output is read: the same parser decides what it names.
  const needed = a1
    ? mountPathsNeeded(
        [{ chain: [`${a1}/workload_id/snapshot_id/disk`], verdict: 'ok', at: null }],
        knownMountRoots(profile.trilio),
      )
    : [];
  return {
    livePath: live.mountPath,
    liveExport: live.nfsExport,
    needed,
    hosts: [...tvmsOf(profile), ...computesOf(profile)].map((h) => ({
      host: h.id,
      hostName: h.name,
      dirs: [live.mountPath],
      mounts: [live.mountPath],
      fstab: '',
    })),
    workloadDirs: s.targets.map((t) => `${live.mountPath}/${workloadDirName(t.workloadId)}`),
  };
}

/** Assumed: the admin user holds no role on the target projects yet. */
export function accessFacts(s: ProfileSetting): AccessFacts {
  const b = s.profile.clouds.target;
  const user = b.username || 'admin';
  const role = s.profile.trilio.adminRole.trim() || 'admin';
  return {
    user: { id: placeholder.userId(user), name: user },
    role: { id: placeholder.roleId(role), name: role },
    projects: targetProjectsOf(s.targets).map((name) => ({
      id: placeholder.projectId(name),
      name,
      domain: b.domain,
      hasRole: false,
    })),
  };
}

const trusteeOf = (t: RunbookTarget) => t.trusteeUser.trim() || placeholder.trusteeUser;

/**
 * Assumed: every workload is orphaned in Trilio B (its project is cloud A's), with the job schedule it
 * had in cloud A, which the reassign turns off.
 */
export function reassignFacts(s: ProfileSetting): ReassignFacts {
  const b = s.profile.clouds.target;
  return {
    trusteeRoles: trusteeRolesOf(s.profile),
    trusteeSource: s.targets.every((t) => t.trusteeUser.trim()) ? 'params' : 'role-assignments',
    reenableSchedules: s.reenableSchedules ?? false,
    actingUser: b.username || 'admin',
    workloads: s.targets.map((t) => ({
      workloadId: t.workloadId,
      workloadName: t.workloadName,
      state: 'orphaned',
      currentProjectId: t.sourceProjectId,
      currentUserId: placeholder.sourceUserId,
      sourceProjectId: t.sourceProjectId,
      targetProject: {
        id: placeholder.projectId(t.targetProject),
        name: t.targetProject,
        domainId: b.domain,
      },
      trustee: { id: placeholder.userId(trusteeOf(t)), name: trusteeOf(t) },
      schedule: { enabled: true, settings: {} },
    })),
  };
}

/**
 * Assumed: each workload's newest snapshot holds one VM booted from an image with one volume attached
 * and one NIC with a fixed IP, on a network and subnet the target project has a network and subnet of the
 * same name for (the restore form's defaults map them by name, and keep the fixed IP and MAC).
 */
export function restoreFacts(s: ProfileSetting): RestoreStepFacts {
  const b = s.profile.clouds.target;
  const workloads = s.targets.map((t): RestoreTargetFacts => {
    const snapshot = {
      id: t.snapshotId,
      name: 'SNAPSHOT_NAME',
      status: 'available',
      type: 'incremental',
      createdAt: 'SNAPSHOT_TIME',
    };
    return {
      workloadId: t.workloadId,
      workloadName: t.workloadName,
      sourceProject: t.sourceProjectId,
      sourceProjectName: t.sourceProjectName,
      targetProject: {
        id: placeholder.projectId(t.targetProject),
        name: t.targetProject,
        domain: b.domain,
        domainId: b.domain,
      },
      restoreAs: b.username || 'admin',
      snapshots: [snapshot],
      snapshot,
      instances: [
        {
          id: 'INSTANCE_ID',
          name: 'INSTANCE_NAME',
          nics: [
            {
              networkId: 'NETWORK_ID',
              networkName: 'NETWORK_NAME',
              subnetId: 'SUBNET_ID',
              subnetName: 'SUBNET_NAME',
              ip: 'FIXED_IP',
              mac: 'MAC_ADDRESS',
            },
          ],
          disks: [
            { id: 'BOOT_DISK_ID', name: 'BOOT_DISK', backing: 'image' },
            { id: 'VOLUME_ID', name: 'VOLUME_NAME', backing: 'volume' },
          ],
        },
      ],
      networks: [
        {
          id: 'TARGET_NETWORK_ID',
          name: 'NETWORK_NAME',
          shared: false,
          subnets: [{ id: 'TARGET_SUBNET_ID', name: 'SUBNET_NAME', cidr: '' }],
        },
      ],
      availabilityZones: [],
      volumeTypes: [],
    };
  });
  return { workloads, problems: [], concurrency: 4 };
}

/** Assumed: each target project's owners hold the trustee role and have an e-mail address. */
export function notifyFacts(s: ProfileSetting): NotifyFacts {
  const { smtp, clouds } = s.profile;
  return {
    runId: placeholder.runId,
    workloads: s.targets.map((t) => ({
      workloadId: t.workloadId,
      name: t.workloadName,
      sourceProject: t.sourceProjectId,
      ...(t.sourceProjectName ? { sourceProjectName: t.sourceProjectName } : {}),
      targetProject: t.targetProject,
      status: 'notified',
      backups: s.reenableSchedules ? 'on' : 'off',
    })),
    projects: targetProjectsOf(s.targets).map((name) => ({
      targetProject: name,
      targetProjectId: placeholder.projectId(name),
      owners: [{ id: placeholder.userId('OWNER'), name: 'OWNER', email: 'OWNER_EMAIL' }],
      ownersWithoutEmail: [],
      alreadySent: false,
    })),
    transport: smtp.host.trim()
      ? {
          kind: 'smtp',
          host: smtp.host.trim(),
          port: smtp.port,
          starttls: smtp.starttls,
          username: smtp.username,
          caFile: smtp.caFile.trim(),
        }
      : { kind: 'eml', parentDir: 'the wizard’s temporary folder' },
    from: smtp.from.trim() || 'Trilio DR Wizard <trilio-dr-wizard@localhost.invalid>',
    trusteeRoles: trusteeRolesOf(s.profile),
    domain: clouds.target.domain.trim() || 'Default',
    targetCloud: { region: clouds.target.region, authUrl: clouds.target.authUrl },
    sourceCloud: { region: clouds.source.region },
  };
}

/**
 * Trilio's database clean-up as the runbook assumes it: the profile's folder, the inputs in its
 * `config/` folder (Trilio's layout; the step reads which it is), each connection value from the
 * profile or else read from the first appliance config's `[database] connection` at run time.
 */
export function dbCleanupFacts(s: ProfileSetting, tvm: HostConfig): DbCleanupFacts | null {
  const db = s.profile.trilio.dbCleanup;
  const dir = db.scriptDir.trim().replace(/\/+$/, '');
  if (!dir) return null;
  const facts = trilioFactsOf(s.profile.trilio, 'target');
  const configFile = facts.applianceConfigs[0] ?? '';
  const fromConfig = (what: string) => `<${what} of [database] connection in ${configFile}>`;
  const release = parseRelease(facts.release);
  return {
    tvm: tvm.id,
    tvmName: tvm.name,
    scriptDir: dir,
    inputDir: `${dir}/config`,
    connection: {
      host: db.host || fromConfig('host'),
      port: db.port || 3306,
      user: db.user || fromConfig('user'),
      database: db.database || fromConfig('database'),
      passwordFrom: db.password === 'set' ? 'profile' : `appliance config ${configFile}`,
      configFile,
    },
    needsPhysicalDeleteOnce:
      release !== null && (release.major < 4 || (release.major === 4 && release.minor === 0)),
  };
}
