import { fingerprintOf } from '../ssh/host-key.js';
import { trustHostKey } from '../ssh/host-key-verifier.js';
import { fail, ok } from '../../../shared/result.js';
import type { CoreState } from '../core-state.js';
import type { PartialHandlers } from './handler-types.js';

/** Host keys: the user's explicit "trust this key" after a first contact or a changed key. */
export function hostHandlers(state: CoreState): PartialHandlers<'hosts.trustKey'> {
  return {
    'hosts.trustKey': ({ profileId, host, keyType, keyBase64, replace }) => {
      const profile = state.profiles.get(profileId);
      if (!profile.ok) return profile;
      const blob = Buffer.from(keyBase64, 'base64');
      if (blob.length === 0) return fail({ code: 'invalid-argument', message: 'The host key is empty.' });
      const trusted = trustHostKey(
        state.knownHosts(profileId),
        { host, keyType, keyBase64, fingerprint: fingerprintOf(blob) },
        { replace },
      );
      return trusted.ok ? ok({ trusted: true }) : trusted;
    },
  };
}
