import { isDrillProject, type InventoryDifference } from '../drill/drill-inventory.js';
import type { NameMap } from '../names/name-book.js';
import type { DifferenceArea, DrillDifference, DrillFinding } from './drill-report-schema.js';

/**
 * A drill's tear-down proof in the user's words: each difference between the inventories taken before
 * and after the drill (shared/drill/drill-inventory.ts, `compareInventories`) read back as what is
 * different on which cloud, node or share, and what undoes it. The `where` strings read here are the
 * ones `compareInventories` writes; a test runs that comparison so the two cannot drift apart.
 */

type Side = 'source' | 'target';

interface Place {
  area: DifferenceArea;
  place: string;
  cloud?: Side;
  host?: string;
  /** The config file's path, the share's export. */
  subject?: string;
}

const cloudKeys: Record<string, { area: DifferenceArea; words: string }> = {
  projects: { area: 'projects', words: 'Keystone projects' },
  roleAssignments: { area: 'role-assignments', words: 'Keystone role assignments' },
  networks: { area: 'networks', words: 'Neutron networks' },
  subnets: { area: 'subnets', words: 'Neutron subnets' },
  securityGroups: { area: 'security-groups', words: 'Neutron security groups' },
  workloads: { area: 'trilio-workloads', words: 'Trilio workloads' },
  restores: { area: 'trilio-restores', words: 'Trilio restores' },
};

/** Where a difference is, from the `where` `compareInventories` gave it. */
export function placeOf(where: string): Place {
  const cloud = /^(source|target) cloud (\w+)$/.exec(where);
  const key = cloud && cloudKeys[cloud[2]!];
  if (cloud && key) {
    const side = cloud[1] as Side;
    return { area: key.area, place: `${key.words} on the ${side} cloud`, cloud: side };
  }
  const share = /^share (.+)$/.exec(where);
  if (share) return { area: 'share', place: `share ${share[1]!}`, subject: share[1]! };
  const fstab = /^(\S+) \/etc\/fstab$/.exec(where);
  if (fstab) return { area: 'fstab', place: `/etc/fstab on ${fstab[1]!}`, host: fstab[1]! };
  const mounts = /^(\S+) mounts$/.exec(where);
  if (mounts) return { area: 'mounts', place: `mounts on ${mounts[1]!}`, host: mounts[1]! };
  const config = /^(\S+) (\/.*)$/.exec(where);
  if (config)
    return {
      area: 'config-file',
      place: `${config[2]!} on ${config[1]!}`,
      host: config[1]!,
      subject: config[2]!,
    };
  if (/^\S+$/.test(where)) return { area: 'node', place: `host ${where}`, host: where };
  return { area: 'other', place: where };
}

/** The difference with its place and findings (one per added or removed entry, or per changed item). */
export function readDifference(d: InventoryDifference, names: NameMap = {}): DrillDifference {
  const p = placeOf(d.where);
  return {
    where: d.where,
    place: p.place,
    area: p.area,
    ...(p.cloud ? { cloud: p.cloud } : {}),
    ...(p.host ? { host: p.host } : {}),
    added: [...d.added],
    removed: [...d.removed],
    findings: findingsOf(p, d, names),
  };
}

/** `id (name)` when the name is known. */
function named(id: string, names: NameMap): string {
  const entry = Object.prototype.hasOwnProperty.call(names, id) ? names[id] : undefined;
  return entry ? `${id} (${entry.name})` : id;
}

