import type { Profile, SecretState, SecretUpdates } from '../../../../shared/profile/profile.js';
import { cloudSecretKey, hostSecretKey } from '../../../../shared/profile/secret-keys.js';

/**
 * The profile as it will be after saving the pending secret updates: a typed password counts as
 * 'set' and a cleared one as 'not set'. Validation runs on this, so "Set the password" disappears as
 * soon as the user types one. The values themselves are not copied anywhere.
 */
export function withPendingSecrets(profile: Profile, pending: SecretUpdates): Profile {
  const state = (key: string, saved: SecretState): SecretState => {
    if (!Object.prototype.hasOwnProperty.call(pending, key)) return saved;
    return pending[key] === null ? 'not set' : 'set';
  };
  const cloud = (side: 'source' | 'target') => {
    const c = profile.clouds[side];
    return {
      ...c,
      password: state(cloudSecretKey(side, 'password'), c.password),
      applicationCredentialSecret: state(
        cloudSecretKey(side, 'applicationCredentialSecret'),
        c.applicationCredentialSecret,
      ),
    };
  };
  return {
    ...profile,
    clouds: { source: cloud('source'), target: cloud('target') },
    hosts: profile.hosts.map((h) => ({
      ...h,
      password: state(hostSecretKey(h.id, 'password'), h.password),
      privateKey: state(hostSecretKey(h.id, 'privateKey'), h.privateKey),
      keyPassphrase: state(hostSecretKey(h.id, 'keyPassphrase'), h.keyPassphrase),
    })),
    smtp: { ...profile.smtp, password: state('smtp.password', profile.smtp.password) },
    trilio: {
      ...profile.trilio,
      dbCleanup: {
        ...profile.trilio.dbCleanup,
        password: state('trilio.dbCleanup.password', profile.trilio.dbCleanup.password),
      },
    },
  };
}
