import { fail, ok, type AppError, type HostKeyInfo, type Result } from '../../../shared/result.js';
import { fingerprintOf, keyTypeOf } from './host-key.js';
import type { KnownHostEntry, KnownHostsStore } from './known-hosts-store.js';

/** What the verifier decided, kept so a failed handshake can be explained with the right error. */
export type HostKeyDecision =
  | { kind: 'accepted'; fingerprint: string }
  | { kind: 'unknown'; presented: HostKeyInfo }
  | { kind: 'changed'; presented: HostKeyInfo };

/**
 * An ssh2 `hostVerifier` (callback form) that checks the presented key against the stored keys of
 * `hostName` (`addr` or `[addr]:port`). Known and equal → accept. Unknown or different → reject, and
 * `onDecision` learns why; nothing is ever stored here: trusting a key is the user's act (`trustHostKey`).
 */
export function createHostVerifier(
  store: KnownHostsStore,
  hostName: string,
  onDecision: (decision: HostKeyDecision) => void,
): (key: Buffer, verify: (valid: boolean) => void) => void {
  return (key, verify) => {
    const presented: HostKeyInfo = {
      host: hostName,
      keyType: keyTypeOf(key),
      keyBase64: key.toString('base64'),
      fingerprint: fingerprintOf(key),
    };
    let known: KnownHostEntry[];
    try {
      known = store.lookup(hostName);
    } catch {
      // A store that cannot answer must not let an unverified host through.
      onDecision({ kind: 'unknown', presented });
      verify(false);
      return;
    }
    if (known.some((e) => e.keyBase64 === presented.keyBase64)) {
      onDecision({ kind: 'accepted', fingerprint: presented.fingerprint });
      verify(true);
      return;
    }
    if (known.length === 0) {
      onDecision({ kind: 'unknown', presented });
    } else {
      onDecision({
        kind: 'changed',
        presented: { ...presented, knownFingerprints: known.map((e) => e.fingerprint) },
      });
    }
    verify(false);
  };
}

/** The error the user sees for an unknown or changed host key. */
export function hostKeyError(
  decision: Exclude<HostKeyDecision, { kind: 'accepted' }>,
  displayHost: string,
): AppError {
  const p = decision.presented;
  if (decision.kind === 'unknown')
    return {
      code: 'ssh-host-key-unknown',
      message: `${displayHost} (${p.host}) is not a known host. Its ${p.keyType} key fingerprint is ${p.fingerprint}.`,
      hint: 'Compare the fingerprint with the one the host administrator reads with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub`, then trust it, or import a known_hosts file.',
      host: displayHost,
      hostKey: p,
    };
  return {
    code: 'ssh-host-key-mismatch',
    message:
      `The host key of ${displayHost} (${p.host}) has changed: it now presents ${p.keyType} ${p.fingerprint}, ` +
      `but the stored key is ${(p.knownFingerprints ?? []).join(', ')}. The connection was refused.`,
    hint:
      'This can be a reinstalled host or someone intercepting the connection. Verify the new fingerprint with the ' +
      "host's administrator before replacing the stored key (as `ssh-keygen -R` would for OpenSSH).",
    host: displayHost,
    hostKey: p,
  };
}

/**
 * Stores a key the user accepted after seeing its fingerprint. A changed key is only replaced when
 * `replace` is set, so a UI cannot turn a mismatch into a silent accept by calling the first-use path.
 */
export function trustHostKey(
  store: KnownHostsStore,
  key: HostKeyInfo,
  options: { replace?: boolean } = {},
): Result<{ added: boolean }> {
  const existing = store.lookup(key.host);
  if (existing.some((e) => e.keyBase64 === key.keyBase64)) return ok({ added: false });
  if (existing.length > 0) {
    if (!options.replace)
      return fail({
        code: 'conflict',
        message: `${key.host} already has a different stored host key (${existing.map((e) => e.fingerprint).join(', ')}).`,
        hint: 'Replace it explicitly, after verifying the new fingerprint with the host administrator.',
        hostKey: { ...key, knownFingerprints: existing.map((e) => e.fingerprint) },
      });
    store.remove(key.host);
  }
  store.add({
    host: key.host,
    keyType: key.keyType,
    keyBase64: key.keyBase64,
    fingerprint: key.fingerprint,
    addedAt: new Date().toISOString(),
  });
  return ok({ added: true });
}