function findingsOf(p: Place, d: InventoryDifference, names: NameMap): DrillFinding[] {
  const n = (id: string) => named(id, names);
  const each = (added: (x: string) => DrillFinding, removed: (x: string) => DrillFinding): DrillFinding[] => [
    ...d.added.map(added),
    ...d.removed.map(removed),
  ];
  const side = p.cloud ?? 'target';
  switch (p.area) {
    case 'projects':
      return each(
        (id) => {
          const name = names[id]?.name ?? id;
          const drills = isDrillProject(name);
          return {
            text: `Project ${n(id)} is on the ${side} cloud now and was not before the drill${drills ? ': a drill project the tear-down did not remove' : ''}.`,
            fix: `Delete the project with its role assignments on the ${side} cloud (openstack project delete ${id})${drills ? '' : ' once you know it is not someone else’s new project'}.`,
          };
        },
        (id) => ({
          text: `Project ${n(id)} was on the ${side} cloud before the drill and is gone now.`,
          fix: 'A drill deletes only its own trilio-drill-… projects: find out who deleted it (Keystone’s log) and recreate it with its role assignments.',
        }),
      );
    case 'role-assignments':
      return each(
        (a) => {
          const r = roleOf(a);
          return {
            text: `User ${n(r.user)} holds role ${n(r.role)} on project ${n(r.project)} on the ${side} cloud; it did not before the drill.`,
            fix: `Revoke the grant (openstack role remove --user ${r.user} --project ${r.project} ${r.role}).`,
          };
        },
        (a) => {
          const r = roleOf(a);
          return {
            text: `User ${n(r.user)} no longer holds role ${n(r.role)} on project ${n(r.project)} on the ${side} cloud.`,
            fix: `Grant it again (openstack role add --user ${r.user} --project ${r.project} ${r.role}).`,
          };
        },
      );
    case 'networks':
    case 'subnets': {
      const what = p.area === 'networks' ? 'Network' : 'Subnet';
      return each(
        (id) => ({
          text: `${what} ${n(id)} is on the ${side} cloud now and was not before the drill.`,
          fix:
            p.area === 'networks'
              ? `Delete its ports and subnets, then the network (openstack network delete ${id}).`
              : `Delete its ports, then the subnet (openstack subnet delete ${id}).`,
        }),
        (id) => ({
          text: `${what} ${n(id)} was on the ${side} cloud before the drill and is gone now.`,
          fix: `A drill deletes only the networks of its own projects: recreate the ${what.toLowerCase()} with its former address range and tell its owner.`,
        }),
      );
    }
    case 'security-groups':
      return each(
        (g) => ({
          text: `Security group ${n(g)} is on the ${side} cloud now and was not before the drill (Neutron makes a project's default group by itself).`,
          fix: `Delete it (openstack security group delete ${g.split(':')[1] ?? g}).`,
        }),
        (g) => ({
          text: `Security group ${n(g)} was on the ${side} cloud before the drill and is gone now.`,
          fix: 'A drill deletes only the groups of its own projects: recreate the group and its rules and tell its owner.',
        }),
      );
    case 'trilio-workloads':
      return workloadFindings(d, side, n);
    case 'trilio-restores':
      return restoreFindings(d, side, n);
    case 'fstab':
      return each(
        (line) =>
          line === '(same lines, other bytes)'
            ? {
                text: `/etc/fstab on ${p.host} has the same lines as before the drill but other bytes (order, blank lines or the final newline).`,
                fix: 'Put the file back byte for byte from a copy taken before the drill.',
              }
            : {
                text: `/etc/fstab on ${p.host} has a line it did not have before the drill: “${line}”.`,
                fix: 'Unmount its mount point (umount), then delete the line: the drill’s bind mounts go with their fstab lines.',
              },
        (line) => ({
          text: `/etc/fstab on ${p.host} lost a line it had before the drill: “${line}”.`,
          fix: 'Add the line back to /etc/fstab, then mount it (mount -a).',
        }),
      );
    case 'mounts':
      return each(
        (m) => {
          const { target, source } = mountOf(m);
          return {
            text: `${target} is mounted on ${p.host}${source ? ` (from ${source})` : ''} and was not before the drill.`,
            fix: `Unmount it (umount ${target}) and remove its /etc/fstab line if it has one.`,
          };
        },
        (m) => {
          const { target, source } = mountOf(m);
          return {
            text: `${target} was mounted on ${p.host}${source ? ` (from ${source})` : ''} before the drill and is not now.`,
            fix: `Mount it again (mount ${target}; its /etc/fstab line names the source).`,
          };
        },
      );
    case 'config-file':
      return [configFinding(p, d)];
    case 'node':
      return d.added.length > 0
        ? [
            {
              text: `${p.host} was read only after the drill: the inventory before it has no record of this host.`,
              fix: 'Nothing proves the host unchanged: check its fstab, mounts and Trilio configuration by hand.',
            },
          ]
        : [
            {
              text: `${p.host} could not be read after the drill: nothing proves the tear-down left it as it was.`,
              fix: 'Make the host reachable and take the inventory again (resume the drill), or check it by hand.',
            },
          ];
    case 'share':
      return each(
        (folder) => ({
          text: `Folder ${folder} is on share ${p.subject} and was not before the drill.`,
          fix: 'Delete the folder from the share: the drill copies workload folders there and removes them in its tear-down.',
        }),
        (folder) => ({
          text: `Folder ${folder} was on share ${p.subject} before the drill and is gone now.`,
          fix: 'Copy it back from the share it was synced from (its backups are in it): a drill never deletes folders it did not copy.',
        }),
      );
    default:
      return each(
        (x) => ({
          text: `${p.place}: ${x} was added.`,
          fix: 'Compare with the inventory before the drill and undo it by hand.',
        }),
        (x) => ({
          text: `${p.place}: ${x} was removed.`,
          fix: 'Compare with the inventory before the drill and put it back by hand.',
        }),
      );
  }
}

/** `project:user:role` (ids, which hold no colon). */
function roleOf(entry: string): { project: string; user: string; role: string } {
  const [project = '', user = '', ...role] = entry.split(':');
  return { project, user, role: role.join(':') };
}

/** `TARGET SOURCE` as the mount table lists it. */
function mountOf(entry: string): { target: string; source: string } {
  const at = entry.indexOf(' ');
  return at < 0 ? { target: entry, source: '' } : { target: entry.slice(0, at), source: entry.slice(at + 1) };
}

