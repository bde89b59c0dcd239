import {
  hostSchema,
  profileSchema,
  projectMappingSchema,
  type HostConfig,
  type HostRole,
  type Profile,
  type ProjectMapping,
} from '../../../../shared/profile/profile.js';

/**
 * A new, unsaved profile with the schema's defaults. Required fields start empty so the editor asks
 * for them instead of guessing (a wrong Keystone URL or NFS export is worse than none).
 */
export function blankProfile(): Profile {
  return profileSchema.parse({
    name: '',
    clouds: { source: { authUrl: '', region: '' }, target: { authUrl: '', region: '' } },
    nfs: { target: '', syncedCopy: '' },
  });
}

/** A new host row with a free `host-N` id; the first host is the Trilio appliance. */
export function newHost(existing: readonly HostConfig[], role?: HostRole): HostConfig {
  const ids = new Set(existing.map((h) => h.id));
  let n = existing.length + 1;
  while (ids.has(`host-${n}`)) n++;
  const defaultRole: HostRole = existing.some((h) => h.role === 'tvm') ? 'compute' : 'tvm';
  return hostSchema.parse({ id: `host-${n}`, name: '', role: role ?? defaultRole, address: '' });
}

export function newProjectMapping(): ProjectMapping {
  return projectMappingSchema.parse({ sourceProjectId: '', targetProject: '' });
}

/** `"Lab (copy)"`, `"Lab (copy 2)"`, …: a name no other profile has. */
export function copyName(name: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  const base = `${name} (copy)`;
  if (!names.has(base)) return base;
  let n = 2;
  while (names.has(`${name} (copy ${n})`)) n++;
  return `${name} (copy ${n})`;
}
