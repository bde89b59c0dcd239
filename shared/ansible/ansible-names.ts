import type { Profile } from '../profile/profile.js';
import type { SecretKey } from '../profile/secret-keys.js';

/**
 * Names the exported playbook and inventory share. Secrets never appear in the files: each is a
 * variable `trilio_dr_secret_<key>` the playbook asks for (`vars_prompt`) unless it is given with
 * `-e` or an ansible-vault file, so AWX/Tower runs it unchanged with a survey or a credential.
 */

/** `clouds.target.password` → `trilio_dr_secret_clouds_target_password`. */
export function secretVarName(key: SecretKey | string): string {
  return `trilio_dr_secret_${key.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** The secrets a playbook of this profile needs: the target cloud's login and password-auth hosts. */
export function playbookSecrets(profile: Profile, hostIds: ReadonlySet<string>): SecretKey[] {
  const keys: SecretKey[] = [];
  const target = profile.clouds.target;
  keys.push(
    target.authKind === 'application-credential'
      ? 'clouds.target.applicationCredentialSecret'
      : 'clouds.target.password',
  );
  for (const h of profile.hosts)
    if (hostIds.has(h.id) && h.auth === 'password') keys.push(`hosts.${h.id}.password`);
  return keys;
}

/** An inventory host name: the profile's host name when Ansible accepts it, else its id. */
export function inventoryName(host: { id: string; name: string }): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(host.name) ? host.name : host.id;
}

/** A variable-safe suffix for a project id (`trilio_dr_token_<id>`). */
export function varSuffix(value: string): string {
  return value.replace(/[^A-Za-z0-9]/g, '_');
}