/** Entries `id:…` paired by id: a workload that moved or changed status is one finding, not two. */
function pairedById(d: InventoryDifference): {
  changed: { id: string; was: string[]; now: string[] }[];
  added: { id: string; now: string[] }[];
  removed: { id: string; was: string[] }[];
} {
  const split = (e: string) => {
    const [id = '', ...rest] = e.split(':');
    return { id, rest };
  };
  const was = new Map(d.removed.map((e) => [split(e).id, split(e).rest]));
  const now = new Map(d.added.map((e) => [split(e).id, split(e).rest]));
  return {
    changed: [...now].filter(([id]) => was.has(id)).map(([id, n]) => ({ id, was: was.get(id)!, now: n })),
    added: [...now].filter(([id]) => !was.has(id)).map(([id, n]) => ({ id, now: n })),
    removed: [...was].filter(([id]) => !now.has(id)).map(([id, w]) => ({ id, was: w })),
  };
}

function workloadFindings(d: InventoryDifference, side: Side, n: (id: string) => string): DrillFinding[] {
  const pairs = pairedById(d);
  const out: DrillFinding[] = [];
  for (const c of pairs.changed) {
    const [wasProject = '', wasStatus = ''] = c.was;
    const [nowProject = '', nowStatus = ''] = c.now;
    if (wasProject !== nowProject)
      out.push({
        text: `Trilio workload ${c.id} on the ${side} cloud belongs to project ${n(nowProject)} now; it belonged to ${n(wasProject)} before the drill.`,
        fix: `Reassign it back to project ${wasProject} (workloadmgr workload-reassign-workloads --workload_ids ${c.id} --new_tenant_id ${wasProject} --user_id <owner> --migrate_cloud True).`,
      });
    if (wasStatus !== nowStatus)
      out.push({
        text: `Trilio workload ${c.id} on the ${side} cloud is ${nowStatus || '(no status)'} now; it was ${wasStatus || '(no status)'} before the drill.`,
        fix: 'Wait for a running restore or snapshot to end, then check the workload (workloadmgr workload-show); ask Trilio support before resetting it.',
      });
  }
  for (const a of pairs.added) {
    const [project = '', status = ''] = a.now;
    out.push({
      text: `Trilio workload ${a.id} (project ${n(project)}, ${status || 'no status'}) is on the ${side} cloud now and was not before the drill.`,
      fix: `Delete its record without touching its backups (workloadmgr workload-delete --database_only True ${a.id}), then purge its rows as clean-up does.`,
    });
  }
  for (const r of pairs.removed) {
    const [project = ''] = r.was;
    out.push({
      text: `Trilio workload ${r.id} (project ${n(project)}) was on the ${side} cloud before the drill and is gone now.`,
      fix: 'Import it again from its share (workloadmgr workload-importworkloads); its backups stay on the share.',
    });
  }
  return out;
}

function restoreFindings(d: InventoryDifference, side: Side, n: (id: string) => string): DrillFinding[] {
  const pairs = pairedById(d);
  return [
    ...pairs.changed.map((c) => ({
      text: `Trilio restore ${n(c.id)} on the ${side} cloud is ${c.now.join(':')} now; it was ${c.was.join(':')} before the drill.`,
      fix: 'The drill only deletes the restores it made: find out what changed this one (Trilio’s API log).',
    })),
    ...pairs.added.map((a) => ({
      text: `Trilio restore ${n(a.id)} (${a.now.join(':') || 'no status'}) is still recorded on the ${side} cloud.`,
      fix: `Delete its restored instances and volumes, then the restore (workloadmgr restore-delete ${a.id}).`,
    })),
    ...pairs.removed.map((r) => ({
      text: `Trilio restore ${n(r.id)} (${r.was.join(':') || 'no status'}) was recorded on the ${side} cloud before the drill and is gone now.`,
      fix: 'The drill only deletes the restores it made: find out who deleted this one (Trilio’s API log); its record cannot be brought back.',
    })),
  ];
}

function configFinding(p: Place, d: InventoryDifference): DrillFinding {
  const hash = (list: string[]) => list[0]?.replace(/^sha256 /, '');
  const before = hash(d.removed);
  const after = hash(d.added);
  const short = (h: string) => h.slice(0, 12);
  if (before && after)
    return {
      text: `${p.subject} on ${p.host} differs from before the drill (sha256 ${short(before)}… then, ${short(after)}… now).`,
      fix: 'Put the file back byte for byte from the copy taken before the drill’s edit, and restart the Trilio service that reads it: the drill’s revert did not run or something else changed the file.',
    };
  if (after)
    return {
      text: `${p.subject} on ${p.host} is a new file (sha256 ${short(after)}…).`,
      fix: 'Delete it (it did not exist before the drill) and restart the Trilio service that reads it.',
    };
  return {
    text: `${p.subject} on ${p.host} is gone (it was there before the drill, sha256 ${short(before ?? '')}…).`,
    fix: 'Put it back from a backup and restart the Trilio service that reads it.',
  };
}
