import { findOption } from '../config/oslo-ini.js';

/**
 * Trilio's `trustee_role`: the Keystone role a user needs so Trilio can act for them. Its value may be
 * a comma-separated list (`_member_, creator`, Kolla-Ansible's default for 2023.1/2023.2 in
 * triliovault-cfg-scripts); any role of the list qualifies. The profile keeps one string; the wizard
 * reads it as this list everywhere, and prefers the value in the appliance's own configuration.
 */

/** Where the roles in use came from, for the plans' text. */
export interface TrusteeRoles {
  roles: string[];
  source: 'appliance' | 'profile';
  /** `trustee_role in /etc/workloadmgr/workloadmgr.conf on tvm-b`, or `the profile's Trilio settings`. */
  from: string;
  /** Why the appliance's value is not used (unreadable, option absent), or how the profile differs. */
  note?: string;
}

/** `_member_, creator` → `['_member_', 'creator']`: trimmed, without empties or repeats. */
export function parseTrusteeRoles(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ];
}

/** Whether a role of a project assignment is one of the trustee roles. */
export function isTrusteeRole(roleName: string, roles: readonly string[]): boolean {
  return roles.includes(roleName);
}

/** `trustee_role` of the [DEFAULT] section of workloadmgr.conf; undefined when absent or empty. */
export function trusteeRoleOption(confText: string): string | undefined {
  const value = findOption(confText, 'DEFAULT', 'trustee_role')?.value.trim();
  return value ? value : undefined;
}

/** The roles of an appliance config when it names them, else the profile's (with why). */
export function trusteeRolesFrom(
  profileValue: string,
  appliance:
    | { ok: true; host: string; file: string; text: string | null }
    | { ok: false; host: string; file: string; message: string }
    | undefined,
): TrusteeRoles {
  const fromProfile = (note?: string): TrusteeRoles => ({
    roles: parseTrusteeRoles(profileValue).length > 0 ? parseTrusteeRoles(profileValue) : ['creator'],
    source: 'profile',
    from: "the profile's Trilio settings",
    ...(note ? { note } : {}),
  });
  if (!appliance) return fromProfile('the profile has no Trilio appliance host to read it from');
  const where = `${appliance.file} on ${appliance.host}`;
  if (!appliance.ok) return fromProfile(`${where} could not be read: ${appliance.message}`);
  if (appliance.text === null) return fromProfile(`${where} does not exist`);
  const option = trusteeRoleOption(appliance.text);
  if (!option) return fromProfile(`${where} sets no trustee_role`);
  const roles = parseTrusteeRoles(option);
  const profile = parseTrusteeRoles(profileValue);
  const differs = profile.length !== roles.length || profile.some((r) => !roles.includes(r));
  return {
    roles,
    source: 'appliance',
    from: `trustee_role in ${where}`,
    ...(differs ? { note: `the profile says ${profileValue.trim() || 'nothing'}` } : {}),
  };
}

/** `creator` or `_member_ or creator`, for messages. */
export function rolesText(roles: readonly string[]): string {
  return roles.length <= 1 ? (roles[0] ?? '') : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
}

/** One sentence for a plan: which roles count, and where that came from. */
export function describeTrusteeRoles(t: TrusteeRoles): string {
  const which =
    t.roles.length === 1 ? `the trustee role ${t.roles[0]}` : `a trustee role (${rolesText(t.roles)})`;
  const profileDiffers = t.note ? ` (${t.note})` : '';
  return `${which}, from ${t.from}${profileDiffers}`;
}
