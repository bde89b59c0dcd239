import type { CloudSide, Profile } from './profile.js';

/**
 * Where each secret of a profile lives. Keys name the owner by stable id, not array index, so that
 * reordering hosts never attaches a password to the wrong host.
 */
export type SecretKey =
  | `clouds.${CloudSide}.password`
  | `clouds.${CloudSide}.applicationCredentialSecret`
  | `hosts.${string}.password`
  | `hosts.${string}.privateKey`
  | `hosts.${string}.keyPassphrase`
  | 'smtp.password'
  | 'trilio.dbCleanup.password';

export const cloudSecretFields = ['password', 'applicationCredentialSecret'] as const;
export const hostSecretFields = ['password', 'privateKey', 'keyPassphrase'] as const;

export function cloudSecretKey(side: CloudSide, field: (typeof cloudSecretFields)[number]): SecretKey {
  return `clouds.${side}.${field}`;
}

export function hostSecretKey(hostId: string, field: (typeof hostSecretFields)[number]): SecretKey {
  return `hosts.${hostId}.${field}`;
}

/** Every secret key a profile can hold, in a stable order. */
export function secretKeysOf(profile: Pick<Profile, 'hosts'>): SecretKey[] {
  const keys: SecretKey[] = [];
  for (const side of ['source', 'target'] as const)
    for (const field of cloudSecretFields) keys.push(cloudSecretKey(side, field));
  for (const host of profile.hosts)
    for (const field of hostSecretFields) keys.push(hostSecretKey(host.id, field));
  keys.push('smtp.password', 'trilio.dbCleanup.password');
  return keys;
}

/** Sets every secret field of the profile to 'set' or 'not set' from the keys present in the store. */
export function withSecretStates(profile: Profile, present: ReadonlySet<string>): Profile {
  const state = (key: string) => (present.has(key) ? 'set' : 'not set');
  return {
    ...profile,
    clouds: {
      source: withCloudStates(profile, 'source', state),
      target: withCloudStates(profile, 'target', state),
    },
    hosts: profile.hosts.map((h) => ({
      ...h,
      password: state(hostSecretKey(h.id, 'password')),
      privateKey: state(hostSecretKey(h.id, 'privateKey')),
      keyPassphrase: state(hostSecretKey(h.id, 'keyPassphrase')),
    })),
    smtp: { ...profile.smtp, password: state('smtp.password') },
    trilio: {
      ...profile.trilio,
      dbCleanup: { ...profile.trilio.dbCleanup, password: state('trilio.dbCleanup.password') },
    },
  };
}

function withCloudStates(profile: Profile, side: CloudSide, state: (k: string) => 'set' | 'not set') {
  return {
    ...profile.clouds[side],
    password: state(cloudSecretKey(side, 'password')),
    applicationCredentialSecret: state(cloudSecretKey(side, 'applicationCredentialSecret')),
  };
}
